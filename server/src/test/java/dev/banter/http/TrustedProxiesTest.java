package dev.banter.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.banter.support.Api.Account;
import dev.banter.support.Backend;
import dev.banter.support.RawHttp;
import dev.banter.support.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * BANTER_TRUSTED_PROXIES: only a trusted peer may name the client, the client is the right-most
 * address that is not a trusted proxy, and every per-address limit counts that client (IPv6 per
 * /64). Loopback addresses play the parts: 127.0.0.1 and 127.0.1.x are trusted proxies, 127.0.0.2–9
 * are clients on the socket. Each test spends the budgets of addresses no other test uses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrustedProxiesTest {
  /** BANTER_HTTP_RATE: /ready answers this many times a minute per client, then 429. */
  private static final int BUDGET = 3;

  private static final int CONNECTIONS = 3;
  TestServer server;
  ListAppender<ILoggingEvent> access;

  @BeforeAll
  void start() {
    server =
        TestServer.start(
            Backend.SQLITE,
            Map.of(
                "BANTER_TRUSTED_PROXIES",
                "127.0.0.1, 127.0.1.0/24, 10.0.0.0/8",
                "BANTER_HTTP_RATE",
                String.valueOf(BUDGET),
                "BANTER_WS_PER_IP",
                "2",
                "BANTER_HTTP_CONNECTIONS_PER_IP",
                String.valueOf(CONNECTIONS)));
    access = new ListAppender<>();
    access.start();
    Logger log = accessLog();
    log.setLevel(Level.INFO); // the tests' root level is WARN
    log.setAdditive(false);
    log.addAppender(access);
  }

  @AfterAll
  void stop() {
    Logger log = accessLog();
    log.detachAppender(access);
    log.setLevel(null);
    log.setAdditive(true);
    server.close();
  }

  private static Logger accessLog() {
    return (Logger) LoggerFactory.getLogger("banter.access");
  }

  @Test
  void headersFromAnUntrustedPeerAreIgnoredAndItsOwnBudgetApplies() throws Exception {
    for (int i = 1; i <= BUDGET; i++) {
      assertThat(
              ready(
                  "127.0.0.2", "X-Forwarded-For: 203.0.113." + i, "Forwarded: for=198.51.100." + i))
          .isEqualTo(200);
    }
    assertThat(ready("127.0.0.2", "X-Forwarded-For: 203.0.113.99")).isEqualTo(429);
    assertThat(ready("127.0.0.2", "Forwarded: for=198.51.100.99")).isEqualTo(429);
    assertThat(ready("127.0.0.3")).isEqualTo(200);
  }

  @Test
  void twoClientsBehindOneTrustedProxyHaveABudgetEach() throws Exception {
    for (int i = 0; i < BUDGET; i++) {
      assertThat(ready("127.0.0.1", "X-Forwarded-For: 203.0.113.10")).isEqualTo(200);
    }
    assertThat(ready("127.0.0.1", "X-Forwarded-For: 203.0.113.10")).isEqualTo(429);
    assertThat(ready("127.0.0.1", "X-Forwarded-For: 203.0.113.11")).isEqualTo(200);
    assertThat(ready("127.0.0.1", "Forwarded: for=203.0.113.12;proto=https")).isEqualTo(200);
  }

  @Test
  void theClientIsTheRightMostAddressThatIsNotATrustedProxy() throws Exception {
    // whatever the client wrote itself is on the left and changes nothing
    for (int i = 0; i < BUDGET; i++) {
      assertThat(
              ready("127.0.0.1", "X-Forwarded-For: 198.51.100." + i + ", 203.0.113.20, 10.1.1.1"))
          .isEqualTo(200);
    }
    assertThat(ready("127.0.0.1", "X-Forwarded-For: 203.0.113.20, 10.9.9.9")).isEqualTo(429);
    assertThat(ready("127.0.0.1", "X-Forwarded-For: 203.0.113.20", "X-Forwarded-For: 10.1.1.1"))
        .isEqualTo(429);
    assertThat(ready("127.0.0.1", "Forwarded: for=203.0.113.20, for=10.1.1.1;proto=https"))
        .isEqualTo(429);
    assertThat(ready("127.0.0.1", "X-Forwarded-For: 203.0.113.20, 10.1.1.1, 198.51.100.5"))
        .isEqualTo(200);
  }

  @Test
  void malformedHeadersAreIgnoredAndCountAgainstTheProxyThatSentThem() throws Exception {
    List<String> malformed =
        List.of(
            "X-Forwarded-For: not-an-ip",
            "X-Forwarded-For: 203.0.113.30, garbage",
            "X-Forwarded-For: 999.0.0.1",
            "X-Forwarded-For: ",
            "X-Forwarded-For: 203.0.113.30:99999",
            "X-Forwarded-For: [203.0.113.30]",
            "X-Forwarded-For: localhost",
            "X-Forwarded-For: fe80::1%eth0",
            "Forwarded: for=unknown",
            "Forwarded: for=_hidden",
            "Forwarded: for=\"[2001:db8::1\"",
            "Forwarded: for",
            "Forwarded: ;;,,=",
            "Forwarded: by=203.0.113.31");
    List<Integer> statuses = new ArrayList<>();
    for (String header : malformed) {
      statuses.add(ready("127.0.1.4", header));
    }
    assertThat(statuses.subList(0, BUDGET)).containsOnly(200);
    assertThat(statuses.subList(BUDGET, statuses.size()))
        .as("all of them spent the proxy's own budget")
        .containsOnly(429);
    assertThat(ready("127.0.1.4", "X-Forwarded-For: 203.0.113.32")).isEqualTo(200);
  }

  @Test
  void whenBothHeadersDisagreeNeitherCounts() throws Exception {
    for (int i = 0; i < BUDGET; i++) {
      assertThat(
              ready(
                  "127.0.1.5",
                  "X-Forwarded-For: 203.0.113.4" + i,
                  "Forwarded: for=198.51.100.4" + i))
          .isEqualTo(200);
    }
    assertThat(ready("127.0.1.5", "X-Forwarded-For: 203.0.113.49", "Forwarded: for=198.51.100.49"))
        .isEqualTo(429);
    assertThat(ready("127.0.1.5", "X-Forwarded-For: 203.0.113.48", "Forwarded: for=203.0.113.48"))
        .isEqualTo(200);
  }

  @Test
  void ipv6ClientsShareABudgetPerSlash64() throws Exception {
    assertThat(ready("127.0.0.1", "X-Forwarded-For: 2001:db8:1:2::1")).isEqualTo(200);
    assertThat(ready("127.0.0.1", "X-Forwarded-For: [2001:db8:1:2::2]:4711")).isEqualTo(200);
    assertThat(ready("127.0.0.1", "Forwarded: for=\"[2001:db8:1:2:ffff:ffff:ffff:ffff]:80\""))
        .isEqualTo(200);
    assertThat(ready("127.0.0.1", "X-Forwarded-For: 2001:db8:1:2:abcd::9")).isEqualTo(429);
    assertThat(ready("127.0.0.1", "X-Forwarded-For: 2001:db8:1:3::1")).isEqualTo(200);
  }

  @Test
  void theWebSocketCapCountsTheForwardedClient() throws Exception {
    List<RawHttp> open = new ArrayList<>();
    try {
      assertThat(upgrade(open, "127.0.0.1", "X-Forwarded-For: 203.0.113.50")).isEqualTo(101);
      assertThat(upgrade(open, "127.0.0.1", "X-Forwarded-For: 203.0.113.50")).isEqualTo(101);
      assertThat(upgrade(open, "127.0.0.1", "X-Forwarded-For: 203.0.113.50")).isEqualTo(429);
      assertThat(upgrade(open, "127.0.0.1", "X-Forwarded-For: 203.0.113.51")).isEqualTo(101);
      assertThat(upgrade(open, "127.0.0.4", "X-Forwarded-For: 203.0.113.52")).isEqualTo(101);
      assertThat(upgrade(open, "127.0.0.4", "X-Forwarded-For: 203.0.113.53")).isEqualTo(101);
      assertThat(upgrade(open, "127.0.0.4", "X-Forwarded-For: 203.0.113.54"))
          .as("spoofing buys nothing")
          .isEqualTo(429);
    } finally {
      for (RawHttp c : open) {
        c.close();
      }
    }
  }

  @Test
  void behindATrustedTlsProxyThePagesHttpsOriginMayOpenASocket() throws Exception {
    List<RawHttp> open = new ArrayList<>();
    try {
      // the page was served over https by the proxy; the node itself speaks plain HTTP
      assertThat(
              upgrade(
                  open,
                  "127.0.0.1",
                  "X-Forwarded-For: 203.0.113.60",
                  "X-Forwarded-Proto: https",
                  "Origin: https://127.0.0.1"))
          .isEqualTo(101);
      assertThat(
              upgrade(
                  open,
                  "127.0.0.1",
                  "Forwarded: for=203.0.113.61;proto=https",
                  "Origin: https://127.0.0.1"))
          .isEqualTo(101);
      assertThat(
              upgrade(
                  open, "127.0.0.1", "X-Forwarded-For: 203.0.113.62", "Origin: https://127.0.0.1"))
          .as("without the proxy's word the origin is foreign")
          .isEqualTo(403);
      assertThat(
              upgrade(open, "127.0.0.5", "X-Forwarded-Proto: https", "Origin: https://127.0.0.1"))
          .as("an untrusted peer cannot claim https")
          .isEqualTo(403);
    } finally {
      for (RawHttp c : open) {
        c.close();
      }
    }
  }

  @Test
  void anUploadSpendsTheForwardedClientsBudget() throws Exception {
    Account alice = server.api().register("alice");
    for (int i = 0; i < BUDGET; i++) {
      assertThat(ready("127.0.0.1", "X-Forwarded-For: 203.0.113.60")).isEqualTo(200);
    }
    assertThat(upload(alice, "203.0.113.60")).isEqualTo(429);
    assertThat(upload(alice, "203.0.113.61")).isEqualTo(201);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                accessLines().stream()
                    .anyMatch(
                        l ->
                            l.contains("route=/api/v1/uploads status=201")
                                && l.endsWith("ip=203.0.113.61")));
    assertThat(accessLines())
        .as("uploads bypass the dispatcher but are logged as well")
        .anyMatch(
            l -> l.contains("route=/api/v1/uploads status=429") && l.endsWith("ip=203.0.113.60"));
  }

  @Test
  void aTrustedProxysConnectionsAreNotCappedPerAddress() throws Exception {
    List<RawHttp> open = new ArrayList<>();
    try {
      for (int i = 0; i < CONNECTIONS + 2; i++) {
        assertThat(held(open, "127.0.1.6")).as("proxy connection %d", i + 1).isEqualTo(200);
      }
      for (int i = 0; i < CONNECTIONS; i++) {
        assertThat(held(open, "127.0.0.5")).isEqualTo(200);
      }
      assertThat(held(open, "127.0.0.5")).isEqualTo(503);
    } finally {
      for (RawHttp c : open) {
        c.close();
      }
    }
  }

  @Test
  void theAccessLogShowsTheClientNotTheProxy() throws Exception {
    ready("127.0.0.1", "X-Forwarded-For: 203.0.113.70");
    ready("127.0.0.1", "X-Forwarded-For: 2001:db8:9:9::77");
    ready("127.0.0.6", "X-Forwarded-For: 203.0.113.71");
    // a request's line is written just after its answer
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> accessLines().stream().anyMatch(l -> l.endsWith("ip=127.0.0.6")));
    assertThat(accessLines())
        .anyMatch(l -> l.endsWith("ip=203.0.113.70"))
        .anyMatch(
            l -> l.endsWith("ip=2001:db8:9:9::77")) // the whole address: only limits group by /64
        .noneMatch(l -> l.endsWith("ip=203.0.113.71"));
  }

  private List<String> accessLines() {
    synchronized (access) { // appends hold the appender's lock
      return access.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  // ---- plumbing ----

  /** GET /ready (spends the API budget, needs no login) on a fresh connection from {@code peer}. */
  private int ready(String peer, String... headers) throws IOException {
    try (RawHttp c = RawHttp.connect(peer, server.port(), 0)) {
      c.send(request("GET", "/ready", headers));
      return c.read().status();
    }
  }

  /** A connection from {@code peer} answered once and kept open; the status of that answer. */
  private int held(List<RawHttp> open, String peer) throws IOException {
    RawHttp c = RawHttp.connect(peer, server.port(), 0);
    open.add(c);
    c.send(request("GET", "/health"));
    return c.read().status();
  }

  /** A WebSocket handshake from {@code peer}, kept open; the handshake's status. */
  private int upgrade(List<RawHttp> open, String peer, String... headers) throws IOException {
    RawHttp c = RawHttp.connect(peer, server.port(), 0);
    open.add(c);
    List<String> all =
        new ArrayList<>(
            List.of(
                "Upgrade: websocket",
                "Connection: Upgrade",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                "Sec-WebSocket-Version: 13"));
    all.addAll(List.of(headers));
    c.send(request("GET", "/ws", all.toArray(String[]::new)));
    return c.readHead().status();
  }

  /** An upload through the trusted proxy 127.0.0.1 for the client {@code client}. */
  private int upload(Account who, String client) throws IOException {
    String boundary = "proxied-upload";
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\nhello\r\n--"
                + boundary
                + "--\r\n")
            .getBytes(StandardCharsets.UTF_8));
    try (RawHttp c = RawHttp.connect("127.0.0.1", server.port(), 0)) {
      c.send(
          request(
              "POST",
              "/api/v1/uploads",
              "Authorization: Bearer " + who.accessToken(),
              "X-Forwarded-For: " + client,
              "Content-Type: multipart/form-data; boundary=" + boundary,
              "Content-Length: " + body.size()));
      c.send(body.toByteArray());
      return c.read().status();
    }
  }

  static String request(String method, String path, String... headers) {
    StringBuilder b = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (String h : headers) {
      b.append(h).append("\r\n");
    }
    return b.append("\r\n").toString();
  }
}
