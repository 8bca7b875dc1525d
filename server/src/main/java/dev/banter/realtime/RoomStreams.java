package dev.banter.realtime;

import dev.banter.core.Metrics;
import dev.banter.events.ServerEvent;
import dev.banter.messages.Message;
import dev.banter.messages.MessageService;
import dev.banter.rooms.RoomService;
import io.netty.buffer.ByteBuf;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rooms' streams on this node: every subscriber gets every seq of its room once, in order, and
 * every change. A join replays what the connection missed while live events wait (see {@link
 * Subscription}); a new message whose seq jumps past the room's cursor first brings the missing
 * ones from the store; a resync reads a room forward from its cursor (after Redis lost events, or a
 * full fan-out queue dropped some). Runs events on the room's fan-out shard.
 */
final class RoomStreams implements Fanout.Sink {
  private static final Logger log = LoggerFactory.getLogger(RoomStreams.class);
  private static final int REPLAY_PAGE = 200;

  private final Hub hub;
  private final RoomCursors cursors;
  private final RoomService rooms;
  private final MessageService messages;
  private final PresenceTracker presence;
  private final Gateway.Limits limits;
  private final Metrics metrics;
  private final Clock clock;

  RoomStreams(
      Hub hub,
      RoomCursors cursors,
      RoomService rooms,
      MessageService messages,
      PresenceTracker presence,
      Gateway.Limits limits,
      Metrics metrics,
      Clock clock) {
    this.hub = hub;
    this.cursors = cursors;
    this.rooms = rooms;
    this.messages = messages;
    this.presence = presence;
    this.limits = limits;
    this.metrics = metrics;
    this.clock = clock;
  }

  // ---- joining ----

  /**
   * Subscribes {@code c} to {@code roomId} and, with {@code sinceSeq}, replays what it missed: live
   * events wait while the replay reads from storage, then are merged by seq — no gap, no duplicate.
   * With {@code sinceRev} it then replays, as {@code message_updated}, the messages it had that
   * changed since (SPEC §5.1); the merge drops a waiting change the replay already shows.
   */
  void join(Connection c, String ref, String roomId, Long sinceSeq, Long sinceRev) {
    Session session = c.session();
    // May the user see the room at all? Asked before anything is subscribed, here or on Redis.
    var before = rooms.requireMembership(session.principal(), roomId);
    hub.unsubscribe(c, roomId);
    Subscription sub = new Subscription(c, roomId, limits.outboundBytes());
    hub.subscribe(sub, before.lastSeq()); // returns once other nodes' events reach us
    presence.member(session, roomId);
    // Read the end of the room only now that live events are being caught: anything later arrives
    // live. Asking for the membership again also catches a removal that raced with the subscribing.
    long end;
    long endRev;
    try {
      var now = rooms.requireMembership(session.principal(), roomId);
      end = now.lastSeq();
      endRev = now.lastRev();
    } catch (RuntimeException e) {
      hub.unsubscribe(c, roomId);
      throw e;
    }
    boolean truncated = replayMessages(c, sub, roomId, sinceSeq, end);
    // Without since_seq the client had everything up to now: its changes are those of every
    // message.
    boolean changesCut =
        sinceRev != null
            && replayChanges(
                c, sub, roomId, sinceRev, sinceSeq == null ? end : Math.min(sinceSeq, end));
    sub.goLive(
        last -> {
          Map<String, Object> joined = new LinkedHashMap<>();
          joined.put("room_id", roomId);
          joined.put("last_seq", last);
          // Every change up to it is committed (revs commit in order) and so was read by the
          // replay,
          // or is pages away when changes_truncated; later ones follow live.
          joined.put("last_rev", endRev);
          if (truncated) {
            joined.put("truncated", true);
          }
          if (changesCut) {
            joined.put("changes_truncated", true);
          }
          return Frames.reply("joined", ref, joined);
        });
  }

  /**
   * Replays the messages after {@code sinceSeq} up to {@code end}, at most the replay bound; true
   * when cut.
   */
  private boolean replayMessages(
      Connection c, Subscription sub, String roomId, Long sinceSeq, long end) {
    if (sinceSeq == null || sinceSeq >= end) {
      sub.startAt(sinceSeq == null ? end : sinceSeq);
      return false;
    }
    long from = sinceSeq;
    boolean truncated = false;
    if (end - sinceSeq > limits.replayLimit()) {
      from = end - limits.replayLimit();
      truncated = true;
    }
    sub.startAt(from);
    while (from < end) {
      var page = messages.history(c.principal(), roomId, null, from, REPLAY_PAGE);
      for (Message m : page.messages()) {
        if (m.seq() > end) {
          return truncated;
        }
        c.send(Frames.of(m.posted()));
        sub.replayed(m.seq(), m.id(), m.rev());
        from = m.seq();
      }
      if (page.messages().isEmpty() || !page.hasMore()) {
        break;
      }
    }
    return truncated;
  }

