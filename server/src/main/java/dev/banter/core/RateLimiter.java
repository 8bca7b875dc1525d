package dev.banter.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;

/**
 * Token buckets keyed by a string (an IP, a username, a user id). Idle keys are forgotten after the
 * bucket would have refilled, so the map stays bounded by recent activity.
 */
public final class RateLimiter {
  /**
   * Upper bound of tracked keys; beyond it the least recently used are evicted (and start full
   * again).
   */
  private static final int MAX_KEYS = 200_000;

  private final Bandwidth bandwidth;
  private final Cache<String, Bucket> buckets;
  private volatile Runnable onReject = () -> {};

  /** {@code capacity} tokens, refilled smoothly at {@code capacity} per {@code period}. */
  public static RateLimiter perPeriod(long capacity, Duration period) {
    return new RateLimiter(capacity, capacity, period);
  }

  /** A burst of {@code burst}, refilled at {@code ratePerSecond}. */
  public static RateLimiter perSecond(double ratePerSecond, long burst) {
    long periodNanos = Math.max(1, Math.round(1_000_000_000L / ratePerSecond));
    return new RateLimiter(burst, 1, Duration.ofNanos(periodNanos));
  }

  private RateLimiter(long capacity, long refillTokens, Duration refillPeriod) {
    this.bandwidth =
        Bandwidth.builder().capacity(capacity).refillGreedy(refillTokens, refillPeriod).build();
    Duration fullRefill = refillPeriod.multipliedBy(Math.max(1, capacity / refillTokens));
    this.buckets =
        Caffeine.newBuilder().maximumSize(MAX_KEYS).expireAfterAccess(fullRefill).build();
  }

  /** Runs {@code action} on every refusal (to count it). Returns this limiter. */
  public RateLimiter onReject(Runnable action) {
    this.onReject = action;
    return this;
  }

  /**
   * Takes one token for {@code key}; 0 when allowed, else the milliseconds until one is available.
   */
  public long tryAcquire(String key) {
    Bucket bucket = buckets.get(key, k -> Bucket.builder().addLimit(bandwidth).build());
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      return 0;
    }
    onReject.run();
    return Math.max(1, (probe.getNanosToWaitForRefill() + 999_999) / 1_000_000);
  }

  /** Throws 429 {@code rate_limited} when {@code key} has no token left. */
  public void check(String key) {
    long wait = tryAcquire(key);
    if (wait > 0) {
      throw ApiError.rateLimited(wait);
    }
  }
}
