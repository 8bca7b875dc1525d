package dev.banter.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Backend;
import dev.banter.support.RawWs;
import dev.banter.support.TestServer;
import dev.banter.support.WsClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** What one WebSocket client can make the server hold or grow: metric series, pongs. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileSocketTest {
  TestServer server;
  Api api;

  @BeforeAll
  void start() {
    server = TestServer.start(Backend.SQLITE);
    api = server.api();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private long disconnectSeries() {
    return api.get("/metrics", null)
        .raw()
        .body()
        .lines()
        .filter(l -> l.startsWith("banter_ws_disconnects_total{"))
        .count();
  }

  @Test
  void closeCodesAClientChoosesDoNotBecomeNewMetricSeries() throws Exception {
    Account a = api.register("closer");
    for (int i = 0; i < 150; i++) {
      try (RawWs ws = new RawWs(server.port(), "/ws?token=" + a.accessToken(), 0)) {
        int code = 3000 + i;
        ws.sendFrame(0x8, new byte[] {(byte) (code >> 8), (byte) code});
        assertThat(ws.readUntilClose()).isEqualTo(code); // the server echoes the close
      }
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> api.get("/metrics", null).raw().body().contains("code=\"other\""));
    assertThat(disconnectSeries()).isLessThanOrEqualTo(17); // the fixed set and "other"
  }

  @Test
  void aPingFloodIsAnsweredOnlyUpToItsBudgetAndOthersAreServed() throws Exception {
    Account flooder = api.register("pinger");
    Account other = api.register("bystander");
    try (RawWs ws = new RawWs(server.port(), "/ws?token=" + flooder.accessToken(), 0);
        WsClient bystander = WsClient.connect(server.baseUrl(), other.accessToken())) {
      long started = System.nanoTime();
      byte[] payload = "p".repeat(125).getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < 2000; i++) {
        ws.sendFrame(0x9, payload);
      }
      ws.sendText("{\"type\":\"ping\",\"ref\":\"last\"}");
      int pongs = 0;
      while (true) {
        RawWs.Frame f = ws.read();
        if (f.opcode() == 0xA) {
          pongs++;
        } else if (f.opcode() == 0x1 && f.text().contains("\"last\"")) {
          break;
        }
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      assertThat(pongs).isPositive().isLessThanOrEqualTo((int) (10 + 2 * seconds) + 2);
      assertThat(bystander.request(Map.of("type", "ping")).path("type").asText()).isEqualTo("pong");
    }
  }
}
