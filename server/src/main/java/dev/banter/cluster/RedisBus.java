package dev.banter.cluster;

import dev.banter.core.Json;
import dev.banter.core.Metrics;
import dev.banter.core.Outage;
import dev.banter.events.ControlMessage;
import dev.banter.events.ServerEvent;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event bus of a cluster: every event is delivered to this node's listeners at once, then
 * published on Redis for the other nodes. Channels: one per room ({@code banter:r:<room id>}),
 * subscribed only while this node has a subscriber in the room; and one for events addressed to
 * users ({@code banter:u}: invites, presence, deletions), which every node receives and filters by
 * its own connections; and one for control messages ({@code banter:c}). Redis pub/sub is
 * at-most-once: what a node misses while disconnected is read back from the database by seq and rev
 * ({@link #onResync}).
 *
 * <p>What arrives is decoded and handed to the listeners on Lettuce's thread, in arrival order:
 * listeners only queue it (the gateway's fan-out queues are bounded and never wait), so nothing
 * piles up here.
 */
public final class RedisBus implements EventBus {
  private static final Logger log = LoggerFactory.getLogger(RedisBus.class);
  static final String USERS_CHANNEL = "banter:u";
  static final String CONTROL_CHANNEL = "banter:c";
  private static final String ROOM_PREFIX = "banter:r:";
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

  /** How long a starting node waits for Redis to answer before giving up. */
  static final Duration START_PATIENCE = Duration.ofSeconds(20);

  private final String nodeId;
  private final Metrics metrics;
  private final ClientResources resources;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> pub;
  private final StatefulRedisPubSubConnection<String, String> sub;
  private final List<Consumer<ServerEvent>> listeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<ControlMessage>> controls = new CopyOnWriteArrayList<>();
  private final List<Runnable> resync = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> watched = new ConcurrentHashMap<>();
  private final Outage publishOutage =
      new Outage(
          log,
          "publishing to redis",
          "other nodes miss this node's events until it answers, then read the messages back from the database");

  /**
   * A client event on Redis, with the node that published it (which delivered it itself already).
   */
  record Envelope(String origin, ServerEvent event) {}

  /** A control message on Redis, with the node that told it. */
  record ControlEnvelope(String origin, ControlMessage control) {}

  public RedisBus(String redisUrl, String nodeId, Metrics metrics) {
    this.nodeId = nodeId;
    this.metrics = metrics;
    RedisURI uri = RedisURI.create(redisUrl);
    uri.setTimeout(COMMAND_TIMEOUT);
    // Reconnect quickly (100 ms doubling up to 5 s) rather than Lettuce's default of up to 30 s.
    this.resources =
        DefaultClientResources.builder()
            .reconnectDelay(
                Delay.exponential(
                    Duration.ofMillis(100), Duration.ofSeconds(5), 2, TimeUnit.MILLISECONDS))
            .build();
    this.client = RedisClient.create(resources, uri);
    // While Redis is away, fail commands at once instead of queueing stale events for later.
    client.setOptions(
        ClientOptions.builder()
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .autoReconnect(true)
            .build());
    this.pub = atStart(client::connect);
    this.sub = atStart(client::connectPubSub);
    sub.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(String channel, String message) {
            receive(channel, message);
          }
        });
    sub.sync().subscribe(USERS_CHANNEL, CONTROL_CHANNEL);
    // Any (re)activation may follow a gap: re-read the live rooms (harmless when nothing was
    // missed).
    client
        .getResources()
        .eventBus()
        .get()
        .subscribe(
            e -> {
              if (e instanceof ConnectionActivatedEvent) {
                log.info("redis connection active; re-reading live rooms from the database");
                resync.forEach(Runnable::run);
              }
            },
            error -> log.debug("redis event stream ended: {}", error.toString()));
  }

  @Override
  public void publish(ServerEvent e) {
    LocalBus.deliver(listeners, e);
    String channel =
        e.users().isEmpty() && e.roomId() != null ? ROOM_PREFIX + e.roomId() : USERS_CHANNEL;
    send(channel, new Envelope(nodeId, e));
  }

  @Override
  public void tell(ControlMessage message) {
    LocalBus.deliver(controls, message);
    send(CONTROL_CHANNEL, new ControlEnvelope(nodeId, message));
  }

  /**
   * A first connection, tried again for up to {@link #START_PATIENCE}: a node started beside its
   * Redis (compose, a Kubernetes pod, a host rebooting) may come up first, or find it slow to
   * answer under load. Once connected, Lettuce reconnects by itself.
   */
  private static <T> T atStart(Supplier<T> connect) {
    long deadline = System.nanoTime() + START_PATIENCE.toNanos();
    long pauseMs = 100;
    while (true) {
      try {
        return connect.get();
      } catch (RedisConnectionException e) {
        if (System.nanoTime() + pauseMs * 1_000_000 > deadline) {
          throw e;
        }
        log.warn("Redis does not answer yet ({}); trying again in {} ms", e.getMessage(), pauseMs);
        try {
          Thread.sleep(pauseMs);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
        pauseMs = Math.min(pauseMs * 2, 2_000);
      }
    }
  }

  private void send(String channel, Object envelope) {
    String payload = new String(Json.write(envelope), StandardCharsets.UTF_8);
    long started = System.nanoTime();
    pub.async()
        .publish(channel, payload)
        .whenComplete(
            (n, err) -> {
              if (err != null) {
                metrics.redisPublishFailures.increment();
                publishOutage.failed(err);
              } else {
                metrics.redisPublish.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                publishOutage.succeeded();
              }
            });
  }

  private void receive(String channel, String payload) {
    try {
      if (CONTROL_CHANNEL.equals(channel)) {
        ControlEnvelope env = Json.MAPPER.readValue(payload, ControlEnvelope.class);
        if (!nodeId.equals(env.origin()) && env.control() != null) {
          LocalBus.deliver(controls, env.control());
        }
        return;
      }
      Envelope env = Json.MAPPER.readValue(payload, Envelope.class);
      if (!nodeId.equals(env.origin())
          && env.event() != null) { // our own were delivered when published
        LocalBus.deliver(listeners, env.event());
      }
    } catch (Exception ex) {
      log.warn("unreadable message on redis channel {}: {}", channel, ex.toString());
    }
  }

  @Override
  public void subscribe(Consumer<ServerEvent> listener) {
    listeners.add(listener);
  }

  @Override
  public void onControl(Consumer<ControlMessage> listener) {
    controls.add(listener);
  }

  @Override
  public void watchRoom(String roomId) {
    if (watched.merge(roomId, 1, Integer::sum) == 1) {
      try {
        sub.async()
            .subscribe(ROOM_PREFIX + roomId)
            .get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        // Redis is away: Lettuce subscribes again when it reconnects, and the resync reads what was
        // missed.
        log.warn("subscribing to room {} failed: {}", roomId, e.toString());
      }
    }
  }

  @Override
  public void unwatchRoom(String roomId) {
    Integer left = watched.computeIfPresent(roomId, (k, n) -> n <= 1 ? null : n - 1);
    if (left == null) {
      sub.async().unsubscribe(ROOM_PREFIX + roomId);
    }
  }

  @Override
  public void onResync(Runnable action) {
    resync.add(action);
  }

  @Override
  public String problem() {
    return pub.isOpen() && sub.isOpen() ? null : "redis unreachable";
  }

  /** The connection presence uses for its keys. */
  StatefulRedisConnection<String, String> commands() {
    return pub;
  }

  String nodeId() {
    return nodeId;
  }

  @Override
  public void close() {
    sub.close();
    pub.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }
}
