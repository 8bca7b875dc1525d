package dev.banter.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The validated configuration of one Banter process. Its toString shows the settings given, secrets
 * masked by the one rule {@code --print-config} uses too.
 */
public record Config(
    String host,
    int port,
    Path dataDir,
    Optional<DatabaseUrl> database,
    Optional<String> redisUrl,
    String nodeId,
    Optional<byte[]> jwtSecret,
    Duration accessTokenTtl,
    Duration refreshTokenTtl,
    Optional<String> publicUrl,
    List<String> allowedOrigins,
    boolean guestAccess,
    Set<String> admins,
    Registration registration,
    double messageRate,
    int messageBurst,
    int authRatePerMinute,
    int httpRatePerMinute,
    int httpConnectionsPerIp,
    Duration httpHeaderTimeout,
    List<AddressRange> trustedProxies,
    boolean proxyProtocol,
    OptionalInt metricsPort,
    int wsPerIp,
    long uploadMaxBytes,
    Duration uploadStallTimeout,
    long uploadQuotaDaily,
    long uploadQuotaTotal,
    long guestUploadQuotaDaily,
    Path uploadDir,
    Optional<S3> s3,
    LogFormat logFormat,
    LogLevel logLevel,
    Duration shutdownDrain,
    Optional<Path> tlsCert,
    Optional<Path> tlsKey,
    Duration wsPingInterval,
    Duration wsIdleTimeout,
    Duration wsAuthTimeout,
    long wsQueueBytes,
    int wsReplayLimit,
    Duration presenceTtl,
    double userRateScale,
    Duration guestExpiry,
    Optional<VapidKeyPair> vapidKeys,
    String vapidSubject,
    boolean webhookAllowPrivate,
    Map<Setting, String> given,
    List<String> warnings) {

  /** An S3-compatible bucket for uploads; {@link #toString()} hides the keys. */
  public record S3(
      String endpoint, String region, String bucket, String accessKey, String secretKey) {
    @Override
    public String toString() {
      return "S3["
          + (endpoint.isEmpty() ? "aws" : endpoint)
          + ", "
          + region
          + ", "
          + bucket
          + ", keys ****]";
    }
  }

  /**
   * A configured VAPID key pair (base64url, checked to be P-256 sizes); {@link #toString()} hides
   * the private key.
   */
  public record VapidKeyPair(String publicKey, String privateKey) {
    @Override
    public String toString() {
      return "VapidKeyPair[" + publicKey + ", ****]";
    }
  }

  /** Who may create an account (SPEC §9); the first account and BANTER_ADMINS always may. */
  public enum Registration {
    OPEN,
    INVITE,
    CLOSED
  }

  /** How log lines are written. */
  public enum LogFormat {
    TEXT,
    JSON
  }

  /** The root level of the server's log. */
  public enum LogLevel {
    ERROR,
    WARN,
    INFO,
    DEBUG,
    TRACE
  }

  /**
   * The origin users reach the server at ({@code https://chat.example.com}, no trailing slash),
   * from BANTER_PUBLIC_URL: the base of absolute links the server hands out ({@code publicUrl +
   * "/path"}: invites, password resets, OIDC redirects, Web Push). Empty when unset; then there is
   * no address to build links from, and the allowed origin is whatever the request names ({@code
   * Host}).
   */
  @Override
  public Optional<String> publicUrl() {
    return publicUrl;
  }

  /**
   * The browser origins that may open WebSockets and call the API: BANTER_ALLOWED_ORIGINS, else
   * BANTER_PUBLIC_URL's origin, else none (then only the server's own origin, as each request names
   * it).
   */
  @Override
  public List<String> allowedOrigins() {
    return allowedOrigins;
  }

  /**
   * The settings given a value, as given, secrets included: shown only through {@link
   * ConfigReport}, which masks them.
   */
  @Override
  public Map<Setting, String> given() {
    return given;
  }

  /** What start-up should warn about: BANTER_* variables that are no setting (typos). */
  @Override
  public List<String> warnings() {
    return warnings;
  }

  public boolean usesPostgres() {
    return database.isPresent();
  }

  /**
   * The settings given, secrets masked by {@link ConfigReport#mask}: what the start-up log shows.
   */
  @Override
  public String toString() {
    return "Config[" + ConfigReport.given(given) + "]";
  }
}
