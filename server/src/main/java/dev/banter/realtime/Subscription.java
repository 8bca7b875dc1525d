package dev.banter.realtime;

import dev.banter.events.ServerEvent;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * One connection's live interest in one room. It remembers the last message seq delivered, so each
 * message reaches the connection exactly once and in order; while a join replays history, live
 * events wait (see {@link Replay}) and are merged after it (dropping what the replay sent).
 *
 * <p>The merge rule for changes (SPEC §5.1): a replayed message is its whole state at its rev,
 * which includes every change of it with a rev up to that one. So a live edit, delete or reaction
 * event that waited during the replay is dropped when its rev is at most the rev the replay sent
 * for that same message (it is already shown), or at most the client's {@code since_rev} (it was
 * seen before the disconnect); anything newer is a change made after the replay read the message
 * and is sent, after it. Rooms' revs are committed in rev order (the room row is locked until
 * commit), so a state read at rev r reflects every change up to r. The rule is per message, not
 * "the highest rev replayed": a new message replayed before the changes were read may be edited
 * meanwhile, at a rev below the changes replayed after it, and that edit must still arrive.
 */
final class Subscription {
  final Connection connection;
  final String roomId;
  private long lastSeq;

  /** A live event that arrived during the replay, with its retained bytes. */
  private record Pending(ServerEvent event, ByteBuf bytes) {}

  /**
   * What a join's replay needs until the subscription goes live; then dropped, so a live
   * subscription keeps only its position. {@code pending} is bounded like the connection's outbound
   * backlog: a room so busy that more than {@code limit} bytes arrive while one join replays closes
   * that connection 4008 (it reconnects and resumes), instead of holding the bytes.
   */
  private static final class Replay {
    final long limit;
    final List<Pending> pending = new ArrayList<>();
    long pendingBytes;

    /** The rev each message was replayed at (at most two replay bounds of entries). */
    final Map<String, Long> replayedRevs = new HashMap<>();

    /**
     * The client's since_rev: changes at or below it were seen before the disconnect (-1: none).
     */
    long sinceRev = -1;

    Replay(long limit) {
      this.limit = limit;
    }
  }

  /** Null once live (or ended). */
  private Replay replay;

  /** Set when the connection left the room or closed: nothing is delivered or held from then on. */
  private boolean ended;

  /**
   * @param pendingLimit bytes of live events that may wait during the join's replay
   */
  Subscription(Connection connection, String roomId, long pendingLimit) {
    this.connection = connection;
    this.roomId = roomId;
    this.replay = new Replay(pendingLimit);
  }

  /**
   * Called on the connection's event loop for every event of the room, by the batch that writes it
   * to this loop's connections; {@code frame} stays owned by the caller. True when the frame was
   * written and the connection needs a flush.
   */
  synchronized boolean deliver(ServerEvent e, ByteBuf frame) {
    if (ended) {
      return false;
    }
    if (replay != null) {
      replay.pendingBytes += frame.readableBytes();
      if (replay.pendingBytes > replay.limit) {
        discard();
        connection.slowConsumer();
        return false;
      }
      replay.pending.add(new Pending(e, frame.retainedDuplicate()));
      return false;
    }
    return isNew(e) ? connection.write(frame.retainedDuplicate()) : false;
  }

  /**
   * Whether {@code e} comes after what was sent (moving the position on); events without a seq
   * always do.
   */
  private boolean isNew(ServerEvent e) {
    if (e instanceof ServerEvent.NewMessage m) {
      if (m.seq() <= lastSeq) {
        return false; // already sent by the replay (or twice by the bus)
      }
      lastSeq = m.seq();
    }
    return true;
  }

  /** Records a replayed new message as sent, at its seq and rev. */
  synchronized void replayed(long seq, String messageId, long rev) {
    lastSeq = Math.max(lastSeq, seq);
    replayedChange(messageId, rev);
  }

  /**
   * Records a replayed message's state ({@code message_updated}, or a new message) as sent at
   * {@code rev}.
   */
  synchronized void replayedChange(String messageId, long rev) {
    if (replay != null) {
      replay.replayedRevs.merge(messageId, rev, Math::max);
    }
  }

  /** The client resumes from {@code rev}: changes up to it are not sent again. */
  synchronized void sinceRev(long rev) {
    if (replay != null) {
      replay.sinceRev = rev;
    }
  }

  /**
   * Whether a live event that waited during the replay is already shown by it (see the class
   * comment).
   */
  private static boolean shownByReplay(Replay r, ServerEvent e) {
    if (!(e instanceof ServerEvent.Change c)) {
      return false;
    }
    Long replayed = r.replayedRevs.get(c.messageId());
    return c.rev() <= r.sinceRev || (replayed != null && c.rev() <= replayed);
  }

  synchronized long lastSeq() {
    return lastSeq;
  }

  /**
   * Ends the replay: sends {@code joined} (built from the final position), then what waited, then
   * goes live. It runs on the connection's event loop, after the replayed frames queued there, in
   * order with the fan-out's batches, which decide there whether an event waits or is written.
   */
  void goLive(LongFunction<ByteBuf> joined) {
    connection
        .outbox()
        .execute(
            () -> {
              synchronized (this) {
                if (ended) {
                  return; // discarded meanwhile: the connection closed or left
                }
                connection.send(joined.apply(lastSeq));
                for (Pending p : replay.pending) {
                  if (!shownByReplay(replay, p.event()) && isNew(p.event())) {
                    connection.send(p.bytes());
                  } else {
                    p.bytes().release();
                  }
                }
                replay = null;
              }
            });
  }

  /** Drops what waited (the connection closed or left mid-replay). */
  synchronized void discard() {
    ended = true;
    if (replay != null) {
      replay.pending.forEach(p -> p.bytes().release());
      replay = null;
    }
  }

  /**
   * Starts the position at {@code seq} (a join without since_seq starts at the room's current end).
   */
  synchronized void startAt(long seq) {
    lastSeq = seq;
  }
}
