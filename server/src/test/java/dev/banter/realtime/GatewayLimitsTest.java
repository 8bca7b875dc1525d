package dev.banter.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Backend;
import dev.banter.support.RawWs;
import dev.banter.support.TestServer;
import dev.banter.support.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Abuse limits, each on a server configured for it: send rate, slow consumers, connections per IP.
 */
class GatewayLimitsTest {

  private static long stored(TestServer s, String room) {
    return s.db()
        .withHandle(
            h ->
                h.createQuery("SELECT count(*) FROM messages WHERE room_id = :r")
                    .bind("r", room)
                    .mapTo(Long.class)
                    .one());
  }

  @Test
  void sendsOverTheRateAreRefusedAndPersistentAbuseIsClosedWith4029() {
    try (TestServer server =
        TestServer.start(
            Backend.SQLITE, Map.of("BANTER_MESSAGE_RATE", "0.1", "BANTER_MESSAGE_BURST", "3"))) {
      Api api = server.api();
      Account a = api.register("flooder");
      String room = api.createRoom(a, "public");
      try (WsClient c = WsClient.connect(server.baseUrl(), a.accessToken())) {
        for (int i = 0; i < 3; i++) {
          JsonNode ack =
              c.request(
                  Map.of(
                      "type",
                      "send_message",
                      "room_id",
                      room,
                      "body",
                      "m" + i,
                      "client_id",
                      "c" + i));
          assertThat(ack.get("type").asText()).isEqualTo("ack");
        }
        JsonNode limited =
            c.request(
                Map.of("type", "send_message", "room_id", room, "body", "over", "client_id", "c3"));
        assertThat(limited.at("/error/code").asText()).isEqualTo("rate_limited");
        assertThat(limited.at("/error/details/retry_after_ms").asLong()).isPositive();
        assertThat(stored(server, room)).isEqualTo(3);
        for (int i = 4; i < 80 && !c.isClosed(); i++) {
          c.send(
              Map.of(
                  "type", "send_message", "room_id", room, "body", "spam", "client_id", "s" + i));
        }
        assertThat(c.closeCode()).isEqualTo(4029);
        assertThat(stored(server, room)).isEqualTo(3);
      }
    }
  }

  @Test
  void aClientThatStopsReadingIsClosedWith4008WhileOthersGetEverything() throws Exception {
    try (TestServer server =
        TestServer.start(
            Backend.SQLITE,
            Map.of(
                "BANTER_WS_QUEUE_BYTES",
                "65536",
                "BANTER_MESSAGE_RATE",
                "100000",
                "BANTER_MESSAGE_BURST",
                "100000"))) {
      Api api = server.api();
      Account owner = api.register("owner");
      Account reader = api.register("reader");
      Account sleeper = api.register("sleeper");
      String room = api.createRoom(owner, "public");
      api.invite(owner, room, reader);
      api.invite(owner, room, sleeper);
      try (WsClient fast = WsClient.connect(server.baseUrl(), reader.accessToken());
          WsClient poster = WsClient.connect(server.baseUrl(), owner.accessToken());
          RawWs slow = new RawWs(server.port(), "/ws?token=" + sleeper.accessToken(), 4096)) {
        fast.request(Map.of("type", "join_room", "room_id", room));
        slow.sendText("{\"type\":\"join_room\",\"room_id\":\"" + room + "\"}");
        // the slow client now reads nothing at all
        String body = "x".repeat(2000);
        int total = 4000; // ~8 MB: beyond the 64 KiB queue and what loopback socket buffers absorb
        for (int i = 0; i < total; i++) {
          poster.send(
              Map.of("type", "send_message", "room_id", room, "body", body, "client_id", "m" + i));
        }
        // what is asserted is that the fast one gets everything, not how fast: a loaded 2-core
        // box (the old code too) needed more than 20 s for the 8 MB
        Awaitility.await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> fast.ofType("new_message").size() >= total);
        List<Long> seqs =
            fast.ofType("new_message").stream().map(f -> f.at("/message/seq").asLong()).toList();
        assertThat(seqs).isEqualTo(LongStream.rangeClosed(1, total).boxed().toList());
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> server.banter().gateway().slowConsumerCloses() >= 1);
        assertThat(slow.readUntilClose()).isIn(4008, -1);
        assertThat(fast.isClosed()).isFalse();
      }
    }
  }

  @Test
  void connectionsPerIpAreCapped() {
    try (TestServer server = TestServer.start(Backend.SQLITE, Map.of("BANTER_WS_PER_IP", "2"))) {
      Account a = server.api().register("many");
      try (WsClient one = WsClient.connect(server.baseUrl(), a.accessToken());
          WsClient two = WsClient.connect(server.baseUrl(), a.accessToken())) {
        assertThatThrownBy(
                () -> WsClient.open(server.baseUrl(), "?token=" + a.accessToken(), Map.of()))
            .hasMessageContaining("WebSocket connect failed");
        assertThat(one.request(Map.of("type", "ping")).get("type").asText()).isEqualTo("pong");
        two.close();
        Awaitility.await()
            .atMost(Duration.ofSeconds(5))
            .ignoreExceptions()
            .until(
                () -> {
                  try (WsClient three = WsClient.connect(server.baseUrl(), a.accessToken())) {
                    return three.await("ready") != null;
                  }
                });
      }
    }
  }
}
