package dev.banter.realtime;

import dev.banter.cluster.Event;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * One connection's live interest in one room. It remembers the last message seq delivered, so
 * each message reaches the connection exactly once and in order; while a join replays history,
 * live events wait in {@code pending} and are merged after it (dropping what the replay sent).
 */
final class Subscription {
  final Connection connection;
  final String roomId;
  private long lastSeq;
  /** A live event that arrived during the replay, with its retained bytes. */
  private record Pending(Event event, ByteBuf bytes) {}

  /** What arrived during the replay; null once live. */
  private List<Pending> pending = new ArrayList<>();

  Subscription(Connection connection, String roomId) {
    this.connection = connection;
    this.roomId = roomId;
  }

  /**
   * Called on the connection's event loop for every event of the room, by the batch that writes
   * it to this loop's connections; {@code frame} stays owned by the caller. True when the frame
   * was written and the connection needs a flush.
   */
  synchronized boolean deliver(Event e, ByteBuf frame) {
    if (pending != null) {
      pending.add(new Pending(e, frame.retainedDuplicate()));
      return false;
    }
    return isNew(e) ? connection.write(frame.retainedDuplicate()) : false;
  }

  /** Whether {@code e} comes after what was sent (moving the position on); events without a seq always do. */
  private boolean isNew(Event e) {
    if (e.seq() > 0) {
      if (e.seq() <= lastSeq) {
        return false; // already sent by the replay (or twice by the bus)
      }
      lastSeq = e.seq();
    }
    return true;
  }

  /** Records a replayed message as sent. */
  synchronized void replayed(long seq) {
    lastSeq = Math.max(lastSeq, seq);
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
    connection.outbox.execute(() -> {
      synchronized (this) {
        connection.send(joined.apply(lastSeq));
        for (Pending p : pending) {
          if (isNew(p.event())) {
            connection.send(p.bytes());
          } else {
            p.bytes().release();
          }
        }
        pending = null;
      }
    });
  }

  /** Drops what waited (the connection closed or left mid-replay). */
  synchronized void discard() {
    if (pending != null) {
      pending.forEach(p -> p.bytes().release());
      pending.clear();
    }
  }

  /** Starts the position at {@code seq} (a join without since_seq starts at the room's current end). */
  synchronized void startAt(long seq) {
    lastSeq = seq;
  }
}
