package dev.banter.realtime;

import dev.banter.auth.AccessTokens;
import dev.banter.auth.AuthService;
import dev.banter.auth.UserService;
import dev.banter.cluster.EventBus;
import dev.banter.cluster.Presence;
import dev.banter.core.Metrics;
import dev.banter.core.Principal;
import dev.banter.core.UserLimits;
import dev.banter.events.ControlMessage;
import dev.banter.messages.MessageService;
import dev.banter.rooms.RoomService;
import io.netty.channel.Channel;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The real-time side of a node, and its one entry point: {@link #attach} turns an upgraded channel
 * into a WebSocket connection speaking SPEC §5. Inside, each concern has its class: {@link
 * Connection} (one socket: frames in, bounded frames out), {@link Protocol} (what each client frame
 * does), {@link Hub} (who is connected, who listens to which room, delivery), {@link Fanout} (bus
 * events onto shards by room), {@link RoomStreams} (replay, gap fill, resync: every seq and every
 * change, in order), {@link PresenceTracker}, {@link TypingTracker} and {@link Heartbeat}.
 */
public final class Gateway implements AutoCloseable {
  /** How often every subscription is checked against the room's members (see RoomStreams.audit). */
  private static final Duration AUDIT_INTERVAL = Duration.ofSeconds(60);

  /**
   * Events waiting per fan-out shard; past that they are dropped and their rooms read from the
   * store.
   */
  private static final int FANOUT_QUEUE = 50_000;

  /** The tunables of the WebSocket side. */
  public record Limits(
      Duration pingInterval,
      Duration idleTimeout,
      Duration authTimeout,
      long outboundBytes,
      int replayLimit,
      int perIp) {}

  /** What the gateway uses of the features. */
  public record Services(
      AccessTokens tokens,
      AuthService auth,
      RoomService rooms,
      MessageService messages,
      UserService users,
      UserLimits userLimits) {}

  private final Limits limits;
  private final Metrics metrics;
  private final Presence presence;
  private final Hub hub;
  private final RoomCursors cursors = new RoomCursors();
  private final PresenceTracker presenceTracker;
  private final RoomStreams streams;
  private final Fanout fanout;
  private final TypingTracker typing;
  private final Protocol protocol;
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("banter-timers").daemon().factory());

  public Gateway(
      Services services,
      EventBus bus,
      Presence presence,
      Clock clock,
      Limits limits,
      Metrics metrics) {
    this.limits = limits;
    this.metrics = metrics;
    this.presence = presence;
    this.hub = new Hub(cursors, bus, metrics);
    this.presenceTracker =
        new PresenceTracker(hub, presence, services.rooms(), services.users(), bus, clock);
    this.streams =
        new RoomStreams(
            hub,
            cursors,
            services.rooms(),
            services.messages(),
            presenceTracker,
            limits,
            metrics,
            clock);
    this.fanout = new Fanout(Fanout.defaultShards(), FANOUT_QUEUE, streams, metrics);
    this.typing = new TypingTracker(bus, clock);
    this.protocol =
        new Protocol(
            services.tokens(),
            services.auth(),
            services.rooms(),
            services.messages(),
            this,
            services.userLimits());
    bus.subscribe(fanout::submit);
    bus.onControl(this::control);
    bus.onResync(this::resync);
    presence.onNodeLost(this::resync);
    presence.countConnections(() -> hub.all().size());
    Heartbeat heartbeat = new Heartbeat(hub.all(), limits.pingInterval().toMillis());
    timers.scheduleAtFixedRate(
        heartbeat, heartbeat.tickMillis(), heartbeat.tickMillis(), TimeUnit.MILLISECONDS);
    timers.scheduleAtFixedRate(
        typing::sweep,
        TypingTracker.SWEEP.toMillis(),
        TypingTracker.SWEEP.toMillis(),
        TimeUnit.MILLISECONDS);
    timers.scheduleWithFixedDelay(
        () -> Thread.ofVirtual().name("banter-audit").start(streams::audit),
        AUDIT_INTERVAL.toMillis(),
        AUDIT_INTERVAL.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Makes {@code channel} (upgraded to WebSocket, its frames aggregated) a connection of this
   * gateway from {@code ip}: adds the connection's handler last in the pipeline. With a {@code
   * token} (from the URL) it authenticates first; without, the client has the auth timeout to send
   * an {@code auth} frame.
   */
  public void attach(Channel channel, String ip, String token) {
    Connection c = new Connection(channel, ip, protocol, limits, hub.outbox(channel.eventLoop()));
    channel.pipeline().addLast("ws", c);
    hub.opened(c);
    if (token != null) {
      // First in the connection's queue, so frames the client sends right away wait for it.
      c.enqueue(new ClientFrame.Auth(null, token));
    } else {
      c.awaitAuthentication(
          limits.authTimeout().toMillis(),
          () -> {
            if (c.session() == null) {
              c.close(CloseCode.UNAUTHORIZED);
            }
          });
    }
  }

  public Limits limits() {
    return limits;
  }

  /** Whether {@code userId} has a live connection on this node or, in a cluster, on any node. */
  public boolean isOnline(String userId) {
    return hub.hasUser(userId) || presence.isOnline(userId);
  }

  /** The users with a connection on this node. */
  public Set<String> localUsers() {
    return hub.users();
  }

  public int connections() {
    return hub.all().size();
  }

  /** Connections closed 4008 since start. */
  public long slowConsumerCloses() {
    return (long) metrics.slowConsumerCloses.count();
  }

  /** Checks every local subscription against the room's members now (see RoomStreams.audit). */
  public void auditSubscriptions() {
    streams.audit();
  }

  // ---- for Protocol and Connection ----

  void connected(Connection c) {
    metrics.connects.increment();
    presenceTracker.connected(c);
  }

  void disconnected(Connection c) {
    if (hub.closed(c)) {
      metrics.disconnect(c.closeCode());
    }
    hub.unsubscribeAll(c);
    presenceTracker.disconnected(c);
  }

  void join(Connection c, String ref, String roomId, Long sinceSeq, Long sinceRev) {
    streams.join(c, ref, roomId, sinceSeq, sinceRev);
  }

  void leave(Connection c, String roomId) {
    hub.unsubscribe(c, roomId);
  }

  boolean subscribed(Connection c, String roomId) {
    return c.subscription(roomId) != null;
  }

  void typing(Principal p, String roomId, boolean active) {
    typing.typing(p, roomId, active);
  }

  void slowConsumer() {
    metrics.slowConsumerCloses.increment();
  }

  /**
   * Control messages close the sockets of a disabled account or of ended sessions, on every node.
   */
  private void control(ControlMessage m) {
    switch (m) {
      case ControlMessage.UserDisabled d when d.disabled() ->
          hub.connectionsOf(d.userId()).forEach(c -> c.close(CloseCode.UNAUTHORIZED));
      case ControlMessage.UserDisabled ignored -> {} // enabled again: nothing to close
      case ControlMessage.SessionsRevoked r ->
          hub.connectionsOf(r.userId()).stream()
              .filter(c -> r.sessionIds().contains(c.principal().sessionId()))
              .forEach(c -> c.close(CloseCode.UNAUTHORIZED));
      case ControlMessage.NotificationSettingsChanged ignored -> {} // the notifier's
    }
  }

  /**
   * Events may have been missed (the bus reconnected, or another node died between its commit and
   * its publish): every live room is read forward from its cursor, on its shard, and every
   * subscription's membership is checked again (a removal's event may be lost).
   */
  private void resync() {
    cursors.snapshot().keySet().forEach(fanout::resync);
    Thread.ofVirtual().name("banter-audit").start(streams::audit);
  }

  /**
   * Graceful shutdown in three steps within {@code budget}: let in-flight frames finish, let their
   * posts be stored and acked ({@code drained}), then close every connection with 1001 and wait for
   * the close handshakes.
   */
  public void shutdown(Duration budget, Predicate<Duration> drained) {
    long deadline = System.nanoTime() + budget.toNanos();
    waitUntil(deadline, () -> hub.all().stream().noneMatch(Connection::busy));
    drained.test(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    hub.all().forEach(c -> c.close(CloseCode.GOING_AWAY));
    waitUntil(Math.min(deadline, System.nanoTime() + 2_000_000_000L), hub.all()::isEmpty);
  }

  private static void waitUntil(long deadline, BooleanSupplier done) {
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
    fanout.close();
  }
}
