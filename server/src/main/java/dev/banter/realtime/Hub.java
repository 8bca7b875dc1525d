package dev.banter.realtime;

import dev.banter.cluster.EventBus;
import dev.banter.core.Metrics;
import dev.banter.events.ServerEvent;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * This node's registry: every open connection, the connections of each user, the subscribers of
 * each room; and the delivery of one serialised frame to them, a batch per event loop through that
 * loop's {@link LoopOutbox}. Knows nothing of what the events mean.
 */
final class Hub {
  private final Set<Connection> all = ConcurrentHashMap.newKeySet();
  private final Map<String, Set<Connection>> byUser = new ConcurrentHashMap<>();
  private final Map<String, Set<Subscription>> byRoom = new ConcurrentHashMap<>();
  private final Map<EventLoop, LoopOutbox> outboxes = new ConcurrentHashMap<>();
  private final RoomCursors cursors;
  private final EventBus bus;

  Hub(RoomCursors cursors, EventBus bus, Metrics metrics) {
    this.cursors = cursors;
    this.bus = bus;
    metrics.gauge("banter_ws_connections", "open WebSocket connections", all::size);
    metrics.gauge("banter_rooms_live", "rooms with a live subscriber on this node", byRoom::size);
    metrics.gauge("banter_users_connected", "users with a connection on this node", byUser::size);
  }

  // ---- connections ----

  void opened(Connection c) {
    all.add(c);
  }

  /** Forgets {@code c}; true when it was open (false when already forgotten). */
  boolean closed(Connection c) {
    return all.remove(c);
  }

  /** {@code c} authenticated; true when it is its user's first connection here. */
  boolean connected(Connection c) {
    boolean[] first = new boolean[1];
    byUser.compute(
        c.session().userId(),
        (k, set) -> {
          // copy-on-write: a user has a few connections, read (targeted events) far more often than
          // changed
          Set<Connection> s = set == null ? new CopyOnWriteArraySet<>() : set;
          first[0] = s.isEmpty();
          s.add(c);
          return s;
        });
    return first[0];
  }

  /** {@code c} of {@code userId} closed; true when it was the user's last connection here. */
  boolean disconnected(Connection c, String userId) {
    boolean[] last = new boolean[1];
    byUser.computeIfPresent(
        userId,
        (k, set) -> {
          set.remove(c);
          last[0] = set.isEmpty();
          return set.isEmpty() ? null : set;
        });
    return last[0];
  }

  Set<Connection> connectionsOf(String userId) {
    return byUser.getOrDefault(userId, Set.of());
  }

  boolean hasUser(String userId) {
    return byUser.containsKey(userId);
  }

  Set<String> users() {
    return Set.copyOf(byUser.keySet());
  }

  /** Every open connection (live view). */
  Set<Connection> all() {
    return all;
  }

  // ---- subscriptions ----

  /**
   * Adds {@code s}; with the room's first subscriber here its cursor starts at {@code seq}, what
   * was stored before the subscription. Returns once other nodes' events of the room reach this
   * node.
   */
  void subscribe(Subscription s, long seq) {
    byRoom.compute(
        s.roomId,
        (k, set) -> { // inside compute: a concurrent removal of the last one cannot orphan it
          Set<Subscription> subs = set == null ? ConcurrentHashMap.newKeySet() : set;
          subs.add(s);
          cursors.startIfAbsent(s.roomId, seq);
          return subs;
        });
    s.connection.subscribed(s);
    bus.watchRoom(s.roomId);
  }

  /** Ends {@code c}'s subscription of {@code roomId}, if any. */
  void unsubscribe(Connection c, String roomId) {
    Subscription s = c.unsubscribed(roomId);
    if (s != null) {
      remove(s);
    }
  }

  /**
   * Ends {@code c}'s subscription of {@code roomId} because of an event just handed to the loops
   * (the user left or was removed): nothing new is queued for it from now on, and it stops on its
   * loop after what is queued there already, so that the event that ends it (addressed to the user,
   * and queued through this subscription) is still written.
   */
  void unsubscribeAfterQueued(Connection c, String roomId) {
    Subscription s = c.unsubscribed(roomId);
    if (s != null) {
      forget(s);
      discardAfterQueued(s);
    }
  }

