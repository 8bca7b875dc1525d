package dev.banter.realtime;

import dev.banter.cluster.LocalBus;
import dev.banter.cluster.LocalPresence;
import dev.banter.core.Metrics;
import dev.banter.core.Principal;
import java.time.Clock;
import java.time.Duration;

/**
 * The node side of {@link EmbeddedSocket}s: a real {@link Protocol}, over a gateway with no
 * features behind it (a connection uses only its slow-consumer counter and its disconnect path),
 * and a {@link Hub} that the tests subscribe and deliver with (the gateway keeps its own to
 * itself).
 */
final class EmbeddedNode implements AutoCloseable {
  final Gateway.Limits limits;
  final Hub hub;
  private final Metrics metrics = new Metrics("embedded");

  /** The hub's own: its gauges have the gateway's names. */
  private final Metrics hubMetrics = new Metrics("embedded-hub");

  private final Gateway gateway;
  final Protocol protocol;

  /**
   * A node whose connections hold at most {@code outboundBytes} waiting. Its timers are set a day
   * apart so that none of them touches an embedded loop from its own thread during a test.
   */
  EmbeddedNode(long outboundBytes) {
    Duration never = Duration.ofDays(1);
    limits = new Gateway.Limits(never, never, never, outboundBytes, 1000, 0);
    gateway =
        new Gateway(
            new Gateway.Services(null, null, null, null, null, null),
            new LocalBus(),
            new LocalPresence(),
            Clock.systemUTC(),
            limits,
            metrics);
    protocol = new Protocol(null, null, null, null, gateway, null);
    hub = new Hub(new RoomCursors(), new LocalBus(), hubMetrics);
  }

  /** A new connection, as {@code Gateway.attach} makes one, not yet authenticated. */
  EmbeddedSocket open() {
    return new EmbeddedSocket(this);
  }

  /**
   * A new connection authenticated as {@code userId} (so that events addressed to the user reach
   * it).
   */
  EmbeddedSocket openAs(String userId) {
    EmbeddedSocket s = open();
    s.connection.authenticated(
        new Session(new Principal(userId, userId, "member", false), "s-" + userId));
    hub.connected(s.connection);
    return s;
  }

  /** Connections closed 4008 on this node so far. */
  long slowConsumerCloses() {
    return gateway.slowConsumerCloses();
  }

  @Override
  public void close() {
    gateway.close();
    metrics.close();
    hubMetrics.close();
  }
}
