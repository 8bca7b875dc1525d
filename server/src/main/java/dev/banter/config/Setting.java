package dev.banter.config;

/** Every configuration variable Banter reads, with its default and meaning (SPEC §6). */
public enum Setting {
  HOST("BANTER_HOST", "0.0.0.0", "listen address"),
  PORT("BANTER_PORT", "8080", "listen port (0 picks a free one)"),
  DATA_DIR("BANTER_DATA_DIR", "./data", "SQLite file, uploads, generated secret"),
  DATABASE_URL(
      "BANTER_DATABASE_URL",
      "",
      "postgresql://user:pass@host:port/db or jdbc:postgresql:…; unset → SQLite in the data dir",
      Masking.URL_PASSWORD),
  REDIS_URL(
      "BANTER_REDIS_URL",
      "",
      "redis://[:pass@]host:port; unset → single node",
      Masking.URL_PASSWORD),
  NODE_ID("BANTER_NODE_ID", "", "name of this node in logs and metrics; unset → generated"),
  JWT_SECRET(
      "BANTER_JWT_SECRET",
      "",
      "HMAC key: at least 32 random bytes (placeholders and low-entropy values are refused); unset → generated once, kept in the data dir",
      Masking.WHOLE),
  ACCESS_TOKEN_TTL("BANTER_ACCESS_TOKEN_TTL", "15m", "access token lifetime"),
  REFRESH_TOKEN_TTL("BANTER_REFRESH_TOKEN_TTL", "30d", "refresh token lifetime"),
  PUBLIC_URL(
      "BANTER_PUBLIC_URL",
      "",
      "the address users reach, e.g. https://chat.example.com (no path); the default allowed origin, and the base of links the server hands out"),
  ALLOWED_ORIGINS(
      "BANTER_ALLOWED_ORIGINS",
      "",
      "comma list of browser origins; unset → BANTER_PUBLIC_URL, else the server's own origin; * allowed with a warning"),
  GUEST_ACCESS("BANTER_GUEST_ACCESS", "false", "enables POST /api/v1/auth/guest"),
  REGISTRATION(
      "BANTER_REGISTRATION",
      "open",
      "who may create an account: open (anyone), invite (with an invite code) or closed (admins create accounts)"),
  ADMINS("BANTER_ADMINS", "", "comma list of usernames that are global admins"),
  MESSAGE_RATE("BANTER_MESSAGE_RATE", "10", "per-user sends per second"),
  MESSAGE_BURST("BANTER_MESSAGE_BURST", "20", "per-user send burst"),
  AUTH_RATE("BANTER_AUTH_RATE", "30", "register/login/refresh/guest attempts per IP per minute"),
  HTTP_RATE("BANTER_HTTP_RATE", "1200", "other API requests per IP per minute"),
  HTTP_CONNECTIONS_PER_IP(
      "BANTER_HTTP_CONNECTIONS_PER_IP",
      "64",
      "concurrent HTTP connections per client address; more → 503 (0 = unlimited; a WebSocket counts under BANTER_WS_PER_IP instead)"),
  HTTP_HEADER_TIMEOUT(
      "BANTER_HTTP_HEADER_TIMEOUT",
      "10s",
      "time to send a request's head, from its first byte (or from connecting); a JSON body gets as long again plus 1 s per KiB"),
  TRUSTED_PROXIES(
      "BANTER_TRUSTED_PROXIES",
      "",
      "comma list of proxy addresses or CIDR blocks (IPv4, IPv6) whose Forwarded / X-Forwarded-For / X-Forwarded-Proto name the client; unset → none, every client is its TCP peer"),
  PROXY_PROTOCOL(
      "BANTER_PROXY_PROTOCOL",
      "false",
      "connections from BANTER_TRUSTED_PROXIES must start with a PROXY protocol v1/v2 header naming the client (TCP load balancers); others never may"),
  WS_PER_IP("BANTER_WS_PER_IP", "100", "concurrent WebSocket connections per IP (0 = unlimited)"),
  UPLOAD_MAX_BYTES("BANTER_UPLOAD_MAX_BYTES", "10485760", "upload size limit in bytes"),
  UPLOAD_STALL_TIMEOUT(
      "BANTER_UPLOAD_STALL_TIMEOUT",
      "30s",
      "an upload whose body sends nothing this long is ended (408) and its part deleted"),
  UPLOAD_QUOTA_DAILY(
      "BANTER_UPLOAD_QUOTA_DAILY",
      "524288000",
      "bytes one user may upload in any 24 hours (past it → 429; 0 = no uploads)"),
  UPLOAD_QUOTA_TOTAL(
      "BANTER_UPLOAD_QUOTA_TOTAL",
      "5368709120",
      "bytes one user may have stored at once (past it → 413; 0 = no uploads)"),
  GUEST_UPLOAD_QUOTA_DAILY(
      "BANTER_GUEST_UPLOAD_QUOTA_DAILY",
      "0",
      "bytes one guest may upload in any 24 hours (0 = guests cannot upload)"),
  UPLOAD_DIR(
      "BANTER_UPLOAD_DIR",
      "",
      "where uploads are kept; unset → <data dir>/uploads (a cluster needs a folder every node shares)"),
  S3_BUCKET(
      "BANTER_S3_BUCKET", "", "keep uploads in this S3-compatible bucket instead of a folder"),
  S3_ENDPOINT("BANTER_S3_ENDPOINT", "", "S3-compatible endpoint URL (unset → AWS for the region)"),
  S3_REGION("BANTER_S3_REGION", "us-east-1", "S3 region"),
  S3_ACCESS_KEY("BANTER_S3_ACCESS_KEY", "", "S3 access key id", Masking.WHOLE),
  S3_SECRET_KEY("BANTER_S3_SECRET_KEY", "", "S3 secret access key", Masking.WHOLE),
  SMTP_URL(
      "BANTER_SMTP_URL",
      "",
      "smtp[s]://user:pass@host:port for e-mail (invites, password resets); read by a later feature, unused today",
      Masking.URL_PASSWORD),
  OIDC_CLIENT_SECRET(
      "BANTER_OIDC_CLIENT_SECRET",
      "",
      "OpenID Connect client secret (single sign-on); read by a later feature, unused today",
      Masking.WHOLE),
  VAPID_PUBLIC_KEY(
      "BANTER_VAPID_PUBLIC_KEY",
      "",
      "Web Push VAPID public key (base64url P-256 point, 65 bytes); with BANTER_VAPID_PRIVATE_KEY; unset → generated once, kept in the data dir (a cluster sets both)"),
  VAPID_PRIVATE_KEY(
      "BANTER_VAPID_PRIVATE_KEY",
      "",
      "Web Push VAPID private key (base64url P-256 scalar, 32 bytes)",
      Masking.WHOLE),
  VAPID_SUBJECT(
      "BANTER_VAPID_SUBJECT",
      "",
      "contact for push services (mailto: or https: URL); unset → BANTER_PUBLIC_URL, else mailto:admin@localhost"),
  WEBHOOK_ALLOW_PRIVATE(
      "BANTER_WEBHOOK_ALLOW_PRIVATE",
      "false",
      "let Web Push endpoints (and webhooks) be plain http or reach loopback, private, link-local and other non-public addresses"),
  LOG_FORMAT("BANTER_LOG_FORMAT", "", "text or json; unset → text in a terminal, else json"),
  LOG_LEVEL(
      "BANTER_LOG_LEVEL",
      "info",
      "root log level: error, warn, info, debug or trace (libraries set quieter stay quieter)"),
  SHUTDOWN_DRAIN("BANTER_SHUTDOWN_DRAIN", "10s", "graceful shutdown budget"),
  TLS_CERT(
      "BANTER_TLS_CERT",
      "",
      "PEM certificate chain; with BANTER_TLS_KEY the server speaks HTTPS/WSS"),
  TLS_KEY("BANTER_TLS_KEY", "", "PEM private key (PKCS#8)"),
  WS_PING_INTERVAL(
      "BANTER_WS_PING_INTERVAL", "25s", "WebSocket ping interval (heartbeat_ms in ready)"),
  WS_IDLE_TIMEOUT("BANTER_WS_IDLE_TIMEOUT", "60s", "a WebSocket silent this long is closed"),
  WS_AUTH_TIMEOUT(
      "BANTER_WS_AUTH_TIMEOUT", "10s", "time a new WebSocket has to send its auth frame"),
  WS_QUEUE_BYTES(
      "BANTER_WS_QUEUE_BYTES",
      "1048576",
      "outbound bytes a WebSocket may have waiting before it is closed 4008"),
  WS_REPLAY_LIMIT(
      "BANTER_WS_REPLAY_LIMIT",
      "1000",
      "messages a join_room replays at most (more → truncated: true)"),
  PRESENCE_TTL(
      "BANTER_PRESENCE_TTL", "30s", "cluster: a dead node's users go offline within this time"),
  USER_RATE_SCALE(
      "BANTER_USER_RATE_SCALE",
      "1",
      "multiplies every per-user action budget (reactions, edits, joins, rooms, invites …; sends have their own)"),
  METRICS_PORT(
      "BANTER_METRICS_PORT",
      "",
      "serve /metrics on a listener of its own on this port (same BANTER_HOST and TLS; 0 picks a free one); set or not, /metrics on BANTER_PORT answers only loopback and BANTER_TRUSTED_PROXIES peers"),
  GUEST_EXPIRY(
      "BANTER_GUEST_EXPIRY",
      "30d",
      "guest accounts unused this long are removed and their names freed");

  /**
   * What of a secret setting's value is hidden wherever it is shown: {@code --print-config}, {@code
   * --help}, logs ({@link ConfigReport#mask}).
   */
  public enum Masking {
    /** Not a secret: shown as it is. */
    NONE,
    /** The whole value is the secret. */
    WHOLE,
    /**
     * A URL that may carry a password: in its user info ({@code user:pass@}, or {@code pass@} as
     * Redis reads it) or as a {@code password=} query parameter. The rest stays readable.
     */
    URL_PASSWORD
  }

  public final String variable;
  public final String defaultValue;
  public final String meaning;

  /** True for the settings whose values must never be shown: the one list masking reads. */
  public final boolean secret;

  public final Masking masking;

  Setting(String variable, String defaultValue, String meaning) {
    this(variable, defaultValue, meaning, Masking.NONE);
  }

  Setting(String variable, String defaultValue, String meaning, Masking masking) {
    this.variable = variable;
    this.defaultValue = defaultValue;
    this.meaning = meaning;
    this.masking = masking;
    this.secret = masking != Masking.NONE;
  }
}