  /** Ends every subscription of {@code c} (it closed). */
  void unsubscribeAll(Connection c) {
    c.unsubscribeAll().forEach(this::remove);
  }

  private void remove(Subscription s) {
    s.discard();
    forget(s);
  }

  private void discardAfterQueued(Subscription s) {
    outbox(s.connection.eventLoop()).execute(s::discard);
  }

  /** Takes {@code s} out of its room's index (and stops watching the room with its last one). */
  private void forget(Subscription s) {
    boolean[] removed = new boolean[1];
    byRoom.computeIfPresent(
        s.roomId,
        (k, set) -> {
          removed[0] = set.remove(s);
          if (set.isEmpty()) {
            cursors.forget(s.roomId); // inside compute, like the subscribe that starts it
            return null;
          }
          return set;
        });
    if (removed[0]) {
      bus.unwatchRoom(s.roomId);
    }
  }

  /**
   * The room is gone (its {@code room_deleted} was just handed to the loops): every subscription of
   * it here ends, each after what is queued on its loop — that event among it.
   */
  void dropRoom(String roomId) {
    Set<Subscription> subs = byRoom.remove(roomId);
    if (subs != null) {
      cursors.forget(roomId);
      subs.forEach(
          s -> {
            discardAfterQueued(s);
            s.connection.unsubscribed(s);
            bus.unwatchRoom(roomId);
          });
    }
  }

  boolean hasSubscribers(String roomId) {
    Set<Subscription> subs = byRoom.get(roomId);
    return subs != null && !subs.isEmpty();
  }

  /** Room → subscribed user ids (a snapshot, for the membership audit). */
  Map<String, Set<String>> subscribedUsers() {
    Map<String, Set<String>> out = new HashMap<>();
    byRoom.forEach(
        (room, subs) ->
            subs.forEach(
                s -> {
                  Session session = s.connection.session();
                  if (session != null) {
                    out.computeIfAbsent(room, k -> new HashSet<>()).add(session.userId());
                  }
                }));
    return out;
  }

  /** The subscriptions of {@code roomId} (live view; empty when none). */
  Set<Subscription> subscribers(String roomId) {
    return byRoom.getOrDefault(roomId, Set.of());
  }

  // ---- delivery ----

  /** The queue onto {@code loop} that the fan-out and every sender to its connections share. */
  LoopOutbox outbox(EventLoop loop) {
    return outboxes.computeIfAbsent(loop, LoopOutbox::new);
  }

  /** Whether {@code e} would reach anyone here (so that it is not serialised for nobody). */
  boolean anyReceiver(ServerEvent e) {
    if (e.roomId() != null && hasSubscribers(e.roomId())) {
      return true;
    }
    for (String u : e.users()) {
      if (byUser.containsKey(u)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Delivers {@code frame} (the bytes of {@code e}; the caller keeps its reference) to the room's
   * subscribers, one batch per event loop, and to the connections of {@code e.users()}, each
   * connection once. Returns how many connections it was handed to.
   */
  int deliver(ServerEvent e, ByteBuf frame) {
    int delivered = 0;
    boolean targeted = !e.users().isEmpty();
    Set<Connection> reached = targeted ? new HashSet<>() : null;
    if (e.roomId() != null) {
      Set<Subscription> subs = byRoom.get(e.roomId());
      if (subs != null) {
        Map<EventLoop, List<Subscription>> byLoop = new IdentityHashMap<>(4);
        for (Subscription s : subs) {
          byLoop.computeIfAbsent(s.connection.eventLoop(), k -> new ArrayList<>()).add(s);
          delivered++;
          if (reached != null) {
            reached.add(s.connection);
          }
        }
        byLoop.forEach((loop, to) -> outbox(loop).add(e, frame.retain(), to));
      }
    }
    if (targeted) {
      for (String userId : e.users()) {
        for (Connection c : connectionsOf(userId)) {
          if (reached.add(c)) {
            c.send(frame.retainedDuplicate());
            delivered++;
          }
        }
      }
    }
    return delivered;
  }
}
