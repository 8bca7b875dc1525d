package dev.banter.uploads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Api.Reply;
import dev.banter.support.Backend;
import dev.banter.support.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each user may upload so many bytes in any 24 hours (past it 429, with when to retry) and keep so
 * many stored (past it 413); guests may not upload unless the operator allows some. What counts is
 * what arrived, and two uploads at once cannot both slip under the quota.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UploadQuotaTest {
  private static final int DAILY = 100_000;
  private static final int TOTAL = 150_000;
  private static final Map<String, String> QUOTAS =
      Map.of(
          "BANTER_UPLOAD_MAX_BYTES",
          "200000",
          "BANTER_UPLOAD_QUOTA_DAILY",
          String.valueOf(DAILY),
          "BANTER_UPLOAD_QUOTA_TOTAL",
          String.valueOf(TOTAL),
          "BANTER_GUEST_ACCESS",
          "true");
  TestServer server;
  Api api;

  @BeforeAll
  void start() {
    server = TestServer.start(Backend.SQLITE, QUOTAS);
    api = server.api();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private Reply upload(TestServer on, Account who, int bytes) {
    return Multipart.upload(on.baseUrl(), who, "file.bin", new byte[bytes]);
  }

  private String uploaded(Account who, int bytes) {
    Reply r = upload(server, who, bytes);
    assertThat(r.status()).as("%s", r.json()).isEqualTo(201);
    return r.json().get("id").asText();
  }

  /** Makes an upload look {@code age} old, posted in a room so that it is kept (not an orphan). */
  private void age(Account who, String uploadId, Duration age) {
    String room = api.createRoom(who, "private");
    Api.expect(
        api.post(
            "/api/v1/rooms/" + room + "/messages",
            Map.of("body", "file", "attachments", List.of(uploadId)),
            who.accessToken()),
        201);
    server
        .db()
        .useHandle(
            h ->
                h.createUpdate("UPDATE uploads SET created_at = :t WHERE id = :id")
                    .bind("t", System.currentTimeMillis() - age.toMillis())
                    .bind("id", uploadId)
                    .execute());
  }

  private long storedFiles(TestServer on) throws IOException {
    Path dir = on.dataDir().resolve("uploads");
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  private void nothingLeftIn(TestServer on) {
    await().atMost(Duration.ofSeconds(10)).until(() -> AbortedUploadsTest.incoming(on).isEmpty());
  }

  @Test
  void anUploadPastTheDailyQuotaIs429WithRetryAfterAndStoresNothing() throws Exception {
    Account carol = api.register("carol");
    uploaded(carol, 60_000);
    long rows = server.count("uploads");
    long files = storedFiles(server);

    Reply r = upload(server, carol, 60_000);

    assertThat(r.status()).isEqualTo(429);
    assertThat(r.errorCode()).isEqualTo("rate_limited");
    assertThat(r.json().at("/error/message").asText()).contains("daily upload quota");
    long retry = r.json().at("/error/details/retry_after_ms").asLong();
    assertThat(retry).isBetween(Duration.ofHours(23).toMillis(), Duration.ofHours(24).toMillis());
    assertThat(r.header("Retry-After")).isNotNull();
    assertThat(server.count("uploads")).isEqualTo(rows);
    assertThat(storedFiles(server)).isEqualTo(files);
    nothingLeftIn(server);
    uploaded(carol, 30_000); // what is left of the day still fits
  }

  @Test
  void retryAfterSaysWhenEnoughOfTheDayAgesOut() {
    Account dave = api.register("dave");
    age(dave, uploaded(dave, 60_000), Duration.ofHours(24).minusMinutes(1));

    Reply r = upload(server, dave, 60_000);

    assertThat(r.status()).isEqualTo(429);
    assertThat(r.json().at("/error/details/retry_after_ms").asLong())
        .isBetween(Duration.ofSeconds(50).toMillis(), Duration.ofMinutes(1).toMillis());
  }

  @Test
  void anUploadPastTheStoredTotalIs413AndStoresNothing() throws Exception {
    Account erin = api.register("erin");
    age(erin, uploaded(erin, 60_000), Duration.ofDays(3));
    age(erin, uploaded(erin, 60_000), Duration.ofDays(2)); // 120 000 stored, none of it today
    long rows = server.count("uploads");
    long files = storedFiles(server);

    Reply r = upload(server, erin, 60_000);

    assertThat(r.status()).isEqualTo(413);
    assertThat(r.errorCode()).isEqualTo("payload_too_large");
    assertThat(r.json().at("/error/message").asText()).contains("storage quota");
    assertThat(r.json().at("/error/details/used_bytes").asLong()).isEqualTo(120_000);
    assertThat(server.count("uploads")).isEqualTo(rows);
    assertThat(storedFiles(server)).isEqualTo(files);
    nothingLeftIn(server);
    uploaded(erin, 20_000);
  }

  @Test
  void aChunkedBodyCannotCarryMoreThanWhatIsLeftOfTheDay() throws Exception {
    Account frank = api.register("frank");
    uploaded(frank, 60_000);
    long rows = server.count("uploads");
    try (RawUpload u = new RawUpload(server.port(), frank.accessToken(), null)) {
      for (int i = 0; i < 8; i++) {
        u.send(new byte[16_384]); // 128 KiB with no declared length; 40 000 bytes are left today
      }
      u.send(Multipart.epilogue());
      u.send(new byte[0]);
      RawUpload.Answer answer = u.read();
      assertThat(answer.status()).isEqualTo(429);
      assertThat(answer.json().at("/error/details/retry_after_ms").asLong()).isPositive();
    }
    assertThat(server.count("uploads")).isEqualTo(rows);
    nothingLeftIn(server);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void parallelUploadsCannotTogetherPassTheQuota(Backend backend) throws Exception {
    try (TestServer on = TestServer.start(backend, QUOTAS);
        ExecutorService pool = Executors.newFixedThreadPool(6)) {
      Account grace = on.api().register("grace");
      // Each fits alone, any two do not: all six pass the check before their bodies are read.
      List<Callable<Reply>> uploads =
          IntStream.range(0, 6)
              .<Callable<Reply>>mapToObj(i -> () -> upload(on, grace, 60_000))
              .toList();
      List<Integer> statuses =
          pool.invokeAll(uploads).stream()
              .map(
                  f -> {
                    try {
                      return f.get().status();
                    } catch (Exception e) {
                      throw new AssertionError(e);
                    }
                  })
              .toList();

      assertThat(statuses).containsOnly(201, 429).containsOnlyOnce(201);
      long stored =
          on.db()
              .withHandle(
                  h ->
                      h.createQuery(
                              "SELECT COALESCE(SUM(size), 0) FROM uploads WHERE uploader_id = :u")
                          .bind("u", grace.id())
                          .mapTo(Long.class)
                          .one());
      assertThat(stored).isEqualTo(60_000);
      assertThat(storedFiles(on)).isEqualTo(1);
      nothingLeftIn(on);
    }
  }

  @Test
  void guestsCannotUploadUnlessTheOperatorAllowsIt() throws Exception {
    Reply g = api.post("/api/v1/auth/guest", Map.of("username", Api.uniqueName("guest")), null);
    Account guest = Api.account(Api.expect(g, 201), null);
    long rows = server.count("uploads");

    Reply r = upload(server, guest, 1_000);

    assertThat(r.status()).isEqualTo(403);
    assertThat(r.errorCode()).isEqualTo("forbidden");
    assertThat(r.json().at("/error/message").asText()).contains("guests");
    assertThat(server.count("uploads")).isEqualTo(rows);
    nothingLeftIn(server);
  }

  @Test
  void guestsHaveTheirOwnDailyQuotaWhenOneIsSet() {
    Map<String, String> env = new HashMap<>(QUOTAS);
    env.put("BANTER_GUEST_UPLOAD_QUOTA_DAILY", "50000");
    try (TestServer on = TestServer.start(Backend.SQLITE, env)) {
      Reply g =
          on.api().post("/api/v1/auth/guest", Map.of("username", Api.uniqueName("guest")), null);
      Account guest = Api.account(Api.expect(g, 201), null);
      Account user = on.api().register("henry");

      assertThat(upload(on, guest, 30_000).status()).isEqualTo(201);
      assertThat(upload(on, guest, 30_000).status()).isEqualTo(429);
      assertThat(upload(on, user, 60_000).status())
          .isEqualTo(201); // a registered user's day is larger
    }
  }
}
