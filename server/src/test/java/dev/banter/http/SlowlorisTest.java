package dev.banter.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.banter.core.Metrics;
import dev.banter.core.RateLimiter;
import dev.banter.support.RawHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Clients that send slowly on purpose: a request head has {@link #DEADLINE} from its first byte, a
 * JSON body as long again plus a second per KiB; whoever misses that is closed, whoever keeps
 * sending is served.
 */
class SlowlorisTest {
  private static final Duration DEADLINE = Duration.ofSeconds(1);

  /** For a thousand connections, which take a while to open one after the other. */
  private static final Duration LONGER_DEADLINE = Duration.ofSeconds(4);

  private static final String HALF_A_HEAD = "GET /ok HTTP/1.1\r\nHost: x\r\nX-Slow: ";
  private final ExecutorService blocking = Executors.newVirtualThreadPerTaskExecutor();
  private final Metrics metrics = new Metrics("test");
  private HttpServer server;

  private void start(int connectionsPerIp) throws InterruptedException {
    start(connectionsPerIp, DEADLINE);
  }

  private void start(int connectionsPerIp, Duration deadline) throws InterruptedException {
    Routes routes = new Routes();
    routes.get("/ok", req -> Map.of("ok", true)).open();
    routes.post("/echo", req -> Map.of("bytes", req.rawBody().length)).open();
    server =
        HttpServer.start(
            new HttpServer.Listen("127.0.0.1", 0, null),
            new HttpServer.Handlers(
                routes,
                token -> null,
                RateLimiter.perPeriod(100_000, Duration.ofMinutes(1)),
                RateLimiter.perPeriod(100_000, Duration.ofMinutes(1)),
                blocking,
                null,
                null,
                null),
            new HttpServer.Limits(connectionsPerIp, deadline),
            HttpServer.Edge.DIRECT,
            metrics);
  }

  @AfterEach
  void stop() {
    server.close();
    blocking.shutdownNow();
  }

  @Test
  void aHeadNotFinishedByTheDeadlineGetsA408AndIsClosed() throws Exception {
    start(0);
    try (RawHttp slow = RawHttp.connect(server.port())) {
      slow.send(HALF_A_HEAD);
      long started = System.nanoTime();
      RawHttp.Reply r = slow.read();
      assertThat(r.status()).isEqualTo(408);
      assertThat(r.text()).contains("\"code\":\"request_timeout\"");
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isGreaterThan(DEADLINE.minusMillis(200));
      assertThat(slow.closedByServer(Duration.ofSeconds(2))).isTrue();
    }
    assertThat(
            metrics
                .registry()
                .get("banter_http_refused")
                .tag("reason", "header_timeout")
                .counter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void aConnectionThatNeverSendsAnythingIsClosedByTheDeadline() throws Exception {
    start(0);
    try (RawHttp silent = RawHttp.connect(server.port())) {
      assertThat(silent.closedByServer(DEADLINE.multipliedBy(3))).isTrue();
    }
  }

  @Test
  void aSlowButSteadyClientIsServed() throws Exception {
    start(0);
    byte[] body = ("{\"text\":\"" + "x".repeat(3000) + "\"}").getBytes(StandardCharsets.UTF_8);
    try (RawHttp steady = RawHttp.connect(server.port())) {
      for (String piece :
          List.of(
              "POST /echo HTTP/1.1\r\n",
              "Host: x\r\n",
              "Content-Type: application/json\r\n",
              "Content-Length: " + body.length + "\r\n\r\n")) {
        steady.send(piece);
        Thread.sleep(150); // the client's pace: the head takes 0.6 s of the 1 s it has
      }
      // 3 KiB over 2 s: longer than the deadline alone, well within what 3 KiB earns at 1 KiB/s
      for (int at = 0; at < body.length; at += 300) {
        steady.send(Arrays.copyOfRange(body, at, Math.min(body.length, at + 300)));
        Thread.sleep(200); // the client's pace
      }
      RawHttp.Reply r = steady.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("{\"bytes\":" + body.length + "}");
    }
  }

  @Test
  void aBodyThatStopsComingGetsA408AndIsClosed() throws Exception {
    start(0);
    try (RawHttp stalled = RawHttp.connect(server.port())) {
      stalled.send(
          "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":");
      RawHttp.Reply r = stalled.read();
      assertThat(r.status()).isEqualTo(408);
      assertThat(r.text()).contains("request body took too long");
      assertThat(stalled.closedByServer(Duration.ofSeconds(2))).isTrue();
    }
    assertThat(
            metrics
                .registry()
                .get("banter_http_refused")
                .tag("reason", "body_timeout")
                .counter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void anIdleKeepAliveConnectionIsNotAHalfSentRequest() throws Exception {
    start(0);
    try (RawHttp polite = RawHttp.connect(server.port())) {
      polite.send(RawHttp.get("/ok"));
      assertThat(polite.read().status()).isEqualTo(200);
      assertThat(polite.closedByServer(DEADLINE.multipliedBy(2))).as("closed while idle").isFalse();
      polite.send(RawHttp.get("/ok"));
      assertThat(polite.read().status()).isEqualTo(200);
    }
  }

  @Test
  void aThousandHalfSentHeadsFromOneAddressAreAllClosedByTheDeadline() throws Exception {
    start(0, LONGER_DEADLINE); // no cap: the deadline alone
    int baseline = server.openConnections();
    List<RawHttp> slow = halfSentHeads(1000);
    try {
      assertThat(server.openConnections()).isEqualTo(baseline + 1000);
      assertServedMeanwhile();
      await()
          .atMost(LONGER_DEADLINE.multipliedBy(3))
          .until(() -> server.openConnections() == baseline);
      for (RawHttp s : slow) {
        assertThat(s.closedByServer(Duration.ofSeconds(1))).isTrue();
      }
    } finally {
      closeAll(slow);
    }
  }

  @Test
  void withTheConnectionCapMostOfAThousandHalfSentHeadsAreRefusedAtOnce() throws Exception {
    start(64, LONGER_DEADLINE);
    int baseline = server.openConnections();
    List<RawHttp> slow = halfSentHeads(1000);
    try {
      assertThat(server.openConnections()).isEqualTo(baseline + 64);
      assertThat(
              metrics
                  .registry()
                  .get("banter_http_refused")
                  .tag("reason", "connections_per_ip")
                  .counter()
                  .count())
          .isEqualTo(1000 - 64);
      RawHttp.Reply refused = slow.get(999).read();
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.text()).contains("\"code\":\"unavailable\"").contains("\"limit\":64");
      try (RawHttp other = RawHttp.connect("127.0.0.2", server.port(), 0)) {
        other.send(RawHttp.get("/ok"));
        assertThat(other.read().status()).as("another address").isEqualTo(200);
      }
      await()
          .atMost(LONGER_DEADLINE.multipliedBy(3))
          .until(() -> server.openConnections() == baseline);
      for (RawHttp s : slow) {
        assertThat(s.closedByServer(Duration.ofSeconds(1))).isTrue();
      }
    } finally {
      closeAll(slow);
    }
  }

  /** Connections that each send half a request head and then nothing. */
  private List<RawHttp> halfSentHeads(int n) throws IOException {
    List<RawHttp> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      RawHttp c = RawHttp.connect(server.port());
      c.send(HALF_A_HEAD);
      out.add(c);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() + refused() >= n);
    return out;
  }

  private long refused() {
    var c =
        metrics
            .registry()
            .find("banter_http_refused")
            .tag("reason", "connections_per_ip")
            .counter();
    return c == null ? 0 : (long) c.count();
  }

  private void assertServedMeanwhile() throws IOException {
    try (RawHttp other = RawHttp.connect(server.port())) {
      other.send(RawHttp.get("/ok"));
      assertThat(other.read().status()).isEqualTo(200);
    }
  }

  private static void closeAll(List<RawHttp> connections) throws IOException {
    for (RawHttp c : connections) {
      c.close();
    }
  }
}
