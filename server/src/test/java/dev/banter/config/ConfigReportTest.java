package dev.banter.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigReportTest {
  @Test
  void theSecretSettingsAreTheOnesThatHoldCredentials() {
    assertThat(Arrays.stream(Setting.values()).filter(s -> s.secret))
        .containsExactlyInAnyOrder(
            Setting.DATABASE_URL,
            Setting.REDIS_URL,
            Setting.JWT_SECRET,
            Setting.S3_ACCESS_KEY,
            Setting.S3_SECRET_KEY,
            Setting.SMTP_URL,
            Setting.OIDC_CLIENT_SECRET,
            Setting.VAPID_PRIVATE_KEY);
  }

  @Test
  void aWholeSecretIsHiddenWhatever() {
    assertThat(ConfigReport.mask(Setting.JWT_SECRET, "Zq3kP9xL2mV7nB4cR8tW1yH6jF5dS0gA"))
        .isEqualTo("****");
    assertThat(ConfigReport.mask(Setting.S3_SECRET_KEY, "wJalrXUtnFEMI/K7MDENG")).isEqualTo("****");
    assertThat(ConfigReport.mask(Setting.OIDC_CLIENT_SECRET, "x")).isEqualTo("****");
    assertThat(ConfigReport.mask(Setting.JWT_SECRET, "")).isEmpty(); // unset stays visibly unset
  }

  @Test
  void aUrlKeepsAllButItsPassword() {
    assertThat(mask(Setting.DATABASE_URL, "postgresql://bob:hunter2@db:5432/chat"))
        .isEqualTo("postgresql://bob:****@db:5432/chat");
    assertThat(mask(Setting.DATABASE_URL, "postgresql://bob:p@ss:w/rd@db:5432/chat"))
        .as("unescaped, as people write them")
        .isEqualTo("postgresql://bob:****@db:5432/chat");
    assertThat(mask(Setting.DATABASE_URL, "postgresql://bob:un@escaped@db:5432/chat"))
        .isEqualTo("postgresql://bob:****@db:5432/chat");
    assertThat(
            mask(
                Setting.DATABASE_URL,
                "jdbc:postgresql://db:5432/chat?user=bob&password=hunter2&ssl=true"))
        .isEqualTo("jdbc:postgresql://db:5432/chat?user=bob&password=****&ssl=true");
    assertThat(mask(Setting.REDIS_URL, "redis://:redis-pass@cache:6379"))
        .isEqualTo("redis://:****@cache:6379");
    assertThat(mask(Setting.REDIS_URL, "rediss://default:redis-pass@cache:6379/0"))
        .isEqualTo("rediss://default:****@cache:6379/0");
    assertThat(mask(Setting.REDIS_URL, "redis://redis-pass@cache:6379"))
        .as("Redis reads a lone user info as the password")
        .isEqualTo("redis://****@cache:6379");
    assertThat(mask(Setting.REDIS_URL, "redis://cache:6379")).isEqualTo("redis://cache:6379");
    assertThat(mask(Setting.SMTP_URL, "smtps://mailer:smtp-pass@mail.example:465"))
        .isEqualTo("smtps://mailer:****@mail.example:465");
  }

  @Test
  void otherSettingsAreShownAsGiven() {
    assertThat(mask(Setting.PUBLIC_URL, "https://chat.example.com"))
        .isEqualTo("https://chat.example.com");
    assertThat(mask(Setting.S3_ENDPOINT, "http://minio:9000")).isEqualTo("http://minio:9000");
  }

  @Test
  void printConfigAndTheStartUpLineMaskTheSameWay() {
    Map<String, String> vars =
        Map.of(
            "BANTER_DATABASE_URL", "postgresql://bob:hunter2@db:5432/chat",
            "BANTER_S3_SECRET_KEY", "s3-key-shown-nowhere",
            "BANTER_PORT", "9000");
    String printed = ConfigReport.effective(vars);
    assertThat(printed)
        .contains("BANTER_DATABASE_URL=postgresql://bob:****@db:5432/chat\n")
        .contains("BANTER_S3_SECRET_KEY=****\n")
        .contains("BANTER_PORT=9000\n")
        .doesNotContain("hunter2")
        .doesNotContain("s3-key-shown");
    String logged = new ConfigLoader(vars, false).load().toString();
    assertThat(logged)
        .contains("BANTER_DATABASE_URL=postgresql://bob:****@db:5432/chat")
        .contains("BANTER_S3_SECRET_KEY=****")
        .contains("BANTER_PORT=9000")
        .doesNotContain("hunter2")
        .doesNotContain("s3-key-shown")
        .doesNotContain("BANTER_HOST"); // at its default: not worth a log line's room
  }

  private static String mask(Setting s, String value) {
    return ConfigReport.mask(s, value);
  }
}
