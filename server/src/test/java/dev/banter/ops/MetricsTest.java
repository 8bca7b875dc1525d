package dev.banter.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Api.Reply;
import dev.banter.support.Backend;
import dev.banter.support.TestServer;
import dev.banter.support.WsClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** /metrics after real traffic: the numbers moved as the traffic says, and labels stay bounded. */
class MetricsTest {

  private static double value(String scrape, String series) {
    Matcher m =
        Pattern.compile("^" + Pattern.quote(series) + " ([0-9.eE+-]+)$", Pattern.MULTILINE)
            .matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  private static double sum(String scrape, String metric, String labelFilter) {
    Matcher m =
        Pattern.compile(
                "^" + Pattern.quote(metric) + "\\{(.*)\\} ([0-9.eE+-]+)$", Pattern.MULTILINE)
            .matcher(scrape);
    double total = 0;
    while (m.find()) {
      if (m.group(1).contains(labelFilter)) {
        total += Double.parseDouble(m.group(2));
      }
    }
    return total;
  }

  @Test
  void trafficMovesTheNumbers() {
    try (TestServer server =
        TestServer.start(
            Backend.SQLITE,
            Map.of(
                "BANTER_NODE_ID", "m1", "BANTER_MESSAGE_RATE", "1", "BANTER_MESSAGE_BURST", "3"))) {
      Api api = server.api();
      Account alice = api.register("alice");
      Account bob = api.register("bob");
      String room = api.createRoom(alice, "public");
      api.invite(alice, room, bob);
      String secretRoomName = room;
      try (WsClient a = WsClient.connect(server.baseUrl(), alice.accessToken());
          WsClient b = WsClient.connect(server.baseUrl(), bob.accessToken())) {
        a.request(Map.of("type", "join_room", "room_id", room));
        b.request(Map.of("type", "join_room", "room_id", room));
        for (int i = 0; i < 3; i++) {
          a.request(
              Map.of(
                  "type", "send_message", "room_id", room, "body", "m" + i, "client_id", "c" + i));
        }
        assertThat(
                a.request(
                        Map.of(
                            "type",
                            "send_message",
                            "room_id",
                            room,
                            "body",
                            "over",
                            "client_id",
                            "x"))
                    .at("/error/code")
                    .asText())
            .isEqualTo("rate_limited");
        b.await(f -> f.at("/message/seq").asLong() == 3);
      }
      Reply r = api.get("/metrics", null);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("Content-Type")).startsWith("text/plain");
      String s = r.raw().body();
      assertThat(value(s, "banter_messages_accepted_total{node=\"m1\"}")).isEqualTo(3);
      assertThat(value(s, "banter_deliveries_total{node=\"m1\"}"))
          .isGreaterThanOrEqualTo(6); // 3 messages × 2 subscribers
      assertThat(value(s, "banter_ws_connects_total{node=\"m1\"}")).isEqualTo(2);
      assertThat(value(s, "banter_delivery_latency_seconds_count{node=\"m1\"}"))
          .isGreaterThanOrEqualTo(3);
      assertThat(sum(s, "banter_rate_limited_total", "kind=\"user_send\"")).isEqualTo(1);
      assertThat(sum(s, "banter_http_requests_seconds_count", "route=\"/api/v1/auth/register\""))
          .isEqualTo(2);
      assertThat(
              sum(s, "banter_http_requests_seconds_count", "route=\"/api/v1/rooms/{id}/members\""))
          .isEqualTo(1);
      assertThat(value(s, "banter_store_batch_size_count{node=\"m1\"}")).isPositive();
      assertThat(s)
          .contains("banter_ws_connections{")
          .contains("banter_rooms_live{")
          .contains("hikaricp_connections")
          .contains("jvm_memory_used_bytes")
          .contains("process_cpu_usage")
          .contains("banter_bus_lag_seconds");
      // bounded labels: no ids of rooms or users anywhere
      assertThat(s)
          .doesNotContain(secretRoomName)
          .doesNotContain(alice.id())
          .doesNotContain(alice.username());
      // the closed sockets are counted by close code once the server saw them go
      Awaitility.await()
          .until(
              () ->
                  sum(
                          api.get("/metrics", null).raw().body(),
                          "banter_ws_disconnects_total",
                          "code=")
                      >= 2);
      // the shipped Grafana dashboard only queries series this server exposes
      String scrape = api.get("/metrics", null).raw().body();
      String dashboard;
      try {
        dashboard = Files.readString(Path.of("..", "deploy", "grafana", "banter.json"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Matcher names = Pattern.compile("\\b((?:banter|hikaricp|jvm)_[a-z_]+)").matcher(dashboard);
      int checked = 0;
      while (names.find()) {
        assertThat(scrape)
            .as("dashboard series %s", names.group(1))
            .containsPattern("(?m)^" + names.group(1) + "[{ ]");
        checked++;
      }
      assertThat(checked).isGreaterThan(10);
    }
  }
}
