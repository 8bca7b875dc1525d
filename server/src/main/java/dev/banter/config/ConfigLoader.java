package dev.banter.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;

/** Reads every {@link Setting} from a map of variables (the environment), validating each. */
public final class ConfigLoader {
  private final Map<String, String> vars;
  private final boolean terminal;

  public ConfigLoader(Map<String, String> vars, boolean terminal) {
    this.vars = vars;
    this.terminal = terminal;
  }

  public static Config fromEnvironment() {
    return new ConfigLoader(System.getenv(), System.console() != null).load();
  }

  /**
   * The configuration, or a {@link ConfigException} naming every bad setting at once (one line
   * each); a bad value is replaced by its default while the others are read, so that one mistake
   * does not hide the next.
   */
  public Config load() {
    SettingReader in = new SettingReader(vars);
    String host = in.text(Setting.HOST);
    int port = in.integer(Setting.PORT, 0, 65535);
    Path dataDir = Path.of(in.text(Setting.DATA_DIR));
    Optional<DatabaseUrl> database =
        in.read(
            Setting.DATABASE_URL,
            s ->
                in.optional(s)
                    .map(
                        raw -> {
                          try {
                            return DatabaseUrl.parse(raw);
                          } catch (IllegalArgumentException e) {
                            throw new ConfigException(
                                s, "cannot parse the database URL: " + e.getMessage());
                          }
                        }));
    Optional<String> redis =
        in.read(
            Setting.REDIS_URL,
            s ->
                in.optional(s)
                    .map(
                        url -> {
                          if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
                            throw new ConfigException(s, "expected redis://host:port");
                          }
                          return url;
                        }));
    if (redis.isPresent() && database.isEmpty() && !in.rejected(Setting.DATABASE_URL)) {
      in.problem(
          Setting.REDIS_URL,
          "cluster mode needs PostgreSQL: set BANTER_DATABASE_URL too (nodes must share one database; SQLite is one node's file)");
    }
    String nodeId =
        in.optional(Setting.NODE_ID)
            .orElseGet(() -> "node-" + UUID.randomUUID().toString().substring(0, 8));
    Optional<byte[]> secret =
        in.read(
            Setting.JWT_SECRET,
            s ->
                in.optional(s)
                    .map(
                        value -> {
                          Optional<String> weakness = SecretStrength.weakness(value);
                          if (weakness.isPresent()) {
                            throw new ConfigException(s, weakness.get());
                          }
                          return value.getBytes(StandardCharsets.UTF_8);
                        }));
    Duration accessTtl = in.duration(Setting.ACCESS_TOKEN_TTL);
    Duration refreshTtl = in.duration(Setting.REFRESH_TOKEN_TTL);
    Optional<String> publicUrl =
        in.read(Setting.PUBLIC_URL, s -> in.optional(s).map(u -> origin(s, u)));
    List<String> origins =
        in.read(
            Setting.ALLOWED_ORIGINS,
            s -> {
              List<String> listed = in.list(s);
              for (String origin : listed) {
                if (!origin.equals("*") && !origin.matches("https?://[^/\\s]+")) {
                  throw new ConfigException(s, "not an origin (scheme://host[:port]): " + origin);
                }
              }
              return listed;
            });
    if (origins.isEmpty() && publicUrl.isPresent()) {
      origins = List.of(publicUrl.get()); // the address users reach is where the pages come from
    }
    boolean guests = in.bool(Setting.GUEST_ACCESS);
    Config.Registration registration =
        in.read(
            Setting.REGISTRATION,
            s ->
                switch (in.optional(s).orElse("open").strip().toLowerCase(Locale.ROOT)) {
                  case "open" -> Config.Registration.OPEN;
                  case "invite" -> Config.Registration.INVITE;
                  case "closed" -> Config.Registration.CLOSED;
                  default -> throw new ConfigException(s, "expected open, invite or closed");
                });
    Set<String> admins = new LinkedHashSet<>();
    in.list(Setting.ADMINS).forEach(a -> admins.add(a.toLowerCase(Locale.ROOT)));
    double messageRate = in.decimal(Setting.MESSAGE_RATE);
    int messageBurst = in.integer(Setting.MESSAGE_BURST, 1, 1_000_000);
    int authRate = in.integer(Setting.AUTH_RATE, 1, 1_000_000_000);
    int httpRate = in.integer(Setting.HTTP_RATE, 1, 1_000_000_000);
    int httpConnectionsPerIp = in.integer(Setting.HTTP_CONNECTIONS_PER_IP, 0, 1_000_000_000);
    Duration httpHeaderTimeout = in.duration(Setting.HTTP_HEADER_TIMEOUT);
    List<AddressRange> trustedProxies = in.read(Setting.TRUSTED_PROXIES, s -> addressRanges(in, s));
    boolean proxyProtocol = in.bool(Setting.PROXY_PROTOCOL);
    if (proxyProtocol && trustedProxies.isEmpty() && !in.rejected(Setting.TRUSTED_PROXIES)) {
      in.problem(
          Setting.PROXY_PROTOCOL,
          "needs BANTER_TRUSTED_PROXIES: the PROXY protocol is accepted only from trusted proxies");
    }
    OptionalInt metricsPort =
        in.read(
            Setting.METRICS_PORT,
            s -> {
              Optional<String> given = in.optional(s);
              if (given.isEmpty()) {
                return OptionalInt.empty();
              }
              int n;
              try {
                n = Integer.parseInt(given.get());
              } catch (NumberFormatException e) {
                throw new ConfigException(s, "expected a port number, got '" + given.get() + "'");
              }
              if (n < 0 || n > 65535) {
                throw new ConfigException(s, "expected a port number from 0 to 65535, got " + n);
              }
              if (n != 0 && n == port) {
                throw new ConfigException(s, "must differ from BANTER_PORT (" + port + ")");
              }
              return OptionalInt.of(n);
            });
    int wsPerIp = in.integer(Setting.WS_PER_IP, 0, 1_000_000_000);
    long uploadMax = in.longValue(Setting.UPLOAD_MAX_BYTES, 1, Long.MAX_VALUE);
    Duration uploadStall = in.duration(Setting.UPLOAD_STALL_TIMEOUT);
    long quotaDaily = in.longValue(Setting.UPLOAD_QUOTA_DAILY, 0, Long.MAX_VALUE);
    long quotaTotal = in.longValue(Setting.UPLOAD_QUOTA_TOTAL, 0, Long.MAX_VALUE);
    long guestQuotaDaily = in.longValue(Setting.GUEST_UPLOAD_QUOTA_DAILY, 0, Long.MAX_VALUE);
    in.read(Setting.SMTP_URL, s -> in.optional(s).map(u -> smtp(s, u)));
    Config.LogFormat logFormat =
        in.read(
            Setting.LOG_FORMAT,
            s ->
                in.optional(s)
                    .map(
                        f ->
                            switch (f.toLowerCase(Locale.ROOT)) {
                              case "text" -> Config.LogFormat.TEXT;
                              case "json" -> Config.LogFormat.JSON;
                              default ->
                                  throw new ConfigException(
                                      s, "expected text or json, got '" + f + "'");
                            })
                    .orElse(terminal ? Config.LogFormat.TEXT : Config.LogFormat.JSON));
    Config.LogLevel logLevel = in.read(Setting.LOG_LEVEL, s -> logLevel(in, s));
    Duration drain = in.duration(Setting.SHUTDOWN_DRAIN);
    Optional<Path> cert = in.optional(Setting.TLS_CERT).map(Path::of);
    Optional<Path> key = in.optional(Setting.TLS_KEY).map(Path::of);
    if (cert.isPresent() != key.isPresent()) {
      in.problem(
          cert.isPresent() ? Setting.TLS_KEY : Setting.TLS_CERT,
          "BANTER_TLS_CERT and BANTER_TLS_KEY must be set together");
    }
    cert.ifPresent(p -> readable(in, Setting.TLS_CERT, p));
    key.ifPresent(p -> readable(in, Setting.TLS_KEY, p));
    Duration ping = in.duration(Setting.WS_PING_INTERVAL);
    Duration idle = in.duration(Setting.WS_IDLE_TIMEOUT);
    if (idle.compareTo(ping) <= 0) {
      in.problem(
          Setting.WS_IDLE_TIMEOUT, "must be longer than BANTER_WS_PING_INTERVAL (" + ping + ")");
    }
    Optional<Config.VapidKeyPair> vapid = vapidKeys(in);
    Config config =
        new Config(
            host,
            port,
            dataDir,
            database,
            redis,
            nodeId,
            secret,
            accessTtl,
            refreshTtl,
            publicUrl,
            origins,
            guests,
            Set.copyOf(admins),
            registration,
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
            in.optional(Setting.UPLOAD_DIR).map(Path::of).orElse(dataDir.resolve("uploads")),
            s3(in),
            logFormat,
            logLevel,
            drain,
            cert,
            key,
            ping,
            idle,
            in.duration(Setting.WS_AUTH_TIMEOUT),
            in.longValue(Setting.WS_QUEUE_BYTES, 4096, 1L << 30),
            in.integer(Setting.WS_REPLAY_LIMIT, 1, 100_000),
            in.duration(Setting.PRESENCE_TTL),
            in.decimal(Setting.USER_RATE_SCALE),
            in.duration(Setting.GUEST_EXPIRY),
            vapid,
            in.read(Setting.VAPID_SUBJECT, s -> vapidSubject(in, s, publicUrl)),
            in.bool(Setting.WEBHOOK_ALLOW_PRIVATE),
            in.given(),
            warnings(redis.isPresent() && vapid.isEmpty()));
    if (!in.problems().isEmpty()) {
      throw new ConfigException(in.problems());
    }
    return config;
  }

  private static Optional<Config.S3> s3(SettingReader in) {
    Optional<String> bucket = in.optional(Setting.S3_BUCKET);
    if (bucket.isEmpty()) {
      return Optional.empty();
    }
    String endpoint =
        in.read(
            Setting.S3_ENDPOINT,
            s -> {
              String e = in.optional(s).orElse("");
              if (!e.isEmpty() && !e.matches("https?://\\S+")) {
                throw new ConfigException(s, "expected an http(s) URL");
              }
              return e;
            });
    Optional<String> access = in.optional(Setting.S3_ACCESS_KEY);
    Optional<String> secret = in.optional(Setting.S3_SECRET_KEY);
    if (access.isEmpty()) {
      in.problem(Setting.S3_ACCESS_KEY, "required with BANTER_S3_BUCKET");
    }
    if (secret.isEmpty()) {
      in.problem(Setting.S3_SECRET_KEY, "required with BANTER_S3_BUCKET");
    }
    return Optional.of(
        new Config.S3(
            endpoint,
            in.text(Setting.S3_REGION),
            bucket.get(),
            access.orElse(""),
            secret.orElse("")));
  }

  /**
   * The start-up warnings: unknown BANTER_* names, and a cluster signing pushes with no shared key.
   */
  private List<String> warnings(boolean clusterWithoutVapidKeys) {
    List<String> out = new ArrayList<>(KnownNames.unknown(vars.keySet()));
    if (clusterWithoutVapidKeys) {
      out.add(
          "BANTER_VAPID_PUBLIC_KEY / BANTER_VAPID_PRIVATE_KEY unset in a cluster: each node signs"
              + " Web Push with a key of its own, and browsers accept only the one they subscribed"
              + " with (set both on every node)");
    }
    return List.copyOf(out);
  }

  /**
   * Both VAPID keys or neither, each the size a P-256 key has (their match is checked at start).
   */
  private static Optional<Config.VapidKeyPair> vapidKeys(SettingReader in) {
    Optional<String> pub = in.read(Setting.VAPID_PUBLIC_KEY, s -> base64url(in, s, 65));
    Optional<String> priv = in.read(Setting.VAPID_PRIVATE_KEY, s -> base64url(in, s, 32));
    if (pub.isPresent() != priv.isPresent()) {
      in.problem(
          pub.isPresent() ? Setting.VAPID_PRIVATE_KEY : Setting.VAPID_PUBLIC_KEY,
          "BANTER_VAPID_PUBLIC_KEY and BANTER_VAPID_PRIVATE_KEY must be set together");
      return Optional.empty();
    }
    return pub.map(p -> new Config.VapidKeyPair(p, priv.get()));
  }

  private static Optional<String> base64url(SettingReader in, Setting s, int bytes) {
    Optional<String> v = in.optional(s);
    if (v.isEmpty()) {
      return v;
    }
    int length;
    try {
      if (!v.get().matches("[A-Za-z0-9_-]+=*")) {
        throw new IllegalArgumentException();
      }
      length = Base64.getUrlDecoder().decode(v.get()).length;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(s, "expected base64url (RFC 4648 §5)");
    }
    if (length != bytes) {
      throw new ConfigException(
          s, "expected " + bytes + " bytes of base64url, got " + length + " bytes");
    }
    return v;
  }

  private static String vapidSubject(SettingReader in, Setting s, Optional<String> publicUrl) {
    Optional<String> given = in.optional(s);
    if (given.isPresent()
        && !given.get().matches("mailto:\\S+@\\S+")
        && !given.get().matches("https://[^\\s/]+\\S*")) {
      throw new ConfigException(
          s,
          "expected a mailto: address or an https: URL (RFC 8292 §2.1), got '" + given.get() + "'");
    }
    // An http: public URL is no contact RFC 8292 allows: then the placeholder address instead.
    return given.orElse(
        publicUrl.filter(u -> u.startsWith("https://")).orElse("mailto:admin@localhost"));
  }

  private static Config.LogLevel logLevel(SettingReader in, Setting s) {
    String v = in.text(s);
    try {
      return Config.LogLevel.valueOf(v.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(s, "expected error, warn, info, debug or trace, got '" + v + "'");
    }
  }

  /**
   * The origin of an absolute http(s) URL without path, query or user info ({@code
   * https://chat.example.com}), lower-cased and without its scheme's default port: what browsers
   * send as {@code Origin}.
   */
  private static String origin(Setting s, String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new ConfigException(s, "not a URL (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw new ConfigException(
          s, "expected an absolute http(s) URL such as https://chat.example.com");
    }
    String path = uri.getRawPath();
    if (uri.getRawUserInfo() != null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || path != null && !path.isEmpty() && !path.equals("/")) {
      throw new ConfigException(
          s,
          "must be scheme://host[:port] only (Banter serves from the root: no path, query or user)");
    }
    int port = uri.getPort();
    boolean defaultPort = port == -1 || port == (scheme.equals("https") ? 443 : 80);
    return scheme
        + "://"
        + uri.getHost().toLowerCase(Locale.ROOT)
        + (defaultPort ? "" : ":" + port);
  }

  /** Checks the form SPEC §9 gives, {@code smtp[s]://user:pass@host:port}; nothing reads it yet. */
  private static String smtp(Setting s, String url) {
    try {
      URI uri = new URI(url);
      if (("smtp".equals(uri.getScheme()) || "smtps".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return url;
      }
    } catch (URISyntaxException ignored) {
      // reported below, without the value: it may hold a password
    }
    throw new ConfigException(s, "expected smtp[s]://user:pass@host:port");
  }

  private static List<AddressRange> addressRanges(SettingReader in, Setting s) {
    return in.list(s).stream()
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

  private static void readable(SettingReader in, Setting s, Path p) {
    if (!Files.isReadable(p)) {
      in.problem(s, "cannot read " + p);
    }
  }
}
