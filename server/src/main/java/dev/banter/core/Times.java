package dev.banter.core;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Banter stores times as epoch milliseconds and shows them as ISO-8601 UTC with milliseconds. */
public final class Times {
  private static final DateTimeFormatter ISO =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Times() {}

  public static String iso(long epochMillis) {
    return ISO.format(Instant.ofEpochMilli(epochMillis));
  }

  public static String isoOrNull(Long epochMillis) {
    return epochMillis == null ? null : iso(epochMillis);
  }
}
