package dev.banter.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Backend;
import dev.banter.support.Memory;
import dev.banter.support.RawHttp;
import dev.banter.support.TestServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Clients that send requests and never read the answers: the server stops reading them once their
 * answers back up, so what it holds for them stays small, and everyone else is served.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NonReadingClientsTest {
  /**
   * What the attacks may add to the server's memory; without back-pressure they held hundreds of
   * MiB.
   */
  private static final long BOUND_MIB = 40;

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  TestServer server;
  Api api;
  Account alice;

  @BeforeAll
  void start() {
    server = TestServer.start(Backend.SQLITE);
    api = server.api();
    alice = api.register("alice");
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void twentyClientsPipeliningMetricsWithoutReadingHoldLittleAndOthersAreStillServed()
      throws Exception {
    for (int i = 0; i < 200; i++) { // warm: a cold server falls behind even a polite pace
      assertThat(api.get("/metrics", null).status()).isEqualTo(200);
    }
    long before = Memory.usedMiB();
    long baseline = openConnections();
    long answeredBefore = requests("/metrics") + requests("/health");
    List<RawHttp> attackers = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        RawHttp a = RawHttp.connect(null, server.port(), 4096);
        a.pipelineInBackground(
            RawHttp.get("/metrics") + RawHttp.get("/health"), 200, 1, Duration.ofMillis(200));
        attackers.add(a);
      }
      awaitNoMoreProgress(() -> requests("/metrics") + requests("/health"), answeredBefore + 8_000);
      long held = Memory.usedMiB() - before;
      System.out.printf(
          "20 non-reading /metrics pipeliners: %d of 8,000 answered, memory +%d MiB%n",
          requests("/metrics") + requests("/health") - answeredBefore, held);
      assertThat(held).isLessThan(BOUND_MIB);
      assertThat(openConnections())
          .as("the attackers are still connected")
          .isBetween(20L, baseline + 20);
      long started = System.nanoTime();
      try (RawHttp other = RawHttp.connect(server.port())) {
        other.send("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(other.read().status()).isEqualTo(200);
      }
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .as("another client's wait")
          .isLessThan(Duration.ofSeconds(2));
    } finally {
      for (RawHttp a : attackers) {
        a.close();
      }
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> openConnections() <= baseline);
  }

  @Test
  void sixtyPipelinedDownloadsOnOneConnectionThatNeverReadsHoldLittleAndEndWhenItLeaves()
      throws Exception {
    byte[] file = new byte[1 << 20];
    new Random(7).nextBytes(file);
    String id = upload(alice, file);
    String path = "/api/v1/uploads/" + id;
    assertThat(download(path)).isEqualTo(file);
    long before = Memory.usedMiB();
    long answered = requests("/api/v1/uploads/{id}");
    try (RawHttp attacker = RawHttp.connect(null, server.port(), 4096)) {
      attacker.pipelineInBackground(RawHttp.get(path, alice.accessToken()), 60, 60, Duration.ZERO);
      awaitNoMoreProgress(() -> requests("/api/v1/uploads/{id}"), answered + 60);
      long held = Memory.usedMiB() - before;
      System.out.printf(
          "60 pipelined 1 MiB downloads, never read: %d finished, memory +%d MiB%n",
          requests("/api/v1/uploads/{id}") - answered, held);
      assertThat(held).isLessThan(BOUND_MIB);
      // one download parked until the client reads, the rest of what was read waiting behind it
      assertThat(inFlight()).isBetween(1L, (long) Backpressure.MAX_PENDING);
      assertThat(download(path)).as("another client meanwhile").isEqualTo(file);
    }
    // the client went away mid-download: the file is closed and the thread that sent it is done
    await().atMost(Duration.ofSeconds(10)).until(() -> inFlight() == 0);
  }

  @Test
  void aDownloadArrivesWholeInChunksWithItsHeadersAndHeadAnswersItsLength() throws Exception {
    byte[] file = new byte[300_000];
    new Random(3).nextBytes(file);
    String path = "/api/v1/uploads/" + upload(alice, file);
    HttpResponse<byte[]> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Authorization", "Bearer " + alice.accessToken())
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(file);
    assertThat(r.headers().firstValue("Content-Length")).contains("300000");
    assertThat(r.headers().firstValue("Content-Type")).contains("application/octet-stream");
    assertThat(r.headers().firstValue("Content-Disposition").orElseThrow())
        .startsWith("attachment; filename=\"blob.bin\"");
    assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("sandbox");
    assertThat(r.headers().firstValue("Cache-Control")).contains("private, max-age=3600");
    assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(r.headers().firstValue("X-Request-Id")).isPresent();
    try (RawHttp raw = RawHttp.connect(server.port())) {
      raw.send(
          "HEAD "
              + path
              + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
              + alice.accessToken()
              + "\r\n\r\n"
              + RawHttp.get("/health"));
      RawHttp.Reply head = raw.readHead();
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.headers().get("content-length")).isEqualTo("300000");
      assertThat(raw.read().text())
          .as("the next answer follows the head, no body between")
          .contains("\"status\"");
    }
  }

  private String upload(Account who, byte[] content) throws Exception {
    String boundary = "----banter" + System.nanoTime();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"blob.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.write(content);
    body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/uploads"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Authorization", "Bearer " + who.accessToken())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return JSON.readTree(r.body()).get("id").asText();
  }

  private byte[] download(String path) throws Exception {
    HttpResponse<byte[]> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + alice.accessToken())
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private MeterRegistry registry() {
    return server.banter().metrics().registry();
  }

  /** Requests of a route answered so far. */
  private long requests(String route) {
    return registry().find("banter_http_requests").tag("route", route).timers().stream()
        .mapToLong(Timer::count)
        .sum();
  }

  private long openConnections() {
    return (long) registry().get("banter_http_connections").gauge().value();
  }

  private long inFlight() {
    return (long) registry().get("banter_http_requests_in_flight").gauge().value();
  }

  /**
   * Waits until {@code progress} has not moved for two seconds (the server does all it will for the
   * attackers) or reached {@code all} (it did everything they asked).
   */
  private static void awaitNoMoreProgress(LongSupplier progress, long all) {
    AtomicLong last = new AtomicLong(-1);
    AtomicLong since = new AtomicLong(System.nanoTime());
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              long now = progress.getAsLong();
              if (now != last.getAndSet(now)) {
                since.set(System.nanoTime());
              }
              return now >= all
                  || System.nanoTime() - since.get() > Duration.ofSeconds(2).toNanos();
            });
  }
}
