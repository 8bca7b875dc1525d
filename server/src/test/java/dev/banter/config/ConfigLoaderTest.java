package dev.banter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  private static Config load(Map<String, String> vars) {
    return new ConfigLoader(vars, false).load();
  }

  private static void rejects(String variable, String value) {
    Map<String, String> vars = new HashMap<>();
    vars.put(variable, value);
    assertThatThrownBy(() -> load(vars))
        .as("%s=%s", variable, value)
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(variable + ": ")
        .hasMessageNotContaining("\n");
  }

  @Test
  void everySettingHasASafeDefault() {
    Config c = load(Map.of());
    assertThat(c.host()).isEqualTo("0.0.0.0");
    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.dataDir().toString()).isEqualTo("./data");
    assertThat(c.database()).isEmpty();
    assertThat(c.redisUrl()).isEmpty();
    assertThat(c.nodeId()).startsWith("node-");
    assertThat(c.jwtSecret()).isEmpty();
    assertThat(c.accessTokenTtl()).isEqualTo(Duration.ofMinutes(15));
    assertThat(c.refreshTokenTtl()).isEqualTo(Duration.ofDays(30));
    assertThat(c.allowedOrigins()).isEmpty();
    assertThat(c.guestAccess()).isFalse();
    assertThat(c.admins()).isEmpty();
    assertThat(c.messageRate()).isEqualTo(10.0);
    assertThat(c.messageBurst()).isEqualTo(20);
    assertThat(c.authRatePerMinute()).isEqualTo(30);
    assertThat(c.httpRatePerMinute()).isEqualTo(1200);
    assertThat(c.httpConnectionsPerIp()).isEqualTo(64);
    assertThat(c.httpHeaderTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.wsPerIp()).isEqualTo(100);
    assertThat(c.trustedProxies()).isEmpty();
    assertThat(c.proxyProtocol()).isFalse();
    assertThat(c.uploadMaxBytes()).isEqualTo(10_485_760L);
    assertThat(c.uploadStallTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.uploadQuotaDaily()).isEqualTo(500L << 20);
    assertThat(c.uploadQuotaTotal()).isEqualTo(5L << 30);
    assertThat(c.guestUploadQuotaDaily()).isZero();
    assertThat(c.uploadDir().toString()).isEqualTo("./data/uploads");
    assertThat(c.logFormat()).isEqualTo(Config.LogFormat.JSON);
    assertThat(c.logLevel()).isEqualTo(Config.LogLevel.INFO);
    assertThat(c.publicUrl()).isEmpty();
    assertThat(c.shutdownDrain()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.tlsCert()).isEmpty();
    assertThat(new ConfigLoader(Map.of(), true).load().logFormat())
        .isEqualTo(Config.LogFormat.TEXT);
  }

  @Test
  void aClusterWithoutVapidKeysIsWarnedAbout() {
    Config c =
        load(
            Map.of(
                "BANTER_DATABASE_URL",
                "postgresql://db/chat",
                "BANTER_REDIS_URL",
                "redis://cache"));
    assertThat(c.warnings()).anyMatch(w -> w.startsWith("BANTER_VAPID_PUBLIC_KEY"));
  }

  @Test
  void everyVariableIsRead() {
    Map<String, String> vars = new HashMap<>();
    vars.put("BANTER_HOST", "127.0.0.1");
    vars.put("BANTER_PORT", "9000");
    vars.put("BANTER_DATA_DIR", "/srv/banter");
    vars.put(
        "BANTER_DATABASE_URL", "postgresql://bob:s%40cret@db.example:6543/chat?sslmode=require");
    vars.put("BANTER_REDIS_URL", "redis://cache:6379");
    vars.put("BANTER_NODE_ID", "n1");
    vars.put("BANTER_JWT_SECRET", "Zq3kP9xL2mV7nB4cR8tW1yH6jF5dS0gA");
    vars.put("BANTER_ACCESS_TOKEN_TTL", "5m");
    vars.put("BANTER_REFRESH_TOKEN_TTL", "12h");
    vars.put("BANTER_PUBLIC_URL", "https://Chat.Example:443/");
    vars.put("BANTER_ALLOWED_ORIGINS", "https://chat.example, http://localhost:3000");
    vars.put("BANTER_GUEST_ACCESS", "true");
    vars.put("BANTER_ADMINS", "Alice, bob");
    vars.put("BANTER_MESSAGE_RATE", "2.5");
    vars.put("BANTER_MESSAGE_BURST", "5");
    vars.put("BANTER_AUTH_RATE", "7");
    vars.put("BANTER_HTTP_RATE", "70");
    vars.put("BANTER_HTTP_CONNECTIONS_PER_IP", "0");
    vars.put("BANTER_HTTP_HEADER_TIMEOUT", "2500ms");
    vars.put("BANTER_WS_PER_IP", "0");
    vars.put("BANTER_UPLOAD_MAX_BYTES", "1024");
    vars.put("BANTER_UPLOAD_STALL_TIMEOUT", "2s");
    vars.put("BANTER_UPLOAD_QUOTA_DAILY", "4096");
    vars.put("BANTER_UPLOAD_QUOTA_TOTAL", "8192");
    vars.put("BANTER_GUEST_UPLOAD_QUOTA_DAILY", "512");
    vars.put("BANTER_UPLOAD_DIR", "/mnt/shared/uploads");
    vars.put("BANTER_LOG_FORMAT", "text");
    vars.put("BANTER_LOG_LEVEL", "DEBUG");
    vars.put("BANTER_SHUTDOWN_DRAIN", "500ms");
    vars.put(
        "BANTER_VAPID_PUBLIC_KEY",
        "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8");
    vars.put("BANTER_VAPID_PRIVATE_KEY", "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw");
    vars.put("BANTER_VAPID_SUBJECT", "mailto:ops@chat.example");
    vars.put("BANTER_WEBHOOK_ALLOW_PRIVATE", "true");
    Config c = load(vars);
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(9000);
    assertThat(c.database().orElseThrow().jdbcUrl())
        .isEqualTo("jdbc:postgresql://db.example:6543/chat?sslmode=require");
    assertThat(c.database().orElseThrow().user()).isEqualTo("bob");
    assertThat(c.database().orElseThrow().password()).isEqualTo("s@cret");
    assertThat(c.redisUrl()).contains("redis://cache:6379");
    assertThat(c.nodeId()).isEqualTo("n1");
    assertThat(c.accessTokenTtl()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.refreshTokenTtl()).isEqualTo(Duration.ofHours(12));
    assertThat(c.allowedOrigins())
        .isEqualTo(List.of("https://chat.example", "http://localhost:3000"));
    assertThat(c.guestAccess()).isTrue();
    assertThat(c.admins()).containsExactlyInAnyOrder("alice", "bob");
    assertThat(c.messageRate()).isEqualTo(2.5);
    assertThat(c.messageBurst()).isEqualTo(5);
    assertThat(c.authRatePerMinute()).isEqualTo(7);
    assertThat(c.httpRatePerMinute()).isEqualTo(70);
    assertThat(c.httpConnectionsPerIp()).isZero();
    assertThat(c.httpHeaderTimeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(c.wsPerIp()).isZero();
    assertThat(c.uploadMaxBytes()).isEqualTo(1024);
    assertThat(c.uploadStallTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.uploadQuotaDaily()).isEqualTo(4096);
    assertThat(c.uploadQuotaTotal()).isEqualTo(8192);
    assertThat(c.guestUploadQuotaDaily()).isEqualTo(512);
    assertThat(c.uploadDir().toString()).isEqualTo("/mnt/shared/uploads");
    assertThat(c.logFormat()).isEqualTo(Config.LogFormat.TEXT);
    assertThat(c.logLevel()).isEqualTo(Config.LogLevel.DEBUG);
    assertThat(c.shutdownDrain()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.publicUrl()).contains("https://chat.example");
    assertThat(c.vapidKeys()).isPresent();
    assertThat(c.vapidSubject()).isEqualTo("mailto:ops@chat.example");
    assertThat(c.webhookAllowPrivate()).isTrue();
    assertThat(c.warnings()).isEmpty();
  }

  @Test
  void aJdbcPostgresUrlIsAcceptedAsGiven() {
    Config c =
        load(Map.of("BANTER_DATABASE_URL", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres"));
    assertThat(c.database().orElseThrow().jdbcUrl())
        .isEqualTo("jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
  }

  @Test
  void badValuesNameTheVariable() {
    rejects("BANTER_PORT", "abc");
    rejects("BANTER_PORT", "70000");
    rejects("BANTER_PORT", "-1");
    rejects("BANTER_DATABASE_URL", "mysql://x/y");
    rejects("BANTER_DATABASE_URL", "postgresql://");
    rejects("BANTER_DATABASE_URL", "postgresql://host:5432/");
    rejects("BANTER_DATABASE_URL", "postgresql://ho st/db");
    rejects("BANTER_DATABASE_URL", "jdbc:postgresql:");
    rejects("BANTER_REDIS_URL", "http://cache");
    rejects("BANTER_JWT_SECRET", "too-short");
    rejects("BANTER_ACCESS_TOKEN_TTL", "15 minutes");
    rejects("BANTER_REFRESH_TOKEN_TTL", "0d");
    rejects("BANTER_ALLOWED_ORIGINS", "chat.example");
    rejects("BANTER_GUEST_ACCESS", "maybe");
    rejects("BANTER_MESSAGE_RATE", "-3");
    rejects("BANTER_MESSAGE_RATE", "fast");
    rejects("BANTER_MESSAGE_BURST", "0");
    rejects("BANTER_AUTH_RATE", "1e3");
    rejects("BANTER_HTTP_RATE", "99999999999999999999");
    rejects("BANTER_HTTP_CONNECTIONS_PER_IP", "-1");
    rejects("BANTER_HTTP_HEADER_TIMEOUT", "0s");
    rejects("BANTER_HTTP_HEADER_TIMEOUT", "ten");
    rejects("BANTER_WS_PER_IP", "-5");
    rejects("BANTER_UPLOAD_MAX_BYTES", "10MB");
    rejects("BANTER_UPLOAD_STALL_TIMEOUT", "0s");
    rejects("BANTER_UPLOAD_QUOTA_DAILY", "-1");
    rejects("BANTER_UPLOAD_QUOTA_TOTAL", "5GiB");
    rejects("BANTER_GUEST_UPLOAD_QUOTA_DAILY", "lots");
    rejects("BANTER_LOG_FORMAT", "xml");
    rejects("BANTER_LOG_LEVEL", "verbose");
    rejects("BANTER_LOG_LEVEL", "warning");
    rejects("BANTER_PUBLIC_URL", "chat.example.com");
    rejects("BANTER_PUBLIC_URL", "ftp://chat.example.com");
    rejects("BANTER_PUBLIC_URL", "https://chat.example.com/banter");
    rejects("BANTER_PUBLIC_URL", "https://chat.example.com?x=1");
    rejects("BANTER_PUBLIC_URL", "https://user:pw@chat.example.com");
    rejects("BANTER_PUBLIC_URL", "https://");
    rejects("BANTER_SMTP_URL", "mail.example.com:587");
    rejects("BANTER_SMTP_URL", "http://mail.example.com");
    rejects("BANTER_SHUTDOWN_DRAIN", "soon");
  }

  @Test
  void trustedProxiesAreAddressesOrCidrBlocksOfEitherFamily() {
    Config c =
        load(
            Map.of(
                "BANTER_TRUSTED_PROXIES",
                "10.0.0.0/8, 192.0.2.7 ,2001:db8::/32, ::1",
                "BANTER_PROXY_PROTOCOL",
                "true"));
    assertThat(c.trustedProxies())
        .extracting(AddressRange::toString)
        .containsExactly("10.0.0.0/8", "192.0.2.7/32", "2001:db8::/32", "::1/128");
    assertThat(c.proxyProtocol()).isTrue();
    AddressRange ten = c.trustedProxies().get(0);
    assertThat(ten.contains(address("10.255.0.1"))).isTrue();
    assertThat(ten.contains(address("11.0.0.1"))).isFalse();
    assertThat(ten.contains(address("::ffff:10.0.0.1"))).isTrue(); // an IPv4-mapped address is IPv4
    AddressRange v6 = c.trustedProxies().get(2);
    assertThat(v6.contains(address("2001:db8:ffff::1"))).isTrue();
    assertThat(v6.contains(address("2001:db9::1"))).isFalse();
    assertThat(AddressRange.parse("192.0.2.128/25").contains(address("192.0.2.127"))).isFalse();
    assertThat(AddressRange.parse("0.0.0.0/0").contains(address("2001:db8::1"))).isFalse();
  }

  @Test
  void badProxySettingsNameTheVariable() {
    rejects("BANTER_TRUSTED_PROXIES", "proxy.internal");
    rejects("BANTER_TRUSTED_PROXIES", "10.0.0.0/33");
    rejects("BANTER_TRUSTED_PROXIES", "2001:db8::/129");
    rejects("BANTER_TRUSTED_PROXIES", "10.0.0.1, 300.1.1.1");
    rejects("BANTER_TRUSTED_PROXIES", "fe80::1%eth0");
    rejects("BANTER_TRUSTED_PROXIES", "10.0.0.0/x");
    rejects("BANTER_PROXY_PROTOCOL", "yes please");
    rejects("BANTER_PROXY_PROTOCOL", "true"); // without trusted proxies nobody could send it
  }

  private static InetAddress address(String literal) {
    return NetUtil.createInetAddressFromIpAddressString(literal);
  }

  @Test
  void unreadableTlsFilesAreNamed() {
    assertThatThrownBy(
            () ->
                load(
                    Map.of(
                        "BANTER_TLS_CERT",
                        "/nonexistent/cert.pem",
                        "BANTER_TLS_KEY",
                        "/nonexistent/key.pem")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("BANTER_TLS_CERT: cannot read");
  }

  @Test
  void anS3BucketNeedsItsKeysAndAValidEndpointAndHidesThem() {
    assertThatThrownBy(() -> load(Map.of("BANTER_S3_BUCKET", "files")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("BANTER_S3_ACCESS_KEY: ");
    assertThatThrownBy(
            () -> load(Map.of("BANTER_S3_BUCKET", "files", "BANTER_S3_ACCESS_KEY", "id")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("BANTER_S3_SECRET_KEY: ");
    assertThatThrownBy(
            () ->
                load(
                    Map.of(
                        "BANTER_S3_BUCKET",
                        "files",
                        "BANTER_S3_ACCESS_KEY",
                        "id",
                        "BANTER_S3_SECRET_KEY",
                        "k",
                        "BANTER_S3_ENDPOINT",
                        "minio:9000")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("BANTER_S3_ENDPOINT: ");
    Config c =
        load(
            Map.of(
                "BANTER_S3_BUCKET",
                "files",
                "BANTER_S3_ACCESS_KEY",
                "AKIDSECRETID",
                "BANTER_S3_SECRET_KEY",
                "very-secret-key",
                "BANTER_S3_ENDPOINT",
                "http://minio:9000"));
    assertThat(c.s3().orElseThrow().bucket()).isEqualTo("files");
    assertThat(c.s3().orElseThrow().region()).isEqualTo("us-east-1");
    assertThat(c.toString())
        .contains("files")
        .doesNotContain("AKIDSECRETID")
        .doesNotContain("very-secret-key");
    assertThat(load(Map.of()).s3()).isEmpty();
  }

  @Test
  void tlsNeedsBothFiles() {
    assertThatThrownBy(() -> load(Map.of("BANTER_TLS_KEY", "/nonexistent/key.pem")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("BANTER_TLS_CERT");
  }

  @Test
  void secretsNeverAppearInTheConfigText() {
    Config c =
        load(
            Map.of(
                "BANTER_DATABASE_URL", "postgresql://bob:hunter2-db@db:5432/chat",
                "BANTER_JWT_SECRET", "jwt-hmac-value-that-is-long-enough-42",
                "BANTER_REDIS_URL", "redis://:redis-pass@cache:6379",
                "BANTER_S3_ACCESS_KEY", "AKIDLOGGEDNOWHERE",
                "BANTER_S3_SECRET_KEY", "s3-key-logged-nowhere",
                "BANTER_SMTP_URL", "smtps://mailer:smtp-pass@mail.example:465",
                "BANTER_OIDC_CLIENT_SECRET", "oidc-client-logged-nowhere"));
    assertThat(c.toString())
        .doesNotContain("hunter2-db")
        .doesNotContain("jwt-hmac-value")
        .doesNotContain("redis-pass")
        .doesNotContain("AKIDLOGGEDNOWHERE")
        .doesNotContain("s3-key-logged")
        .doesNotContain("smtp-pass")
        .doesNotContain("oidc-client-logged")
        .contains("BANTER_DATABASE_URL=postgresql://bob:****@db:5432/chat")
        .contains("BANTER_REDIS_URL=redis://:****@cache:6379")
        .contains("BANTER_SMTP_URL=smtps://mailer:****@mail.example:465")
        .contains("BANTER_OIDC_CLIENT_SECRET=****");
    assertThat(c.database().orElseThrow().toString()).doesNotContain("hunter2-db");
  }

  @Test
  void everyBadSettingIsReportedAtOnceOneLineEach() {
    Map<String, String> vars = new HashMap<>();
    vars.put("BANTER_PORT", "abc");
    vars.put("BANTER_LOG_LEVEL", "loud");
    vars.put("BANTER_PUBLIC_URL", "chat.example.com");
    vars.put("BANTER_WS_PER_IP", "-1");
    vars.put("BANTER_JWT_SECRET", "CHANGE-ME-to-at-least-32-random-bytes");
    vars.put("BANTER_SHUTDOWN_DRAIN", "10s"); // fine: not reported
    assertThatThrownBy(() -> load(vars))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .hasSize(5)
                    .anySatisfy(p -> assertThat(p).startsWith("BANTER_PORT: "))
                    .anySatisfy(p -> assertThat(p).startsWith("BANTER_LOG_LEVEL: "))
                    .anySatisfy(p -> assertThat(p).startsWith("BANTER_PUBLIC_URL: "))
                    .anySatisfy(p -> assertThat(p).startsWith("BANTER_WS_PER_IP: "))
                    .anySatisfy(p -> assertThat(p).startsWith("BANTER_JWT_SECRET: "))
                    .allSatisfy(p -> assertThat(p).doesNotContain("\n")));
  }

  @Test
  void aBadValueDoesNotAlsoFailTheChecksThatCombineItWithOthers() {
    Map<String, String> vars = new HashMap<>();
    vars.put("BANTER_DATABASE_URL", "mysql://x/y");
    vars.put("BANTER_REDIS_URL", "redis://cache:6379");
    assertThatThrownBy(() -> load(vars))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .singleElement()
                    .asString()
                    .startsWith("BANTER_DATABASE_URL: "));
  }

  @Test
  void thePublicUrlIsTheDefaultAllowedOriginAndTheBaseOfLinks() {
    Config c = load(Map.of("BANTER_PUBLIC_URL", "https://chat.example.com"));
    assertThat(c.publicUrl()).contains("https://chat.example.com");
    assertThat(c.allowedOrigins()).containsExactly("https://chat.example.com");
    assertThat(load(Map.of("BANTER_PUBLIC_URL", "http://[::1]:8080/")).publicUrl())
        .contains("http://[::1]:8080");
    Config both =
        load(
            Map.of(
                "BANTER_PUBLIC_URL",
                "https://chat.example.com",
                "BANTER_ALLOWED_ORIGINS",
                "https://other.example"));
    assertThat(both.allowedOrigins()).containsExactly("https://other.example");
    assertThat(both.publicUrl()).contains("https://chat.example.com");
  }

  @Test
  void unknownBanterVariablesAreWarnedAboutByNameWithTheLikelyOne() {
    Map<String, String> vars = new HashMap<>();
    vars.put("BANTER_PROT", "9000");
    vars.put("BANTER_JWT_SECERT", "x");
    vars.put("BANTER_ALLOWED_ORIGIN", "https://chat.example");
    vars.put("BANTER_FROBNICATE", "yes");
    vars.put("BANTER_CONFIG", "/etc/banter.yaml"); // read by the command line
    vars.put("PATH", "/usr/bin"); // not ours
    assertThat(load(vars).warnings())
        .containsExactly(
            "BANTER_ALLOWED_ORIGIN: not a Banter setting, ignored (did you mean BANTER_ALLOWED_ORIGINS?)",
            "BANTER_FROBNICATE: not a Banter setting, ignored",
            "BANTER_JWT_SECERT: not a Banter setting, ignored (did you mean BANTER_JWT_SECRET?)",
            "BANTER_PROT: not a Banter setting, ignored (did you mean BANTER_PORT?)");
  }
}
