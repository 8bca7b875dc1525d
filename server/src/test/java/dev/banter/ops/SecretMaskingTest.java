package dev.banter.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.banter.config.Setting;
import dev.banter.support.Api;
import dev.banter.support.BanterCommand;
import dev.banter.support.BanterCommand.Outcome;
import dev.banter.support.NodeProcess;
import dev.banter.support.Postgres;
import dev.banter.support.Redis;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every secret setting (the {@code secret} flag of {@link Setting}) is masked wherever the real
 * process shows configuration: {@code --print-config}, {@code --help}, and the log of a start that
 * fails and of one that runs. Each run has every secret set to a value of its own, and the outputs
 * are grepped for all of them.
 */
class SecretMaskingTest {
  private static final String JWT = "hXq8Rw2TzL5vN9bK3mC7pF1yJ6dG4sA0eU";
  private static final String S3_ACCESS = "AKIAMASKEDEVERYWHERE7";
  private static final String S3_SECRET = "wJalrMaskedS3SecretKeyEverywhere7";
  private static final String SMTP_PASS = "smtp-pass-masked-7";
  private static final String OIDC = "oidc-client-masked-7";
  private static final String DB_PASS = "db-pass-masked-7";
  private static final String REDIS_PASS = "redis-pass-masked-7";
  private static final List<String> SECRETS =
      List.of(JWT, S3_ACCESS, S3_SECRET, SMTP_PASS, OIDC, DB_PASS, REDIS_PASS);

  @TempDir Path dir;

  /** Every secret setting set; the URLs point at {@code database} and {@code redis}. */
  private Map<String, String> secrets(String database, String redis) {
    Map<String, String> env = new HashMap<>();
    env.put("BANTER_DATA_DIR", dir.resolve("data").toString());
    env.put("BANTER_HOST", "127.0.0.1");
    env.put("BANTER_PORT", "0");
    env.put("BANTER_JWT_SECRET", JWT);
    env.put("BANTER_S3_ACCESS_KEY", S3_ACCESS); // no bucket: read, shown, never used
    env.put("BANTER_S3_SECRET_KEY", S3_SECRET);
    env.put("BANTER_SMTP_URL", "smtp://mailer:" + SMTP_PASS + "@127.0.0.1:2525");
    env.put("BANTER_OIDC_CLIENT_SECRET", OIDC);
    env.put("BANTER_DATABASE_URL", database);
    env.put("BANTER_REDIS_URL", redis);
    return env;
  }

  private Map<String, String> unreachable() {
    return secrets(
        "postgresql://banter:" + DB_PASS + "@127.0.0.1:" + NodeProcess.freePort() + "/banter",
        "redis://:" + REDIS_PASS + "@127.0.0.1:" + NodeProcess.freePort());
  }

  private static void holdsNoSecret(String output) {
    for (String secret : SECRETS) {
      assertThat(output).as("the output must not contain a secret").doesNotContain(secret);
    }
  }

  @Test
  void printConfigMasksEverySecretAndShowsTheRest() {
    Outcome o = BanterCommand.run(unreachable(), "--print-config");
    assertThat(o.code()).as(o.err()).isZero();
    holdsNoSecret(o.all());
    assertThat(o.out())
        .contains("BANTER_JWT_SECRET=****\n")
        .contains("BANTER_S3_ACCESS_KEY=****\n")
        .contains("BANTER_S3_SECRET_KEY=****\n")
        .contains("BANTER_OIDC_CLIENT_SECRET=****\n")
        .contains("BANTER_SMTP_URL=smtp://mailer:****@127.0.0.1:2525\n")
        .containsPattern(
            "BANTER_DATABASE_URL=postgresql://banter:\\*\\*\\*\\*@127.0.0.1:\\d+/banter\n")
        .containsPattern("BANTER_REDIS_URL=redis://:\\*\\*\\*\\*@127.0.0.1:\\d+\n")
        .contains("BANTER_HOST=127.0.0.1\n");
  }

  @Test
  void helpShowsNoValueAndMarksEverySecretSetting() {
    Outcome o = BanterCommand.run(unreachable(), "--help");
    assertThat(o.code()).isZero();
    holdsNoSecret(o.all());
    for (Setting s : Setting.values()) {
      String line =
          o.out()
              .lines()
              .filter(l -> l.startsWith("  " + s.variable + " "))
              .findFirst()
              .orElseThrow();
      if (s.secret) {
        assertThat(line).as(s.variable).contains("[secret: never shown]");
      } else {
        assertThat(line).as(s.variable).doesNotContain("secret: never shown");
      }
    }
  }

  @Test
  void aStartThatFailsLogsItsConfigurationMaskedAndNoSecret() {
    Map<String, String> env = unreachable();
    env.put("BANTER_LOG_FORMAT", "json");
    env.put("BANTER_LOG_LEVEL", "debug");
    Outcome o = BanterCommand.run(env);
    assertThat(o.code()).as(o.all()).isEqualTo(1); // storage unreachable
    assertThat(o.out()).contains("starting with").contains("BANTER_JWT_SECRET=****");
    assertThat(o.err()).contains("start-up failed");
    holdsNoSecret(o.all());
  }

  /**
   * PostgreSQL trusts local connections, so the password in its URL is not checked but is handed to
   * the driver all the same; Redis here requires its password.
   */
  @Test
  void aRunningServerLogsNoSecretEvenAtTraceLevel() {
    String database = Postgres.createDatabase();
    try (Redis redis = Redis.startPrivate(REDIS_PASS)) {
      Map<String, String> env =
          secrets(
              database.replace(
                  "postgresql://" + Postgres.USER + "@",
                  "postgresql://" + Postgres.USER + ":" + DB_PASS + "@"),
              redis.url());
      env.remove("BANTER_PORT"); // NodeProcess picks one
      env.remove("BANTER_DATA_DIR");
      env.put("BANTER_LOG_FORMAT", "json");
      env.put("BANTER_LOG_LEVEL", "trace");
      String log;
      try (NodeProcess node = NodeProcess.start("masked", dir, env)) {
        Api api = node.api();
        assertThat(api.get("/ready", null).status()).as(node.log()).isEqualTo(200);
        Api.Account a = api.register("masked");
        api.say(a, api.createRoom(a, "public"), "through PostgreSQL and Redis");
        Awaitility.await().until(() -> node.log().contains("starting with"));
        log = node.log();
      }
      assertThat(log)
          .contains("BANTER_JWT_SECRET=****")
          .contains("BANTER_REDIS_URL=redis://:****@127.0.0.1");
      holdsNoSecret(log);
    } finally {
      Postgres.dropDatabase(database);
    }
  }
}
