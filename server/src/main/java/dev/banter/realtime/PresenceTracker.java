package dev.banter.realtime;

import dev.banter.auth.UserService;
import dev.banter.cluster.EventBus;
import dev.banter.cluster.Presence;
import dev.banter.events.ServerEvent;
import dev.banter.rooms.RoomService;
import io.netty.buffer.ByteBuf;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is online, as far as this node's connections go: a user's first connection here announces
 * them online (if they were offline everywhere), their last one offline — through one worker that
 * settles departures in batches, with the users lost with a dead node. A presence event names the
 * rooms its user is in; each node finds the audience among its own connections from an index of the
 * rooms of its connected users (guests see nobody's presence, so they are not indexed).
 */
final class PresenceTracker {
  private static final Logger log = LoggerFactory.getLogger(PresenceTracker.class);

  /** Departures settled together: one last-seen update for this many users. */
  private static final int DEPARTURE_BATCH = 500;

  private final Hub hub;
  private final Presence presence;
  private final RoomService rooms;
  private final UserService users;
  private final EventBus bus;
  private final Clock clock;

  /**
   * Users whose last connection here closed (or who were lost with a dead node), waiting to be
   * settled; one entry per user, so it holds at most one per user who was connected.
   */
  private final Map<String, Departure> departures = new ConcurrentHashMap<>();

  private final AtomicBoolean settling = new AtomicBoolean();

  /** Room → the connected, non-guest users of this node who are its members. */
  private final Map<String, Set<String>> watchers = new ConcurrentHashMap<>();

  /** Connected, non-guest user of this node → their rooms (the inverse of {@link #watchers}). */
  private final Map<String, Set<String>> roomsOf = new ConcurrentHashMap<>();

  /** A user who left at {@code at}; {@code username} null when lost with another node. */
  private record Departure(String userId, String username, long at) {}

  PresenceTracker(
      Hub hub, Presence presence, RoomService rooms, UserService users, EventBus bus, Clock clock) {
    this.hub = hub;
    this.presence = presence;
    this.rooms = rooms;
    this.users = users;
    this.bus = bus;
    this.clock = clock;
    presence.onLost(
        userId -> {
          departures.putIfAbsent(userId, new Departure(userId, null, clock.millis()));
          settleDepartures();
        });
  }

  /** {@code c} authenticated (on its virtual thread: may read the store). */
  void connected(Connection c) {
    Session s = c.session();
    if (!hub.connected(c)) {
      return;
    }
    List<String> theirRooms = null;
    if (!s.guest()) {
      theirRooms = rooms.roomIdsOf(s.userId());
      theirRooms.forEach(room -> member(s.userId(), room));
    }
    if (presence.arrived(s.userId())) {
      publish(
          s.username(),
          s.userId(),
          true,
          theirRooms != null ? theirRooms : rooms.roomIdsOf(s.userId()));
    }
  }

  /**
   * {@code c} closed; when it was its user's last connection here, the departure is settled soon.
   */
  void disconnected(Connection c) {
    Session s = c.session();
    if (s != null && hub.disconnected(c, s.userId())) {
      departures.put(s.userId(), new Departure(s.userId(), s.username(), clock.millis()));
      settleDepartures();
    }
  }

  // ---- the audience index ----

  /** {@code session}'s user is a member of {@code roomId} (it subscribed to it). */
  void member(Session session, String roomId) {
    if (!session.guest()) {
      member(session.userId(), roomId);
    }
  }

  /** {@code userId} became a member of {@code roomId}: indexed if they are connected here. */
  void memberIfLocal(String userId, String roomId) {
    if (roomsOf.containsKey(userId)) {
      member(userId, roomId);
    }
  }

  private void member(String userId, String roomId) {
    roomsOf.computeIfAbsent(userId, k -> ConcurrentHashMap.newKeySet()).add(roomId);
    watchers.computeIfAbsent(roomId, k -> ConcurrentHashMap.newKeySet()).add(userId);
  }

  void notMember(String userId, String roomId) {
    Set<String> theirs = roomsOf.get(userId);
    if (theirs != null) {
      theirs.remove(roomId);
    }
    watchers.computeIfPresent(
        roomId,
        (k, set) -> {
          set.remove(userId);
          return set.isEmpty() ? null : set;
        });
  }

  void roomGone(String roomId) {
    Set<String> members = watchers.remove(roomId);
    if (members != null) {
      members.forEach(
          u -> {
            Set<String> theirs = roomsOf.get(u);
            if (theirs != null) {
              theirs.remove(roomId);
            }
          });
    }
  }

  private void forget(String userId) {
    Set<String> theirs = roomsOf.remove(userId);
    if (theirs != null) {
      theirs.forEach(
          room ->
              watchers.computeIfPresent(
                  room,
                  (k, set) -> {
                    set.remove(userId);
                    return set.isEmpty() ? null : set;
                  }));
    }
  }

  /** Hands {@code p} to this node's connections of users who share one of its rooms. */
  void deliver(ServerEvent.PresenceChanged p) {
    Set<String> audience = new HashSet<>();
    for (String room : p.rooms()) {
      audience.addAll(watchers.getOrDefault(room, Set.of()));
    }
    if (audience.isEmpty()) {
      return;
    }
    ByteBuf frame = Frames.of(p);
    try {
      for (String userId : audience) {
        for (Connection c : hub.connectionsOf(userId)) {
          c.send(frame.retainedDuplicate());
        }
      }
    } finally {
      frame.release();
    }
  }

  private void publish(String username, String userId, boolean online, List<String> theirRooms) {
    bus.publish(new ServerEvent.PresenceChanged(username, userId, online, theirRooms));
  }

  // ---- departures ----

  /**
   * Starts the one worker that settles departures, unless it runs already. One worker, in batches:
   * when a node's clients all leave at once (a restart, a network blip) or a node dies with its
   * users, their last-seen times are one batched update per {@link #DEPARTURE_BATCH} users instead
   * of a statement (and a thread) each, all at once, that would wait on the database pool.
   */
  private void settleDepartures() {
    if (!departures.isEmpty() && settling.compareAndSet(false, true)) {
      Thread.ofVirtual()
          .name("banter-offline")
          .start(
              () -> {
                try {
                  while (!departures.isEmpty()) {
                    List<Departure> batch = new ArrayList<>(DEPARTURE_BATCH);
                    for (String userId : departures.keySet()) {
                      Departure d = departures.remove(userId);
                      if (d != null) {
                        batch.add(d);
                      }
                      if (batch.size() == DEPARTURE_BATCH) {
                        break;
                      }
                    }
                    settle(batch);
                  }
                } finally {
                  settling.set(false);
                  settleDepartures(); // one that arrived after the last look
                }
              });
    }
  }

  private void settle(List<Departure> batch) {
    try {
      Map<String, Long> seen = new LinkedHashMap<>();
      batch.stream()
          .filter(d -> d.username() != null)
          .forEach(d -> seen.merge(d.userId(), d.at(), Math::max));
      if (!seen.isEmpty()) {
        users.seen(seen);
      }
    } catch (RuntimeException e) {
      log.warn("could not record last-seen times of {} users: {}", batch.size(), e.toString());
    }
    int failed = 0;
    RuntimeException first = null;
    for (Departure d : batch) {
      try {
        // A quick reconnect may have brought the user back meanwhile: then nothing departed.
        if (hub.hasUser(d.userId())) {
          continue;
        }
        boolean lost = d.username() == null;
        Set<String> known = roomsOf.get(d.userId());
        List<String> theirRooms = known != null ? List.copyOf(known) : rooms.roomIdsOf(d.userId());
        forget(d.userId());
        // A user lost with a dead node is offline already (no live node claims them).
        if (lost || presence.departed(d.userId())) {
          String name = lost ? users.usernameOf(d.userId()).orElse(null) : d.username();
          if (name != null) {
            publish(name, d.userId(), false, theirRooms);
          }
        }
      } catch (RuntimeException e) {
        failed++;
        first = first == null ? e : first;
      }
    }
    if (failed > 0) { // one line per batch: during a shutdown every one of them fails alike
      log.warn(
          "could not announce {} of {} departed users offline (their claims expire): {}",
          failed,
          batch.size(),
          first.toString());
    }
  }
}
