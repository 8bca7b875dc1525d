package dev.banter.uploads;

import dev.banter.core.ApiError;
import dev.banter.core.Principal;
import dev.banter.http.UploadTarget.Allowance;
import dev.banter.store.Dialect;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * The per-user upload quotas: bytes uploaded in any 24 hours (a rolling day; past it 429 with the
 * time until enough of the day's uploads age out) and bytes stored at once (past it 413). Both are
 * sums over the uploads table, so they count what was received and stored, never what a client
 * declared.
 */
final class UploadQuota {
  static final Duration DAY = Duration.ofHours(24);

  /**
   * Advisory lock keys: "upl" above a hash of the uploader's id (a collision only makes two users
   * take turns).
   */
  private static final long LOCK = 0x75706cL << 32;

  private static final String USAGE =
      """
      SELECT COALESCE(SUM(size), 0) AS stored,
             COALESCE(SUM(CASE WHEN created_at >= :since THEN size ELSE 0 END), 0) AS today
        FROM uploads
       WHERE uploader_id = :uploader
      """;
  private static final String TODAY =
      """
      SELECT size, created_at FROM uploads
       WHERE uploader_id = :uploader AND created_at >= :since
       ORDER BY created_at
      """;

  private record Usage(long stored, long today) {}

  private record Recent(long size, long createdAt) {}

  private final UploadLimits limits;
  private final Dialect dialect;
  private final Clock clock;

  UploadQuota(UploadLimits limits, Dialect dialect, Clock clock) {
    this.limits = limits;
    this.dialect = dialect;
    this.clock = clock;
  }

  /** What {@code p} may send now; throws when nothing. */
  Allowance allowance(Handle h, Principal p) {
    long daily = daily(p);
    if (daily == 0 || limits.totalBytes() == 0) {
      throw ApiError.forbidden(
          p.guest() ? "guests may not upload files on this server" : "uploads are turned off");
    }
    Usage u = usage(h, p);
    long storedLeft = limits.totalBytes() - u.stored();
    long todayLeft = daily - u.today();
    if (storedLeft <= 0) {
      throw totalExceeded(u);
    }
    if (todayLeft <= 0) {
      throw dailyExceeded(h, p, u, 1, daily);
    }
    if (limits.maxBytes() <= Math.min(storedLeft, todayLeft)) {
      return new Allowance(
          limits.maxBytes(),
          ApiError.payloadTooLarge("files are limited to " + limits.maxBytes() + " bytes"));
    }
    if (storedLeft <= todayLeft) {
      return new Allowance(storedLeft, totalExceeded(u));
    }
    return new Allowance(todayLeft, dailyExceeded(h, p, u, todayLeft + 1, daily));
  }

  /** Throws unless a file of {@code size} bytes fits both of {@code p}'s quotas. */
  void check(Handle h, Principal p, long size) {
    long daily = daily(p);
    Usage u = usage(h, p);
    if (u.stored() + size > limits.totalBytes()) {
      throw totalExceeded(u);
    }
    if (u.today() + size > daily) {
      throw dailyExceeded(h, p, u, size, daily);
    }
  }

  /**
   * Makes the transaction it runs in take turns with every other one recording an upload of {@code
   * p}, so that two parallel uploads cannot both pass {@link #check} on the same usage.
   */
  void lock(Handle h, Principal p) {
    String sql = dialect.serializeOn(LOCK | (p.userId().hashCode() & 0xffffffffL));
    if (sql != null) {
      h.execute(sql);
    }
  }

  private long daily(Principal p) {
    return p.guest() ? limits.guestDailyBytes() : limits.dailyBytes();
  }

  private Usage usage(Handle h, Principal p) {
    return h.createQuery(USAGE)
        .bind("uploader", p.userId())
        .bind("since", clock.millis() - DAY.toMillis())
        .map((rs, ctx) -> new Usage(rs.getLong("stored"), rs.getLong("today")))
        .one();
  }

  private ApiError totalExceeded(Usage u) {
    return new ApiError(
        413,
        "payload_too_large",
        "your uploads would pass your storage quota of "
            + limits.totalBytes()
            + " bytes ("
            + u.stored()
            + " stored)",
        Map.of("quota", "total", "limit_bytes", limits.totalBytes(), "used_bytes", u.stored()));
  }

  /**
   * 429 with the time until {@code size} more bytes fit, as the day's uploads age out; 413 if they
   * never will.
   */
  private ApiError dailyExceeded(Handle h, Principal p, Usage u, long size, long daily) {
    if (size > daily) {
      return new ApiError(
          413,
          "payload_too_large",
          "the file is larger than the daily upload quota of " + daily + " bytes",
          Map.of("quota", "daily", "limit_bytes", daily, "used_bytes", u.today()));
    }
    long now = clock.millis();
    long mustAgeOut = u.today() + size - daily;
    List<Recent> recent =
        h.createQuery(TODAY)
            .bind("uploader", p.userId())
            .bind("since", now - DAY.toMillis())
            .map((rs, ctx) -> new Recent(rs.getLong(1), rs.getLong(2)))
            .list();
    long retryAt = now + DAY.toMillis();
    long freed = 0;
    for (Recent r : recent) {
      freed += r.size();
      if (freed >= mustAgeOut) {
        retryAt = r.createdAt() + DAY.toMillis();
        break;
      }
    }
    long retryAfter = Math.max(1, retryAt - now);
    return new ApiError(
        429,
        "rate_limited",
        "daily upload quota of "
            + daily
            + " bytes reached ("
            + u.today()
            + " uploaded in the last 24 hours); retry in "
            + Duration.ofMillis(retryAfter).toMinutes()
            + " min",
        Map.of(
            "retry_after_ms",
            retryAfter,
            "quota",
            "daily",
            "limit_bytes",
            daily,
            "used_bytes",
            u.today()));
  }
}
