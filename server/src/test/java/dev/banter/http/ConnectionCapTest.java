package dev.banter.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.banter.support.Backend;
import dev.banter.support.RawHttp;
import dev.banter.support.RawWs;
import dev.banter.support.TestServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code BANTER_HTTP_CONNECTIONS_PER_IP}: one address holds at most that many HTTP connections; the
 * next is answered 503 {@code unavailable} and closed, other addresses are not affected, and a
 * connection that becomes a WebSocket counts under {@code BANTER_WS_PER_IP} instead.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectionCapTest {
  private static final int CAP = 5;
  private static final ObjectMapper JSON = new ObjectMapper();
  TestServer server;

  @BeforeAll
  void start() {
    server =
        TestServer.start(
            Backend.SQLITE, Map.of("BANTER_HTTP_CONNECTIONS_PER_IP", String.valueOf(CAP)));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void theConnectionOverTheCapIsRefusedWith503WhileAnotherAddressIsServed() throws Exception {
    List<RawHttp> held = open("127.0.0.1", CAP);
    try (RawHttp over = RawHttp.connect("127.0.0.1", server.port(), 0);
        RawHttp elsewhere = RawHttp.connect("127.0.0.2", server.port(), 0)) {
      over.send(RawHttp.get("/health"));
      RawHttp.Reply refused = over.read();
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.headers().get("connection")).isEqualTo("close");
      JsonNode error = JSON.readTree(refused.body()).get("error");
      assertThat(error.get("code").asText()).isEqualTo("unavailable");
      assertThat(error.at("/details/limit").asInt()).isEqualTo(CAP);
      assertThat(over.closedByServer(Duration.ofSeconds(3))).isTrue();

      elsewhere.send(RawHttp.get("/health"));
      assertThat(elsewhere.read().status()).isEqualTo(200);
      for (RawHttp h : held) { // the ones within the cap keep working
        h.send(RawHttp.get("/health"));
        assertThat(h.read().status()).isEqualTo(200);
      }
    } finally {
      closeAll(held);
    }
    assertThat(
            server
                .banter()
                .metrics()
                .registry()
                .get("banter_http_refused")
                .tag("reason", "connections_per_ip")
                .counter()
                .count())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void aClosedConnectionGivesItsPlaceBack() throws Exception {
    List<RawHttp> held = open("127.0.0.1", CAP);
    held.remove(0).close();
    try {
      await().atMost(Duration.ofSeconds(5)).until(() -> served("127.0.0.1"));
    } finally {
      closeAll(held);
    }
  }

  @Test
  void aConnectionThatBecameAWebSocketNoLongerCountsAsHttp() throws Exception {
    List<RawWs> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < CAP + 2; i++) {
        sockets.add(
            new RawWs(
                server.port(),
                "/ws",
                0)); // each upgrade succeeds: none of them holds an HTTP place
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> openConnections() == 0);
      List<RawHttp> held = open("127.0.0.1", CAP);
      closeAll(held);
    } finally {
      for (RawWs ws : sockets) {
        ws.close();
      }
    }
  }

  /**
   * {@code n} keep-alive connections from {@code address}, each answered once so it surely counts.
   */
  private List<RawHttp> open(String address, int n) throws IOException {
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> openConnections() == 0); // others' connections are gone
    List<RawHttp> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      RawHttp c = RawHttp.connect(address, server.port(), 0);
      out.add(c);
      c.send(RawHttp.get("/health"));
      assertThat(c.read().status()).as("connection %d of %d", i + 1, n).isEqualTo(200);
    }
    return out;
  }

  private boolean served(String address) throws IOException {
    try (RawHttp c = RawHttp.connect(address, server.port(), 0)) {
      c.send(RawHttp.get("/health"));
      return c.read().status() == 200;
    }
  }

  private long openConnections() {
    return (long)
        server.banter().metrics().registry().get("banter_http_connections").gauge().value();
  }

  private static void closeAll(List<RawHttp> connections) throws IOException {
    for (RawHttp c : connections) {
      c.close();
    }
  }
}