  /**
   * Sends {@code message_updated} for the messages with {@code seq <= maxSeq} changed after {@code
   * sinceRev}, oldest change first, at most the replay bound of them; true when more were left (the
   * client pages them over REST). Not bounded by the rev read at the join: a message changed again
   * meanwhile is sent at its newest state, and its waiting live event dropped.
   */
  private boolean replayChanges(
      Connection c, Subscription sub, String roomId, long sinceRev, long maxSeq) {
    sub.sinceRev(sinceRev);
    long cursor = sinceRev;
    int sent = 0;
    while (true) {
      int room = limits.replayLimit() - sent;
      var page = messages.changes(roomId, cursor, maxSeq, Math.min(REPLAY_PAGE, room));
      for (Message m : page.messages()) {
        c.send(Frames.of(m.updated()));
        sub.replayedChange(m.id(), m.rev());
        cursor = m.rev();
        sent++;
      }
      if (!page.hasMore()) {
        return false;
      }
      if (sent >= limits.replayLimit()) {
        return true;
      }
    }
  }

  // ---- live (on the room's shard) ----

  @Override
  public void event(ServerEvent e, long queuedNanos) {
    metrics.busLag.record(System.nanoTime() - queuedNanos, TimeUnit.NANOSECONDS);
    if (e instanceof ServerEvent.PresenceChanged p) {
      presence.deliver(p);
      return;
    }
    if (e instanceof ServerEvent.NewMessage m) {
      fillGap(m);
    }
    deliver(e);
  }

  /**
   * Redis may drop events (at most once) and nodes publish in parallel: a new message whose seq
   * jumps past the room's cursor first brings the missing ones from the database.
   */
  private void fillGap(ServerEvent.NewMessage m) {
    RoomCursors.Cursor at = cursors.of(m.roomId());
    if (at != null && m.seq() > at.seq + 1) {
      deliverFromStore(m.roomId(), at.seq, m.seq() - 1);
    }
  }

  /** Delivers the stored messages with seq in (after, upTo] of a room to its subscribers here. */
  private void deliverFromStore(String roomId, long after, long upTo) {
    for (Message m : messages.range(roomId, after, upTo)) {
      deliver(m.posted());
    }
  }

  private void deliver(ServerEvent e) {
    advance(e);
    if (hub.anyReceiver(e)) {
      ByteBuf frame = Frames.of(e);
      int delivered;
      try {
        delivered = hub.deliver(e, frame);
      } finally {
        frame.release();
      }
      metrics.deliveries.increment(delivered);
      if (delivered > 0 && e instanceof ServerEvent.NewMessage m) {
        metrics.deliveryLatency.record(Math.max(0, clock.millis() - m.at()), TimeUnit.MILLISECONDS);
      }
    }
    afterDelivery(e);
  }

  /** Moves the room's cursor past what is being delivered. */
  private void advance(ServerEvent e) {
    RoomCursors.Cursor at = e.roomId() == null ? null : cursors.of(e.roomId());
    if (at == null) {
      return;
    }
    if (e instanceof ServerEvent.NewMessage m) {
      at.seq = Math.max(at.seq, m.seq());
    }
  }

  /** Membership changes end live delivery (a deleted room, a member who left or was removed). */
  private void afterDelivery(ServerEvent e) {
    switch (e) {
      case ServerEvent.RoomDeleted d -> {
        hub.dropRoom(d.roomId());
        presence.roomGone(d.roomId());
      }
      case ServerEvent.UserLeft l -> {
        hub.connectionsOf(l.userId()).forEach(c -> hub.unsubscribeAfterQueued(c, l.roomId()));
        presence.notMember(l.userId(), l.roomId());
      }
      case ServerEvent.UserJoined j when j.user().get("id") instanceof String id ->
          presence.memberIfLocal(id, j.roomId());
      case ServerEvent.RoomInvited i when i.room().get("id") instanceof String room ->
          presence.memberIfLocal(i.invitee(), room);
      default -> {}
    }
  }

  /** Reads {@code roomId} forward from its cursor: the messages after its seq. */
  @Override
  public void resync(String roomId) {
    RoomCursors.Cursor at = cursors.of(roomId);
    if (at == null) {
      return;
    }
    try {
      // Messages only: a subscription drops a seq it has, so reading them again is harmless. A
      // change has no such check (the same rev may be on its way live), so changes missed here
      // reach the client on its next resume (since_rev), not as a second live copy.
      deliverFromStore(roomId, at.seq, Long.MAX_VALUE);
    } catch (RuntimeException e) {
      log.warn("could not read room {} forward from the store: {}", roomId, e.toString());
    }
  }

  /**
   * Ends every local subscription whose user is no longer a member of its room. A removal normally
   * arrives as a {@code user_left} event; Redis may drop it (at most once), so every node also
   * checks its subscriptions against the store periodically and after a resync. The user gets the
   * {@code user_left} frame it missed.
   */
  void audit() {
    try {
      Map<String, Set<String>> members = rooms.membersAmong(hub.subscribedUsers());
      members.forEach(
          (room, still) ->
              hub.subscribers(room)
                  .forEach(
                      s -> {
                        Session session = s.connection.session();
                        if (session != null && !still.contains(session.userId())) {
                          hub.unsubscribe(s.connection, room);
                          s.connection.send(
                              Frames.of(
                                  new ServerEvent.UserLeft(
                                      room,
                                      session.userId(),
                                      Map.of(
                                          "id", session.userId(), "username", session.username()),
                                      null)));
                        }
                      }));
    } catch (RuntimeException e) {
      log.warn("could not check subscriptions against memberships: {}", e.toString());
    }
  }
}
