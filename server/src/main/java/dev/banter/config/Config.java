package dev.banter.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** The validated configuration of one Banter process. Its toString never shows secrets. */
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
    List<String> allowedOrigins,
    boolean guestAccess,
    Set<String> admins,
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
    Duration guestExpiry) {

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

  /** How log lines are written. */
  public enum LogFormat {
    TEXT,
    JSON
  }

  public boolean usesPostgres() {
    return database.isPresent();
  }

  @Override
  public String toString() {
    return "Config[host="
        + host
        + ", port="
        + port
        + ", dataDir="
        + dataDir
        + ", database="
        + database.map(DatabaseUrl::redacted).orElse("sqlite")
        + ", redis="
        + redisUrl.map(u -> "set").orElse("unset")
        + ", nodeId="
        + nodeId
        + ", jwtSecret="
        + (jwtSecret.isPresent() ? "****" : "generated")
        + ", accessTokenTtl="
        + accessTokenTtl
        + ", refreshTokenTtl="
        + refreshTokenTtl
        + ", allowedOrigins="
        + allowedOrigins
        + ", guestAccess="
        + guestAccess
        + ", admins="
        + admins
        + ", messageRate="
        + messageRate
        + ", messageBurst="
        + messageBurst
        + ", authRate="
        + authRatePerMinute
        + ", httpRate="
        + httpRatePerMinute
        + ", httpConnectionsPerIp="
        + httpConnectionsPerIp
        + ", httpHeaderTimeout="
        + httpHeaderTimeout
        + ", trustedProxies="
        + trustedProxies
        + ", proxyProtocol="
        + proxyProtocol
        + ", metricsPort="
        + (metricsPort.isPresent() ? String.valueOf(metricsPort.getAsInt()) : "unset")
        + ", wsPerIp="
        + wsPerIp
        + ", uploadMaxBytes="
        + uploadMaxBytes
        + ", uploadStallTimeout="
        + uploadStallTimeout
        + ", uploadQuotaDaily="
        + uploadQuotaDaily
        + ", uploadQuotaTotal="
        + uploadQuotaTotal
        + ", guestUploadQuotaDaily="
        + guestUploadQuotaDaily
        + ", uploadDir="
        + uploadDir
        + ", s3="
        + s3.map(S3::toString).orElse("unset")
        + ", logFormat="
        + logFormat
        + ", shutdownDrain="
        + shutdownDrain
        + ", tls="
        + tlsCert.isPresent()
        + ", wsPingInterval="
        + wsPingInterval
        + ", wsIdleTimeout="
        + wsIdleTimeout
        + ", wsAuthTimeout="
        + wsAuthTimeout
        + ", wsQueueBytes="
        + wsQueueBytes
        + ", wsReplayLimit="
        + wsReplayLimit
        + ", presenceTtl="
        + presenceTtl
        + "]";
  }
}
