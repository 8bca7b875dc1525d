package dev.banter.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads every {@link Setting} from a map of variables (the environment), validating each. */
public final class ConfigLoader {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private static final int MIN_SECRET_BYTES = 32;

  private final Map<String, String> vars;
  private final boolean terminal;

  public ConfigLoader(Map<String, String> vars, boolean terminal) {
    this.vars = vars;
    this.terminal = terminal;
  }

  public static Config fromEnvironment() {
    return new ConfigLoader(System.getenv(), System.console() != null).load();
  }

  public Config load() {
    String host = text(Setting.HOST);
    int port = integer(Setting.PORT, 0, 65535);
    Path dataDir = Path.of(text(Setting.DATA_DIR));
    Optional<DatabaseUrl> database =
        optional(Setting.DATABASE_URL)
            .map(
                raw -> {
                  try {
                    return DatabaseUrl.parse(raw);
                  } catch (IllegalArgumentException e) {
                    throw new ConfigException(
                        Setting.DATABASE_URL, "cannot parse the database URL: " + e.getMessage());
                  }
                });
    Optional<String> redis = optional(Setting.REDIS_URL);
    redis.ifPresent(
        url -> {
          if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
            throw new ConfigException(Setting.REDIS_URL, "expected redis://host:port");
          }
        });
    if (redis.isPresent() && database.isEmpty()) {
      throw new ConfigException(
          Setting.REDIS_URL,
          "cluster mode needs PostgreSQL: set BANTER_DATABASE_URL too (nodes must share one database; SQLite is one node's file)");
    }
    String nodeId =
        optional(Setting.NODE_ID)
            .orElseGet(() -> "node-" + UUID.randomUUID().toString().substring(0, 8));
    Optional<byte[]> secret =
        optional(Setting.JWT_SECRET).map(s -> s.getBytes(StandardCharsets.UTF_8));
    secret.ifPresent(
        s -> {
          if (s.length < MIN_SECRET_BYTES) {
            throw new ConfigException(
                Setting.JWT_SECRET, "must be at least " + MIN_SECRET_BYTES + " bytes");
          }
        });
    Duration accessTtl = duration(Setting.ACCESS_TOKEN_TTL);
    Duration refreshTtl = duration(Setting.REFRESH_TOKEN_TTL);
    List<String> origins = list(Setting.ALLOWED_ORIGINS);
    for (String origin : origins) {
      if (!origin.equals("*") && !origin.matches("https?://[^/\\s]+")) {
        throw new ConfigException(
            Setting.ALLOWED_ORIGINS, "not an origin (scheme://host[:port]): " + origin);
      }
    }
    boolean guests = bool(Setting.GUEST_ACCESS);
    Set<String> admins = new LinkedHashSet<>();
    list(Setting.ADMINS).forEach(a -> admins.add(a.toLowerCase(Locale.ROOT)));
    double messageRate = decimal(Setting.MESSAGE_RATE);
    int messageBurst = integer(Setting.MESSAGE_BURST, 1, 1_000_000);
    int authRate = integer(Setting.AUTH_RATE, 1, 1_000_000_000);
    int httpRate = integer(Setting.HTTP_RATE, 1, 1_000_000_000);
    int httpConnectionsPerIp = integer(Setting.HTTP_CONNECTIONS_PER_IP, 0, 1_000_000_000);
    Duration httpHeaderTimeout = duration(Setting.HTTP_HEADER_TIMEOUT);
    List<AddressRange> trustedProxies = addressRanges(Setting.TRUSTED_PROXIES);
    boolean proxyProtocol = bool(Setting.PROXY_PROTOCOL);
    if (proxyProtocol && trustedProxies.isEmpty()) {
      throw new ConfigException(
          Setting.PROXY_PROTOCOL,
          "needs BANTER_TRUSTED_PROXIES: the PROXY protocol is accepted only from trusted proxies");
    }
    OptionalInt metricsPort = metricsPort(port);
    int wsPerIp = integer(Setting.WS_PER_IP, 0, 1_000_000_000);
    long uploadMax = longValue(Setting.UPLOAD_MAX_BYTES, 1, Long.MAX_VALUE);
    Duration uploadStall = duration(Setting.UPLOAD_STALL_TIMEOUT);
    long quotaDaily = longValue(Setting.UPLOAD_QUOTA_DAILY, 0, Long.MAX_VALUE);
    long quotaTotal = longValue(Setting.UPLOAD_QUOTA_TOTAL, 0, Long.MAX_VALUE);
    long guestQuotaDaily = longValue(Setting.GUEST_UPLOAD_QUOTA_DAILY, 0, Long.MAX_VALUE);
    Config.LogFormat logFormat =
        optional(Setting.LOG_FORMAT)
            .map(
                f ->
                    switch (f.toLowerCase(Locale.ROOT)) {
                      case "text" -> Config.LogFormat.TEXT;
                      case "json" -> Config.LogFormat.JSON;
                      default ->
                          throw new ConfigException(
                              Setting.LOG_FORMAT, "expected text or json, got '" + f + "'");
                    })
            .orElse(terminal ? Config.LogFormat.TEXT : Config.LogFormat.JSON);
    Duration drain = duration(Setting.SHUTDOWN_DRAIN);
    Optional<Path> cert = optional(Setting.TLS_CERT).map(Path::of);
    Optional<Path> key = optional(Setting.TLS_KEY).map(Path::of);
    if (cert.isPresent() != key.isPresent()) {
      throw new ConfigException(
          (cert.isPresent() ? Setting.TLS_KEY : Setting.TLS_CERT),
          "BANTER_TLS_CERT and BANTER_TLS_KEY must be set together");
    }
    cert.ifPresent(p -> readable(Setting.TLS_CERT, p));
    key.ifPresent(p -> readable(Setting.TLS_KEY, p));
    Duration ping = duration(Setting.WS_PING_INTERVAL);
    Duration idle = duration(Setting.WS_IDLE_TIMEOUT);
    if (idle.compareTo(ping) <= 0) {
      throw new ConfigException(
          Setting.WS_IDLE_TIMEOUT, "must be longer than BANTER_WS_PING_INTERVAL (" + ping + ")");
    }
    return new Config(
        host,
        port,
        dataDir,
        database,
        redis,
        nodeId,
        secret,
        accessTtl,
        refreshTtl,
        origins,
        guests,
        Set.copyOf(admins),
        messageRate,
        messageBurst,
        authRate,
        httpRate,
        httpConnectionsPerIp,
        httpHeaderTimeout,
        trustedProxies,
        proxyProtocol,
        metricsPort,
        wsPerIp,
        uploadMax,
        uploadStall,
        quotaDaily,
        quotaTotal,
        guestQuotaDaily,
        optional(Setting.UPLOAD_DIR).map(Path::of).orElse(dataDir.resolve("uploads")),
        s3(),
        logFormat,
        drain,
        cert,
        key,
        ping,
        idle,
        duration(Setting.WS_AUTH_TIMEOUT),
        longValue(Setting.WS_QUEUE_BYTES, 4096, 1L << 30),
        integer(Setting.WS_REPLAY_LIMIT, 1, 100_000),
        duration(Setting.PRESENCE_TTL),
        decimal(Setting.USER_RATE_SCALE),
        duration(Setting.GUEST_EXPIRY));
  }

  /** BANTER_METRICS_PORT: unset, or a port other than the main one (0 picks a free one). */
  private OptionalInt metricsPort(int mainPort) {
    if (optional(Setting.METRICS_PORT).isEmpty()) {
      return OptionalInt.empty();
    }
    int port = integer(Setting.METRICS_PORT, 0, 65535);
    if (port != 0 && port == mainPort) {
      throw new ConfigException(
          Setting.METRICS_PORT, "must differ from BANTER_PORT (" + mainPort + ")");
    }
    return OptionalInt.of(port);
  }

  private Optional<Config.S3> s3() {
    Optional<String> bucket = optional(Setting.S3_BUCKET);
    if (bucket.isEmpty()) {
      return Optional.empty();
    }
    String endpoint = optional(Setting.S3_ENDPOINT).orElse("");
    if (!endpoint.isEmpty() && !endpoint.matches("https?://\\S+")) {
      throw new ConfigException(Setting.S3_ENDPOINT, "expected an http(s) URL");
    }
    String access =
        optional(Setting.S3_ACCESS_KEY)
            .orElseThrow(
                () -> new ConfigException(Setting.S3_ACCESS_KEY, "required with BANTER_S3_BUCKET"));
    String secret =
        optional(Setting.S3_SECRET_KEY)
            .orElseThrow(
                () -> new ConfigException(Setting.S3_SECRET_KEY, "required with BANTER_S3_BUCKET"));
    return Optional.of(
        new Config.S3(endpoint, text(Setting.S3_REGION), bucket.get(), access, secret));
  }

  private String text(Setting s) {
    String v = vars.get(s.variable);
    return v == null || v.isBlank() ? s.defaultValue : v.strip();
  }

  private Optional<String> optional(Setting s) {
    String v = text(s);
    return v.isEmpty() ? Optional.empty() : Optional.of(v);
  }

  private int integer(Setting s, int min, int max) {
    return (int) longValue(s, min, max);
  }

  private long longValue(Setting s, long min, long max) {
    String v = text(s);
    long n;
    try {
      n = Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new ConfigException(s, "expected a whole number, got '" + v + "'");
    }
    if (n < min || n > max) {
      throw new ConfigException(s, "must be between " + min + " and " + max + ", got " + n);
    }
    return n;
  }

  private double decimal(Setting s) {
    String v = text(s);
    try {
      double d = Double.parseDouble(v);
      if (!(d > 0) || Double.isInfinite(d)) {
        throw new ConfigException(s, "must be a positive number, got '" + v + "'");
      }
      return d;
    } catch (NumberFormatException e) {
      throw new ConfigException(s, "expected a number, got '" + v + "'");
    }
  }

  private boolean bool(Setting s) {
    String v = text(s).toLowerCase(Locale.ROOT);
    return switch (v) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new ConfigException(s, "expected true or false, got '" + v + "'");
    };
  }

  private Duration duration(Setting s) {
    String v = text(s).toLowerCase(Locale.ROOT);
    Matcher m = DURATION.matcher(v);
    if (!m.matches()) {
      throw new ConfigException(
          s, "expected a duration such as 500ms, 10s, 15m, 12h or 30d, got '" + v + "'");
    }
    long n = Long.parseLong(m.group(1));
    Duration d =
        switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
    if (d.isZero()) {
      throw new ConfigException(s, "must be longer than zero");
    }
    return d;
  }

  private List<String> list(Setting s) {
    return Arrays.stream(text(s).split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
  }

  private List<AddressRange> addressRanges(Setting s) {
    return list(s).stream()
        .map(
            entry -> {
              try {
                return AddressRange.parse(entry);
              } catch (IllegalArgumentException e) {
                throw new ConfigException(s, e.getMessage());
              }
            })
        .toList();
  }

  private static void readable(Setting s, Path p) {
    if (!Files.isReadable(p)) {
      throw new ConfigException(s, "cannot read " + p);
    }
  }
}
