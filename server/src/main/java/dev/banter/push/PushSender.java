package dev.banter.push;

import dev.banter.core.Json;
import dev.banter.core.Metrics;
import dev.banter.core.PublicAddresses;
import dev.banter.push.PushSubscriptions.Subscription;
import dev.banter.store.Database;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends Web Push messages (RFC 8030) to every browser subscription of a user: the payload encrypted
 * per RFC 8291, signed for per RFC 8292 (VAPID). {@link #notify} only queues; a few workers send,
 * retry what the push service asks to have retried, and remove subscriptions it no longer knows
 * (404, 410). Best effort: what is queued when the node stops is not sent.
 */
public final class PushSender implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PushSender.class);

  /**
   * The largest payload (JSON bytes): RFC 8291 allows 4096 bytes per record less its overhead, and
   * some push services take less; 3 KiB leaves room.
   */
  public static final int MAX_PAYLOAD_BYTES = 3072;

  /** How long a push service keeps a message for an offline browser: a day-old chat is stale. */
  static final Duration TTL = Duration.ofDays(1);

  /**
   * How much sending waits for at once and does at once.
   *
   * @param queue notifications and retries waiting; when full a new one is dropped and counted
   * @param inFlight requests at once (each worker sends one at a time)
   * @param timeout per request, connecting included
   * @param attempts per message, the first included
   * @param backoff before the second attempt, doubled for each next one
   * @param retryAfterCap the longest {@code Retry-After} honoured (longer is shortened to this)
   */
  public record Limits(
      int queue,
      int inFlight,
      Duration timeout,
      int attempts,
      Duration backoff,
      Duration retryAfterCap) {
    public static final Limits DEFAULT =
        new Limits(
            10_000, 8, Duration.ofSeconds(10), 3, Duration.ofSeconds(1), Duration.ofMinutes(1));
  }

  /** What waits in the queue: a user's notification, or one subscription's retry. */
  private sealed interface Job {}

  private record Fanout(String userId, byte[] payload) implements Job {}

  private record Attempt(Subscription subscription, byte[] payload, int attempt) implements Job {}

  private final Database db;
  private final VapidKeys keys;
  private final PublicAddresses addresses;
  private final Clock clock;
  private final Metrics metrics;
  private final Limits limits;
  private final HttpClient http;
  private final BlockingQueue<Job> queue;
  private final AtomicInteger waitingRetries = new AtomicInteger();

  /** Jobs queued, scheduled or being sent: counted up before a job is queued, down once done. */
  private final AtomicInteger unfinished = new AtomicInteger();

  private final ScheduledExecutorService retries;
  private final List<Thread> workers = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  public PushSender(
      Database db,
      VapidKeys keys,
      PublicAddresses addresses,
      Clock clock,
      Metrics metrics,
      Limits limits) {
    this.db = db;
    this.keys = keys;
    this.addresses = addresses;
    this.clock = clock;
    this.metrics = metrics;
    this.limits = limits;
    this.queue = new ArrayBlockingQueue<>(limits.queue());
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(limits.timeout())
            .followRedirects(HttpClient.Redirect.NEVER) // a redirect could lead anywhere
            .build();
    this.retries =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("banter-push-retry").daemon().factory());
    metrics.gauge(
        "banter_push_queued",
        "Web Push notifications and retries waiting or being sent",
        this::pending);
    for (int i = 0; i < limits.inFlight(); i++) {
      workers.add(Thread.ofVirtual().name("banter-push-", i).start(this::work));
    }
  }

  /** How many notifications and retries wait (queued or scheduled) or are being sent. */
  public int pending() {
    return unfinished.get();
  }

  /**
   * Queues {@code payload} (a JSON object, at most {@link #MAX_PAYLOAD_BYTES} written) for every
   * push subscription of {@code userId}. Never blocks and never throws for a full queue: the
   * notification is then dropped and counted ({@code banter_push_dropped_total}). Any thread.
   */
  public void notify(String userId, Map<String, Object> payload) {
    byte[] json = Json.write(payload);
    if (json.length > MAX_PAYLOAD_BYTES) {
      metrics.pushDropped.increment();
      log.warn(
          "a push payload of {} bytes was dropped (at most {})", json.length, MAX_PAYLOAD_BYTES);
      return;
    }
    enqueue(new Fanout(userId, json));
  }

  private void enqueue(Job job) {
    unfinished.incrementAndGet();
    if (closed.get() || !queue.offer(job)) {
      unfinished.decrementAndGet();
      metrics.pushDropped.increment();
    }
  }

  private void work() {
    while (!closed.get()) {
      Job job;
      try {
        job = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        switch (job) {
          case Fanout f ->
              subscriptions(f.userId()).forEach(s -> attempt(new Attempt(s, f.payload(), 1)));
          case Attempt a -> attempt(a);
        }
      } catch (RuntimeException e) { // the lookup failed (storage): this notification is lost
        log.warn("push subscriptions could not be read: {}", e.toString());
        metrics.pushFailed.increment();
      } finally {
        unfinished.decrementAndGet();
      }
    }
  }

  /** One subscription's attempt; a failure of it (a bad stored row) spares the others. */
  private void attempt(Attempt a) {
    try {
      send(a);
    } catch (RuntimeException e) {
      log.warn("a push could not be sent: {}", e.toString());
      metrics.pushFailed.increment();
    }
  }

  private List<Subscription> subscriptions(String userId) {
    return db.jdbi().withHandle(h -> PushSubscriptions.toPush(h, userId));
  }

  private void send(Attempt a) {
    Subscription s = a.subscription();
    URI url = URI.create(s.endpoint());
    Optional<String> refusal = addresses.refusal(url);
    if (refusal.isPresent()) {
      log.info("push to {} not sent: {}", url.getHost(), refusal.get());
      metrics.pushFailed.increment();
      return;
    }
    byte[] body =
        Aes128Gcm.encrypt(
            a.payload(), P256.publicKey(P256.unbase64url(s.p256dh())), P256.unbase64url(s.auth()));
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(limits.timeout())
            .header("TTL", Long.toString(TTL.toSeconds()))
            .header("Urgency", "high")
            .header("Content-Type", "application/octet-stream")
            .header("Content-Encoding", "aes128gcm")
            .header("Authorization", keys.authorization(origin(url), clock.instant()))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<Void> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      retry(a, Duration.ZERO, e.toString());
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      metrics.pushSent.increment();
    } else if (status == 404 || status == 410) {
      db.jdbi().useHandle(h -> PushSubscriptions.delete(h, s.id()));
      metrics.pushPruned.increment();
    } else if (status == 429 || status >= 500) {
      retry(a, retryAfter(response), "status " + status);
    } else {
      log.warn("push to {} refused with status {}; dropped", url.getHost(), status);
      metrics.pushFailed.increment();
    }
  }

  /** Tries {@code a} again after the push service's wait or the backoff, whichever is longer. */
  private void retry(Attempt a, Duration asked, String why) {
    if (a.attempt() >= limits.attempts() || closed.get()) {
      log.info(
          "push to {} given up after {} attempts ({})",
          URI.create(a.subscription().endpoint()).getHost(),
          a.attempt(),
          why);
      metrics.pushFailed.increment();
      return;
    }
    if (waitingRetries.incrementAndGet() > limits.queue()) {
      waitingRetries.decrementAndGet();
      metrics.pushDropped.increment();
      return;
    }
    unfinished.incrementAndGet(); // before the job that schedules it is counted done
    Duration backoff = limits.backoff().multipliedBy(1L << (a.attempt() - 1));
    Duration wait = asked.compareTo(backoff) > 0 ? asked : backoff;
    Attempt next = new Attempt(a.subscription(), a.payload(), a.attempt() + 1);
    retries.schedule(
        () -> {
          enqueue(next);
          unfinished.decrementAndGet(); // the scheduled retry's count, now the queued job's
          waitingRetries.decrementAndGet();
        },
        wait.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** The {@code Retry-After} of a response (seconds or an HTTP date), at most the cap. */
  private Duration retryAfter(HttpResponse<?> response) {
    Optional<String> header = response.headers().firstValue("Retry-After");
    if (header.isEmpty()) {
      return Duration.ZERO;
    }
    Duration d;
    try {
      d = Duration.ofSeconds(Long.parseLong(header.get().strip()));
    } catch (NumberFormatException e) {
      try {
        d =
            Duration.between(
                clock.instant(),
                ZonedDateTime.parse(header.get().strip(), DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant());
      } catch (DateTimeParseException notADate) {
        return Duration.ZERO;
      }
    }
    if (d.isNegative()) {
      return Duration.ZERO;
    }
    return d.compareTo(limits.retryAfterCap()) > 0 ? limits.retryAfterCap() : d;
  }

  /** RFC 8292 §2: the token's audience is the origin of the push resource. */
  static String origin(URI url) {
    String scheme = url.getScheme().toLowerCase(Locale.ROOT);
    int port = url.getPort();
    boolean defaultPort = port == -1 || port == (scheme.equals("https") ? 443 : 80);
    return scheme
        + "://"
        + url.getHost().toLowerCase(Locale.ROOT)
        + (defaultPort ? "" : ":" + port);
  }

  /** Stops sending; what waits is dropped (best effort, as the class says). */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    workers.forEach(Thread::interrupt);
    retries.shutdownNow();
    http.shutdownNow();
  }
}
