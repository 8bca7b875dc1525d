package dev.banter.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.banter.config.ConfigException;
import dev.banter.config.ConfigLoader;
import dev.banter.support.Backend;
import dev.banter.support.RawHttp;
import dev.banter.support.RawHttp.Reply;
import dev.banter.support.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Who may read {@code /metrics} (SPEC §11). With BANTER_METRICS_PORT it has a listener of its own
 * that serves it to whoever reaches that port; on the main port, set or not, it answers only a
 * loopback or trusted-proxy peer speaking for itself, anyone else 403.
 *
 * <p>How an outside peer is made here, where every socket is on loopback: the servers trust
 * 127.0.0.1 and 198.51.100.0/24 and take the PROXY protocol from trusted peers, and the test
 * connects from 127.0.0.1 with a PROXY header naming the peer it plays (203.0.113.7 outside,
 * 198.51.100.9 a trusted proxy such as a Prometheus in the cluster network). That is the peer the
 * server then sees, exactly as behind a TCP load balancer; a client on 127.0.0.2 (trusted for
 * nothing) is a real loopback peer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsAccessTest {
  private static final String OUTSIDER = "203.0.113.7";
  private static final String PROMETHEUS = "198.51.100.9";
  private static final Map<String, String> EDGE =
      Map.of(
          "BANTER_TRUSTED_PROXIES", "127.0.0.1, 198.51.100.0/24", "BANTER_PROXY_PROTOCOL", "true");

  /** BANTER_METRICS_PORT unset. */
  TestServer mainOnly;

  /** BANTER_METRICS_PORT set (0: a free port). */
  TestServer split;

  @BeforeAll
  void start() {
    mainOnly = TestServer.start(Backend.SQLITE, EDGE);
    Map<String, String> withPort = new HashMap<>(EDGE);
    withPort.put("BANTER_METRICS_PORT", "0");
    split = TestServer.start(Backend.SQLITE, withPort);
  }

  @AfterAll
  void stop() {
    mainOnly.close();
    split.close();
  }

  private List<TestServer> both() {
    return List.of(mainOnly, split);
  }

  @Test
  void theMetricsPortServesMetricsAndNothingElse() throws IOException {
    int port = split.banter().metricsPort().orElseThrow();
    assertThat(port).isNotEqualTo(split.port());
    // from 127.0.0.1, a trusted proxy on the main port, and no PROXY header: this listener has none
    Reply metrics = get(null, port, "/metrics");
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.headers().get("content-type")).startsWith("text/plain");
    assertThat(metrics.text()).contains("banter_ws_connections{");
    assertThat(get(null, port, "/ready").status()).isEqualTo(404);
    assertThat(get(null, port, "/api/v1/rooms").status()).isEqualTo(404);
    assertThat(mainOnly.banter().metricsPort()).isEmpty();
  }

  @Test
  void onTheMainPortALoopbackPeerIsServed() throws IOException {
    for (TestServer s : both()) {
      Reply r = get("127.0.0.2", s.port(), "/metrics");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).contains("banter_ws_connections{");
    }
  }

  @Test
  void onTheMainPortAnOutsidePeerIsRefused() throws IOException {
    for (TestServer s : both()) {
      Reply r = viaProxyProtocol(s, OUTSIDER, "/metrics");
      assertThat(r.status()).isEqualTo(403);
      assertThat(r.text()).contains("\"forbidden\"").doesNotContain("banter_");
      assertThat(viaProxyProtocol(s, OUTSIDER, "/health").status())
          .as("the rest of the server answers that peer")
          .isEqualTo(200);
    }
  }

  @Test
  void onTheMainPortATrustedProxyScrapingForItselfIsServed() throws IOException {
    for (TestServer s : both()) {
      Reply r = viaProxyProtocol(s, PROMETHEUS, "/metrics");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).contains("banter_ws_connections{");
    }
  }

  @Test
  void onTheMainPortAForwardingHeaderNeverLetsSomeoneIn() throws IOException {
    for (TestServer s : both()) {
      assertThat(viaProxyProtocol(s, OUTSIDER, "/metrics", "X-Forwarded-For: 127.0.0.1").status())
          .as("an outsider's own header naming loopback")
          .isEqualTo(403);
      assertThat(
              viaProxyProtocol(s, PROMETHEUS, "/metrics", "X-Forwarded-For: " + OUTSIDER).status())
          .as("a trusted proxy passing on an outsider's request")
          .isEqualTo(403);
      assertThat(viaProxyProtocol(s, PROMETHEUS, "/metrics", "Forwarded: for=127.0.0.1").status())
          .as("a trusted proxy naming a loopback client: the peer decides, not the header")
          .isEqualTo(403);
    }
  }

  @Test
  void theMetricsPortMustDifferFromTheMainPort() {
    assertThatThrownBy(
            () ->
                new ConfigLoader(
                        Map.of("BANTER_PORT", "9100", "BANTER_METRICS_PORT", "9100"), false)
                    .load())
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("BANTER_METRICS_PORT: ");
  }

  // ---- plumbing ----

  private static Reply get(String from, int port, String path, String... headers)
      throws IOException {
    try (RawHttp c = RawHttp.connect(from, port, 0)) {
      c.send(request(path, headers));
      return c.read();
    }
  }

  /** A request over a connection from 127.0.0.1 whose PROXY header names {@code peer}. */
  private static Reply viaProxyProtocol(TestServer s, String peer, String path, String... headers)
      throws IOException {
    try (RawHttp c = RawHttp.connect("127.0.0.1", s.port(), 0)) {
      c.send(
          ("PROXY TCP4 " + peer + " 127.0.0.1 40000 " + s.port() + "\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      c.send(request(path, headers));
      return c.read();
    }
  }

  private static String request(String path, String... headers) {
    StringBuilder b = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (String h : headers) {
      b.append(h).append("\r\n");
    }
    return b.append("\r\n").toString();
  }
}
