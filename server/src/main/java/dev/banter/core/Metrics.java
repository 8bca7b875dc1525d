package dev.banter.core;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Banter's metrics, named once here (docs/operations.md lists them). Labels stay bounded: route
 * templates, status codes, close codes and fixed kinds — never room or user ids.
 */
public final class Metrics {
  private static final Duration[] HTTP_BUCKETS = {
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500)
  };

  /** HikariCP's timer of waits for a pooled connection (hikaricp_connections_acquire_seconds). */
  private static final String POOL_ACQUIRE = "hikaricp.connections.acquire";

  /**
   * HikariCP registers that timer without buckets (only a count, a sum and a max); the dashboard's
   * p99 of it needs them, so they are added as it is registered.
   */
  private static final MeterFilter POOL_ACQUIRE_BUCKETS =
      new MeterFilter() {
        @Override
        public DistributionStatisticConfig configure(
            Meter.Id id, DistributionStatisticConfig config) {
          if (!id.getName().equals(POOL_ACQUIRE)) {
            return config;
          }
          return DistributionStatisticConfig.builder()
              .percentilesHistogram(true)
              .minimumExpectedValue(100_000.0) // nanoseconds: 0.1 ms
              .maximumExpectedValue((double) Duration.ofSeconds(30).toNanos())
              .build()
              .merge(config);
        }
      };

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc = new JvmGcMetrics();

  public final Counter connects;
  public final Counter messagesAccepted;
  public final Counter deliveries;
  public final Timer deliveryLatency;
  public final Counter slowConsumerCloses;
  public final Timer storeBatch;
  public final DistributionSummary storeBatchSize;
  public final Timer busLag;
  public final Timer redisPublish;
  public final Counter redisPublishFailures;
  public final Counter fanoutDropped;
  public final Counter notifications;
  public final Counter notificationsDropped;
  public final Timer notifyFanout;
  public final Counter pushSent;
  public final Counter pushFailed;
  public final Counter pushPruned;
  public final Counter pushDropped;

  public Metrics(String nodeId) {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("node", nodeId).meterFilter(POOL_ACQUIRE_BUCKETS);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    connects =
        Counter.builder("banter_ws_connects")
            .description("WebSocket connections opened")
            .register(registry);
    messagesAccepted =
        Counter.builder("banter_messages_accepted")
            .description("messages stored (new, not repeats)")
            .register(registry);
    deliveries =
        Counter.builder("banter_deliveries")
            .description("event frames handed to connections")
            .register(registry);
    deliveryLatency =
        Timer.builder("banter_delivery_latency")
            .description("message accepted → handed to a connection")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(10))
            .register(registry);
    slowConsumerCloses =
        Counter.builder("banter_ws_slow_consumer_closes")
            .description("connections closed 4008")
            .register(registry);
    storeBatch =
        Timer.builder("banter_store_batch")
            .description("group-commit transaction time")
            .publishPercentileHistogram()
            .register(registry);
    storeBatchSize =
        DistributionSummary.builder("banter_store_batch_size")
            .description("posts per group commit")
            .register(registry);
    busLag =
        Timer.builder("banter_bus_lag")
            .description("event published → fanned out on this node")
            .publishPercentileHistogram()
            .register(registry);
    redisPublish =
        Timer.builder("banter_redis_publish")
            .description("Redis PUBLISH round trip")
            .publishPercentileHistogram()
            .register(registry);
    redisPublishFailures =
        Counter.builder("banter_redis_publish_failures")
            .description(
                "events Redis did not take (other nodes read the messages back from the database)")
            .register(registry);
    fanoutDropped =
        Counter.builder("banter_fanout_dropped")
            .description(
                "events a full fan-out queue dropped (their rooms are read back from the database)")
            .register(registry);
    notifications =
        Counter.builder("banter_notifications")
            .description("users a message notified (SPEC §8)")
            .register(registry);
    notificationsDropped =
        Counter.builder("banter_notifications_dropped")
            .description("messages whose notifications a full notifier queue dropped")
            .register(registry);
    notifyFanout =
        Timer.builder("banter_notify_fanout")
            .description("deciding and publishing one message's notifications")
            .publishPercentileHistogram()
            .register(registry);
    pushSent =
        Counter.builder("banter_push_sent")
            .description("Web Push messages a push service accepted")
            .register(registry);
    pushFailed =
        Counter.builder("banter_push_failed")
            .description(
                "Web Push messages given up on: refused by the push service, retries spent, or an endpoint turned private")
            .register(registry);
    pushPruned =
        Counter.builder("banter_push_pruned")
            .description("push subscriptions removed because the push service answered 404 or 410")
            .register(registry);
    pushDropped =
        Counter.builder("banter_push_dropped")
            .description("Web Push notifications dropped unsent: the queue was full, or too large")
            .register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Closes by WebSocket close code (a small fixed set). */
  /**
   * Close codes that get a label of their own; any other (a client may send any number from 1000 to
   * 4999) is counted as {@code other}, so one client cannot create new series at will.
   */
  private static final Set<Integer> CLOSE_CODES =
      Set.of(
          1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1011, 1013, 4000, 4001, 4003, 4008,
          4029);

  public void disconnect(int closeCode) {
    String code = CLOSE_CODES.contains(closeCode) ? String.valueOf(closeCode) : "other";
    Counter.builder("banter_ws_disconnects")
        .tag("code", code)
        .description("WebSocket connections closed, by close code")
        .register(registry)
        .increment();
  }

  /**
   * A request refused by a rate limit of {@code kind} (auth_ip, api_ip, login_username, ws_send).
   */
  public void rateLimited(String kind) {
    Counter.builder("banter_rate_limited")
        .tag("kind", kind)
        .description("requests refused by a rate limit")
        .register(registry)
        .increment();
  }

  /**
   * An HTTP connection refused or cut by a guard of {@code reason} (connections_per_ip,
   * header_timeout, body_timeout).
   */
  public void httpRefused(String reason) {
    Counter.builder("banter_http_refused")
        .tag("reason", reason)
        .description("HTTP connections refused or closed by a guard against hostile clients")
        .register(registry)
        .increment();
  }

  /**
   * A connection whose answers backed up (its client reads slowly or not at all) stopped being
   * read.
   */
  public void httpReadPaused() {
    Counter.builder("banter_http_read_pauses")
        .description(
            "times an HTTP connection stopped being read " + "because its answers were not taken")
        .register(registry)
        .increment();
  }

  public void httpRequest(String method, String route, int status, long nanos) {
    Timer.builder("banter_http_requests")
        .tag("method", method)
        .tag("route", route)
        .tag("status", String.valueOf(status))
        .description("HTTP requests by route template and status")
        .serviceLevelObjectives(
            HTTP_BUCKETS) // a few buckets, not the default ~70: routes × statuses add up
        .register(registry)
        .record(Duration.ofNanos(nanos));
  }

  public void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).register(registry);
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }

  public void close() {
    gc.close();
    registry.close();
  }
}
