package dev.banter.realtime;

import dev.banter.auth.Revocations;
import dev.banter.auth.UserService;
import dev.banter.cluster.Event;
import dev.banter.cluster.EventBus;
import dev.banter.cluster.Presence;
import dev.banter.core.Metrics;
import dev.banter.core.Principal;
import dev.banter.messages.Message;
import dev.banter.messages.MessageService;
import dev.banter.rooms.RoomService;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's real-time hub: which connection listens to which room, which users are online,
 * and the fan-out of every bus event — serialised once, its bytes shared by every receiver.
 */
public final class Gateway implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Gateway.class);
  /** Typing stops by itself this long after the last refresh (SPEC §5). */
  static final Duration TYPING_TTL = Duration.ofSeconds(6);
  /** A refresh sooner than this after the last published one is not published again. */
  private static final Duration TYPING_REPUBLISH = Duration.ofSeconds(3);
  private static final int REPLAY_PAGE = 200;
  /** How often every subscription is checked against the room's members (see auditSubscriptions). */
  private static final Duration AUDIT_INTERVAL = Duration.ofSeconds(60);
  /** Departures settled together: one last-seen update for this many users. */
  private static final int DEPARTURE_BATCH = 500;
  /** Most slices a ping interval is cut into: each tick pings one slice of the connections. */
  private static final int MAX_HEARTBEAT_SLICES = 250;
  /** Fewest milliseconds between two heartbeat ticks. */
  private static final long MIN_HEARTBEAT_TICK_MS = 20;

  /** The tunables of the WebSocket side. */
  public record Limits(Duration pingInterval, Duration idleTimeout, Duration authTimeout, long outboundBytes,
      int replayLimit, int perIp) {}

  private final RoomService rooms;
  private final MessageService messages;
  private final UserService users;
  private final EventBus bus;
  private final Presence presence;
  private final Metrics metrics;
  /** The newest seq this node delivered per room with local subscribers: a jump past it is a gap to fill. */
  private final Map<String, Long> roomSeq = new ConcurrentHashMap<>();
  /** Events waiting for the fan-out thread. */
  private static final int FANOUT_QUEUE = 100_000;
  /**
   * Every event is fanned out on this one thread, in arrival order (gap fills read the database
   * here). When its queue is full the publisher (the writer thread, or Redis' inbound thread)
   * waits: storage slows down instead of memory growing without bound, and the order holds.
   */
  private final java.util.concurrent.ThreadPoolExecutor fanout = new java.util.concurrent.ThreadPoolExecutor(1, 1,
      0, TimeUnit.MILLISECONDS, new java.util.concurrent.ArrayBlockingQueue<>(FANOUT_QUEUE),
      Thread.ofPlatform().name("banter-fanout").daemon().factory(), (task, executor) -> {
        try {
          executor.getQueue().put(task);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
  private final Clock clock;
  private final Limits limits;
  private final Map<String, Set<Subscription>> byRoom = new ConcurrentHashMap<>();
  private final Map<EventLoop, LoopOutbox> outboxes = new ConcurrentHashMap<>();
  private final int heartbeatSlices;
  /** Timer thread only: the slice the next tick pings. */
  private int nextHeartbeatSlice;
  private final Map<String, Set<Connection>> byUser = new ConcurrentHashMap<>();
  private final Set<Connection> all = ConcurrentHashMap.newKeySet();
  /** Users whose last connection closed, waiting for their last-seen time and offline announcement. */
  private final Queue<Departure> departures = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean settling = new AtomicBoolean();
  private final Map<String, Typist> typists = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("banter-timers").daemon().factory());

  public Gateway(RoomService rooms, MessageService messages, UserService users, EventBus bus, Presence presence,
      Clock clock, Limits limits, Metrics metrics) {
    this.metrics = metrics;
    this.rooms = rooms;
    this.messages = messages;
    this.users = users;
    this.bus = bus;
    this.presence = presence;
    this.clock = clock;
    this.limits = limits;
    bus.subscribe(e -> {
      long queued = System.nanoTime();
      fanout.execute(() -> {
        metrics.busLag.record(System.nanoTime() - queued, TimeUnit.NANOSECONDS);
        fanOut(e);
      });
    });
    metrics.gauge("banter_ws_connections", "open WebSocket connections", all::size);
    metrics.gauge("banter_rooms_live", "rooms with a live subscriber on this node", byRoom::size);
    metrics.gauge("banter_users_connected", "users with a connection on this node", byUser::size);
    bus.onResync(() -> fanout.execute(this::resync));
    presence.onLost(userId -> Thread.ofVirtual().start(() -> announce(userId, false)));
    long ping = limits.pingInterval().toMillis();
    heartbeatSlices = heartbeatSlices(ping);
    long tick = Math.max(1, ping / heartbeatSlices);
    timers.scheduleAtFixedRate(this::heartbeatTick, tick, tick, TimeUnit.MILLISECONDS);
    timers.scheduleWithFixedDelay(() -> Thread.ofVirtual().name("banter-audit").start(this::auditSubscriptions),
        AUDIT_INTERVAL.toMillis(), AUDIT_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Slices of a ping interval of {@code pingMillis}: as many as fit ticks of at least 20 ms, at most 250. */
  static int heartbeatSlices(long pingMillis) {
    return (int) Math.max(1, Math.min(MAX_HEARTBEAT_SLICES, pingMillis / MIN_HEARTBEAT_TICK_MS));
  }

  /** The slice of the ping interval in which {@code c} is pinged (fixed for the connection's life). */
  static int heartbeatSlice(Connection c, int slices) {
    return Math.floorMod(System.identityHashCode(c), slices);
  }

  Limits limits() {
    return limits;
  }

  /** Whether {@code userId} has a live connection on this node or, in a cluster, on any node. */
  public boolean isOnline(String userId) {
    return byUser.containsKey(userId) || presence.isOnline(userId);
  }

  /** The users with a connection on this node. */
  public Set<String> localUsers() {
    return Set.copyOf(byUser.keySet());
  }

  public int connections() {
    return all.size();
  }

  // ---- connections ----

  void opened(Connection c) {
    all.add(c);
  }

  void connected(Connection c) {
    metrics.connects.increment();
    String userId = c.principal.userId();
    boolean[] first = new boolean[1];
    byUser.compute(userId, (k, set) -> {
      // copy-on-write: a user has a few connections, read (targeted events) far more often than changed
      Set<Connection> s = set == null ? new CopyOnWriteArraySet<>() : set;
      first[0] = s.isEmpty();
      s.add(c);
      return s;
    });
    if (first[0] && presence.arrived(userId)) {
      announce(c.principal.username(), userId, true);
    }
  }

  void disconnected(Connection c) {
    if (all.remove(c)) {
      metrics.disconnect(c.closeCode());
    }
    for (Subscription s : c.subscriptions.values()) {
      s.discard();
      removeSubscription(s);
    }
    c.subscriptions.clear();
    if (c.principal == null) {
      return;
    }
    String userId = c.principal.userId();
    boolean[] last = new boolean[1];
    byUser.computeIfPresent(userId, (k, set) -> {
      set.remove(c);
      last[0] = set.isEmpty();
      return set.isEmpty() ? null : set;
    });
    if (last[0]) {
      departures.add(new Departure(c.principal, clock.millis()));
      settleDepartures();
    }
  }

  /** A user's last connection on this node closed at {@code at}. */
  private record Departure(Principal user, long at) {}

  /**
   * Starts the one worker that settles departures, unless it runs already. One worker, in batches:
   * when a node's clients all leave at once (a restart, a network blip) their last-seen times are
   * one batched update per {@link #DEPARTURE_BATCH} users instead of a statement each, all at once,
   * that would wait on the database pool and time out.
   */
  private void settleDepartures() {
    if (!departures.isEmpty() && settling.compareAndSet(false, true)) {
      Thread.ofVirtual().name("banter-offline").start(() -> {
        try {
          List<Departure> batch = new ArrayList<>();
          for (Departure d = departures.poll(); d != null; d = departures.poll()) {
            batch.add(d);
            if (batch.size() == DEPARTURE_BATCH || departures.isEmpty()) {
              settle(batch);
              batch.clear();
            }
          }
        } finally {
          settling.set(false);
          settleDepartures(); // one that arrived after the last poll
        }
      });
    }
  }

  private void settle(List<Departure> batch) {
    try {
      Map<String, Long> seen = new LinkedHashMap<>();
      batch.forEach(d -> seen.merge(d.user().userId(), d.at(), Math::max));
      users.seen(seen);
    } catch (RuntimeException e) {
      log.warn("could not record last-seen times of {} users: {}", batch.size(), e.toString());
    }
    int failed = 0;
    RuntimeException first = null;
    for (Departure d : batch) {
      try {
        // A quick reconnect may have brought the user back meanwhile: then nothing departed.
        if (!byUser.containsKey(d.user().userId()) && presence.departed(d.user().userId())) {
          announce(d.user().username(), d.user().userId(), false);
        }
      } catch (RuntimeException e) {
        failed++;
        first = first == null ? e : first;
      }
    }
    if (failed > 0) { // one line per batch: during a shutdown every one of them fails alike
      log.warn("could not announce {} of {} departed users offline (their claims expire): {}", failed, batch.size(),
          first.toString());
    }
  }

  private void announce(String userId, boolean online) {
    users.usernameOf(userId).ifPresent(name -> announce(name, userId, online));
  }

  private void announce(String username, String userId, boolean online) {
    List<String> audience = rooms.coMembers(userId);
    bus.publish(new Event(Event.PRESENCE, null, 0, audience, Map.of("user", username, "online", online)));
  }

  // ---- rooms ----

  /**
   * Subscribes {@code c} to {@code room} and, with {@code sinceSeq}, replays what it missed:
   * live events wait while the replay reads from storage, then are merged by seq — no gap, no duplicate.
   * With {@code sinceRev} it then replays, as {@code message_updated}, the messages it had that
   * changed since (SPEC §5.1); the merge drops a waiting change the replay already shows (see
   * {@link Subscription}).
   */
  void join(Connection c, String ref, String roomId, Long sinceSeq, Long sinceRev) {
    // May the user see the room at all? Asked before anything is subscribed, here or on Redis.
    long before = rooms.requireMembership(c.principal, roomId).lastSeq();
    unsubscribe(c, roomId);
    Subscription sub = new Subscription(c, roomId);
    c.subscriptions.put(roomId, sub);
    byRoom.compute(roomId, (k, set) -> { // inside compute: a concurrent removal of the last one cannot orphan it
      Set<Subscription> s = set == null ? ConcurrentHashMap.newKeySet() : set;
      s.add(sub);
      // The node's cursor of the room starts here only with its first subscriber, at what was stored
      // before it subscribed; from then on it moves only by what the fan-out delivers, never by a
      // join: a join's replay serves its own connection, and a message stored but not (yet) heard
      // of here must still be filled in for everyone else before anything later reaches them.
      roomSeq.putIfAbsent(roomId, before);
      return s;
    });
    bus.watchRoom(roomId); // returns once other nodes' events of the room reach us
    // Read the end of the room only now that live events are being caught: anything later arrives
    // live. Asking for the membership again also catches a removal that raced with the subscribing.
    long end;
    long endRev;
    try {
      var now = rooms.requireMembership(c.principal, roomId);
      end = now.lastSeq();
      endRev = now.lastRev();
    } catch (RuntimeException e) {
      unsubscribe(c, roomId);
      throw e;
    }
    boolean truncated = false;
    if (sinceSeq == null || sinceSeq >= end) {
      sub.startAt(sinceSeq == null ? end : sinceSeq);
    } else {
      long from = sinceSeq;
      if (end - sinceSeq > limits.replayLimit()) {
        from = end - limits.replayLimit();
        truncated = true;
      }
      sub.startAt(from);
      while (from < end) {
        var page = messages.history(c.principal, roomId, null, from, REPLAY_PAGE);
        if (page.messages().isEmpty()) {
          break;
        }
        for (Message m : page.messages()) {
          if (m.seq() > end) {
            break;
          }
          c.send(Frames.of(new Event(Event.NEW_MESSAGE, roomId, m.seq(), List.of(), Map.of("message", m.view()))));
          sub.replayed(m.seq(), m.id(), m.rev());
          from = m.seq();
        }
        if (!page.hasMore()) {
          break;
        }
      }
    }
    // Without since_seq the client had everything up to now: its changes are those of every message.
    boolean changesCut = sinceRev != null
        && replayChanges(c, sub, roomId, sinceRev, sinceSeq == null ? end : Math.min(sinceSeq, end));
    boolean cut = truncated;
    sub.goLive(last -> {
      Map<String, Object> joined = new LinkedHashMap<>();
      joined.put("room_id", roomId);
      joined.put("last_seq", last);
      // Every change up to it is committed (revs commit in order) and so was read by the replay,
      // or is pages away when changes_truncated; later ones follow live.
      joined.put("last_rev", endRev);
      if (cut) {
        joined.put("truncated", true);
      }
      if (changesCut) {
        joined.put("changes_truncated", true);
      }
      return Frames.reply("joined", ref, joined);
    });
  }

  /**
   * Sends {@code message_updated} for the messages with {@code seq <= maxSeq} changed after
   * {@code sinceRev}, oldest change first, at most the replay bound of them; true when more were
   * left (the client pages them over REST). Not bounded by the rev read at the join: a message
   * changed again meanwhile is sent at its newest state, and its waiting live event dropped.
   */
  private boolean replayChanges(Connection c, Subscription sub, String roomId, long sinceRev, long maxSeq) {
    sub.sinceRev(sinceRev);
    long cursor = sinceRev;
    int sent = 0;
    while (true) {
      int room = limits.replayLimit() - sent;
      var page = messages.changes(roomId, cursor, maxSeq, Math.min(REPLAY_PAGE, room));
      for (Message m : page.messages()) {
        c.send(Frames.of(Event.toRoom(Event.MESSAGE_UPDATED, roomId, Map.of("message", m.view(), "rev", m.rev()))));
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

  void unsubscribe(Connection c, String roomId) {
    Subscription s = c.subscriptions.remove(roomId);
    if (s != null) {
      s.discard();
      removeSubscription(s);
    }
  }

  private void removeSubscription(Subscription s) {
    boolean[] removed = new boolean[1];
    byRoom.computeIfPresent(s.roomId, (k, set) -> {
      removed[0] = set.remove(s);
      if (set.isEmpty()) {
        roomSeq.remove(s.roomId); // inside compute, like the join that sets it
        return null;
      }
      return set;
    });
    if (removed[0]) {
      bus.unwatchRoom(s.roomId);
    }
  }

  // ---- typing ----

  /** A user typing in a room: when it was last announced, and last refreshed by the client. */
  private record Typist(long publishedAt, long refreshedAt) {}

  void typing(Principal p, String roomId, boolean active) {
    String key = roomId + "/" + p.userId();
    long now = clock.millis();
    if (active) {
      Typist before = typists.get(key);
      boolean publish = before == null || now - before.publishedAt() >= TYPING_REPUBLISH.toMillis();
      typists.put(key, new Typist(publish ? now : before.publishedAt(), now));
      if (publish) {
        publishTyping(p, roomId, true);
      }
      timers.schedule(() -> expireTyping(p, roomId, key), TYPING_TTL.toMillis(), TimeUnit.MILLISECONDS);
    } else if (typists.remove(key) != null) {
      publishTyping(p, roomId, false);
    }
  }

  private void expireTyping(Principal p, String roomId, String key) {
    Typist t = typists.get(key);
    if (t != null && clock.millis() - t.refreshedAt() >= TYPING_TTL.toMillis() && typists.remove(key, t)) {
      publishTyping(p, roomId, false);
    }
  }

  private void publishTyping(Principal p, String roomId, boolean active) {
    bus.publish(Event.toRoom(Event.TYPING, roomId, Map.of("room_id", roomId, "user", p.username(), "active", active)));
  }

  // ---- fan-out ----

  /**
   * Redis may drop events (at most once) and nodes publish in parallel: a new message whose seq
   * jumps past the last one delivered here first brings the missing ones from the database.
   */
  private void fillGap(Event e) {
    if (!Event.NEW_MESSAGE.equals(e.type()) || e.roomId() == null) {
      return;
    }
    Long last = roomSeq.get(e.roomId());
    if (last != null && e.seq() > last + 1) {
      deliverFromStore(e.roomId(), last, e.seq() - 1);
    }
    roomSeq.computeIfPresent(e.roomId(), (k, v) -> Math.max(v, e.seq()));
  }

  /** Delivers the stored messages with seq in (after, upTo] of a room to its subscribers here. */
  private void deliverFromStore(String roomId, long after, long upTo) {
    for (Message m : messages.range(roomId, after, upTo)) {
      fanOut(new Event(Event.NEW_MESSAGE, roomId, m.seq(), List.of(), Map.of("message", m.view())));
    }
  }

  /**
   * After the bus lost its connection: every live room is read forward from its last delivered
   * seq, and every subscription's membership is checked again (a removal's event may be lost).
   */
  private void resync() {
    for (Map.Entry<String, Long> room : Map.copyOf(roomSeq).entrySet()) {
      deliverFromStore(room.getKey(), room.getValue(), Long.MAX_VALUE);
    }
    Thread.ofVirtual().name("banter-audit").start(this::auditSubscriptions);
  }

  /**
   * Ends every local subscription whose user is no longer a member of its room. A removal
   * normally arrives as a {@code user_left} event; Redis may drop it (at most once), so every node
   * also checks its subscriptions against the store every {@link #AUDIT_INTERVAL} and after a
   * resync. The user gets the {@code user_left} frame it missed.
   */
  public void auditSubscriptions() {
    try {
      Map<String, Set<String>> subscribed = new java.util.HashMap<>();
      byRoom.forEach((room, subs) -> subs.forEach(s -> {
        Principal p = s.connection.principal;
        if (p != null) {
          subscribed.computeIfAbsent(room, k -> new HashSet<>()).add(p.userId());
        }
      }));
      Map<String, Set<String>> members = rooms.membersAmong(subscribed);
      byRoom.forEach((room, subs) -> subs.forEach(s -> {
        Principal p = s.connection.principal;
        Set<String> still = members.get(room);
        if (p != null && still != null && !still.contains(p.userId())) {
          unsubscribe(s.connection, room);
          s.connection.send(Frames.of(Event.toRoom(Event.USER_LEFT, room, Map.of("room_id", room,
              "user", Map.of("id", p.userId(), "username", p.username())))));
        }
      }));
    } catch (RuntimeException e) {
      log.warn("could not check subscriptions against memberships: {}", e.toString());
    }
  }

  private void fanOut(Event e) {
    if (Revocations.USER_DISABLED.equals(e.type())) { // not a frame for clients: the account's sockets close
      if (Boolean.TRUE.equals(e.body().get("disabled"))) {
        e.users().forEach(u -> byUser.getOrDefault(u, Set.of()).forEach(c -> c.close(CloseCode.UNAUTHORIZED)));
      }
      return;
    }
    if (Revocations.SESSIONS_REVOKED.equals(e.type())) { // nor this: the sessions' sockets close
      if (e.body().get("sessions") instanceof List<?> ended) {
        e.users().forEach(u -> byUser.getOrDefault(u, Set.of()).stream()
            .filter(c -> ended.contains(c.principal.sessionId()))
            .forEach(c -> c.close(CloseCode.UNAUTHORIZED)));
      }
      return;
    }
    fillGap(e);
    Set<Subscription> subs = e.roomId() == null ? null : byRoom.get(e.roomId());
    boolean targeted = !e.users().isEmpty();
    if ((subs == null || subs.isEmpty()) && (!targeted || e.users().stream().noneMatch(byUser::containsKey))) {
      return;
    }
    ByteBuf frame = Frames.of(e);
    int delivered = 0;
    try {
      Set<Connection> reached = targeted ? new HashSet<>() : null;
      if (subs != null) {
        // one batch per event loop: its task writes the frame to each of the loop's subscribers, then flushes
        Map<EventLoop, List<Subscription>> byLoop = new IdentityHashMap<>(4);
        for (Subscription s : subs) {
          byLoop.computeIfAbsent(s.connection.channel.eventLoop(), k -> new ArrayList<>()).add(s);
          delivered++;
          if (reached != null) {
            reached.add(s.connection);
          }
        }
        byLoop.forEach((loop, to) -> outbox(loop).add(e, frame.retain(), to));
      }
      if (targeted) {
        for (String userId : e.users()) {
          for (Connection c : byUser.getOrDefault(userId, Set.of())) {
            if (reached.add(c)) {
              c.send(frame.retainedDuplicate());
              delivered++;
            }
          }
        }
      }
    } finally {
      frame.release();
    }
    metrics.deliveries.increment(delivered);
    if (delivered > 0 && Event.NEW_MESSAGE.equals(e.type())) {
      metrics.deliveryLatency.record(Math.max(0, clock.millis() - e.at()), TimeUnit.MILLISECONDS);
    }
    afterDelivery(e);
  }

  /** The queue onto {@code loop} that the fan-out and every sender to its connections share. */
  LoopOutbox outbox(EventLoop loop) {
    return outboxes.computeIfAbsent(loop, LoopOutbox::new);
  }

  /**
   * One tick of the heartbeat: pings (or closes, when idle) the connections of this tick's slice,
   * on their own loops. Every connection is pinged once per interval, a slice at a time — pinging
   * a loop's thousands of connections in one task stalled everything else on it (100–200 ms for
   * 5,000 connections on one core, every 25 s). One timer for the node, no timer per connection.
   */
  private void heartbeatTick() {
    int slice = nextHeartbeatSlice;
    nextHeartbeatSlice = (slice + 1) % heartbeatSlices;
    try {
      Map<LoopOutbox, List<Connection>> due = new IdentityHashMap<>(4);
      for (Connection c : all) {
        if (heartbeatSlice(c, heartbeatSlices) == slice) {
          due.computeIfAbsent(c.outbox, k -> new ArrayList<>()).add(c);
        }
      }
      due.forEach((outbox, connections) -> outbox.execute(() -> connections.forEach(Connection::heartbeat)));
    } catch (RuntimeException e) { // a failed tick must not end the timer (and with it every later ping)
      log.error("heartbeat tick failed", e);
    }
  }

  /** Membership changes end live delivery: a deleted room, a member who left or was removed. */
  private void afterDelivery(Event e) {
    if (Event.ROOM_DELETED.equals(e.type())) {
      Set<Subscription> subs = byRoom.remove(e.roomId());
      if (subs != null) {
        subs.forEach(s -> s.connection.subscriptions.remove(e.roomId(), s));
      }
    } else if (Event.USER_LEFT.equals(e.type())) {
      for (String userId : e.users()) {
        for (Connection c : byUser.getOrDefault(userId, Set.of())) {
          unsubscribe(c, e.roomId());
        }
      }
    }
  }

  /** Connections closed 4008 since start. */
  public long slowConsumerCloses() {
    return (long) metrics.slowConsumerCloses.count();
  }

  void slowConsumer() {
    metrics.slowConsumerCloses.increment();
  }

  /**
   * Graceful shutdown in three steps within {@code budget}: let in-flight frames finish, let their
   * posts be stored and acked ({@code drained}), then close every connection with 1001 and wait
   * for the close handshakes.
   */
  public void shutdown(Duration budget, java.util.function.Predicate<Duration> drained) {
    long deadline = System.nanoTime() + budget.toNanos();
    waitUntil(deadline, () -> all.stream().noneMatch(Connection::busy));
    drained.test(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    all.forEach(c -> c.close(CloseCode.GOING_AWAY));
    waitUntil(Math.min(deadline, System.nanoTime() + 2_000_000_000L), all::isEmpty);
  }

  private static void waitUntil(long deadline, java.util.function.BooleanSupplier done) {
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    timers.shutdownNow();
    fanout.shutdown();
    try {
      fanout.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
