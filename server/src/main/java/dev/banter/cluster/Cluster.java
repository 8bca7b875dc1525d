package dev.banter.cluster;

import dev.banter.core.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The shape of the deployment, chosen in one place: one node (in-process events and presence), or
 * many sharing Redis.
 */
public record Cluster(EventBus bus, Presence presence) implements AutoCloseable {
  /** One node without {@code redisUrl}; with it, a node of a cluster on that Redis. */
  public static Cluster of(
      Optional<String> redisUrl,
      String nodeId,
      Duration presenceTtl,
      Clock clock,
      Metrics metrics) {
    if (redisUrl.isEmpty()) {
      return new Cluster(new LocalBus(), new LocalPresence());
    }
    RedisBus bus = new RedisBus(redisUrl.get(), nodeId, metrics);
    try {
      return new Cluster(bus, new RedisPresence(bus, presenceTtl, clock));
    } catch (RuntimeException e) {
      bus.close();
      throw e;
    }
  }

  @Override
  public void close() {
    presence.close();
    bus.close();
  }
}
