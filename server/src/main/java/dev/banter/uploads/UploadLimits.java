package dev.banter.uploads;

import dev.banter.config.Config;
import java.time.Duration;

/**
 * What one upload and one uploader may take: the file limit, how long a body may stall, and the
 * per-user quotas (bytes in any 24 hours, bytes stored at once; guests have a daily quota of their
 * own). A quota of 0 means no uploads at all.
 */
public record UploadLimits(
    long maxBytes, Duration stallTimeout, long dailyBytes, long totalBytes, long guestDailyBytes) {

  public static UploadLimits of(Config c) {
    return new UploadLimits(
        c.uploadMaxBytes(),
        c.uploadStallTimeout(),
        c.uploadQuotaDaily(),
        c.uploadQuotaTotal(),
        c.guestUploadQuotaDaily());
  }
}
