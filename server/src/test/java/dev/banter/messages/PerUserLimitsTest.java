package dev.banter.messages;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Api.Reply;
import dev.banter.support.Backend;
import dev.banter.support.TestServer;
import dev.banter.support.WsClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every mutating action has a per-user budget shared by REST and WebSocket (the defaults, scale 1):
 * over it, 429 / {@code error rate_limited} and nothing changes, while other users go on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PerUserLimitsTest {
  TestServer server;
  Api api;

  @BeforeAll
  void start() {
    server =
        TestServer.start(
            Backend.SQLITE,
            Map.of(
                "BANTER_USER_RATE_SCALE",
                "1",
                "BANTER_MESSAGE_RATE",
                "0.2",
                "BANTER_MESSAGE_BURST",
                "5"));
    api = server.api();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private long count(String sql, Object... args) {
    return server.db().withHandle(h -> h.createQuery(sql).bind(0, args[0]).mapTo(Long.class).one());
  }

  @Test
  void restPostsSpendTheSameSendBudgetAsTheWebSocket() {
    Account a = api.register("restposter");
    Account other = api.register("calm");
    String room = api.createRoom(a, "public");
    Api.expect(api.post("/api/v1/rooms/" + room + "/join", Map.of(), other.accessToken()), 200);
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      statuses.add(
          api.post("/api/v1/rooms/" + room + "/messages", Map.of("body", "m" + i), a.accessToken())
              .status());
    }
    assertThat(statuses.subList(0, 5)).containsOnly(201);
    Reply over =
        api.post("/api/v1/rooms/" + room + "/messages", Map.of("body", "over"), a.accessToken());
    assertThat(over.status()).isEqualTo(429);
    assertThat(over.header("Retry-After")).isNotNull();
    assertThat(over.json().at("/error/details/retry_after_ms").asLong()).isPositive();
    try (WsClient ws = WsClient.connect(server.baseUrl(), a.accessToken())) {
      JsonNode refused =
          ws.request(
              Map.of("type", "send_message", "room_id", room, "body", "ws", "client_id", "w1"));
      assertThat(refused.at("/error/code").asText()).isEqualTo("rate_limited");
    }
    assertThat(count("SELECT count(*) FROM messages WHERE room_id = ?", room)).isEqualTo(5);
    assertThat(
            api.post(
                    "/api/v1/rooms/" + room + "/messages",
                    Map.of("body", "fine"),
                    other.accessToken())
                .status())
        .isEqualTo(201);
  }

  @Test
  void reactionsOverTheBudgetAreRefusedOverRestAndWebSocketAlike() {
    Account a = api.register("reactor");
    String room = api.createRoom(a, "public");
    Account poster = api.register("reacted");
    Api.expect(api.post("/api/v1/rooms/" + room + "/join", Map.of(), poster.accessToken()), 200);
    String id = api.say(poster, room, "react to me").get("id").asText();
    String path = "/api/v1/rooms/" + room + "/messages/" + id + "/reactions/";
    int ok = 0;
    int limited = 0;
    for (int i = 0; i < 40; i++) { // on and off again: each is an action
      Reply r =
          i % 2 == 0
              ? api.put(path + enc("👍"), Map.of(), a.accessToken())
              : api.delete(path + enc("👍"), a.accessToken());
      if (r.status() == 429) {
        limited++;
      } else if (r.status() == 200) {
        ok++;
      }
    }
    assertThat(ok).isGreaterThanOrEqualTo(30); // the burst, and what refilled meanwhile (5/s)
    assertThat(limited).isPositive();
    try (WsClient ws = WsClient.connect(server.baseUrl(), a.accessToken())) {
      JsonNode refused =
          ws.request(
              Map.of(
                  "type", "react", "room_id", room, "message_id", id, "emoji", "🎉", "on", true));
      assertThat(refused.at("/error/code").asText()).isEqualTo("rate_limited");
    }
    assertThat(count("SELECT count(*) FROM reactions WHERE message_id = ?", id))
        .isLessThanOrEqualTo(1);
  }

  @Test
  void pinsOverTheBudgetAreRefusedAndChangeNothingWhileOthersStillPin() {
    Account a = api.register("pinner");
    Account other = api.register("calmpinner");
    String room = api.createRoom(a, "public");
    Api.expect(api.post("/api/v1/rooms/" + room + "/join", Map.of(), other.accessToken()), 200);
    String id = api.say(a, room, "pin me").get("id").asText();
    String path = "/api/v1/rooms/" + room + "/pins/" + id;
    String state =
        "SELECT rev * 2 + (CASE WHEN pinned_at IS NULL THEN 0 ELSE 1 END) FROM messages WHERE id = ?";
    Reply over = null;
    for (int i = 0; i < 40 && over == null; i++) { // on and off again: each is an action
      long before = count(state, id);
      Reply r =
          i % 2 == 0 ? api.put(path, Map.of(), a.accessToken()) : api.delete(path, a.accessToken());
      if (r.status() == 429) {
        over = r;
        assertThat(count(state, id)).isEqualTo(before);
      } else {
        assertThat(r.status()).isEqualTo(200);
      }
    }
    assertThat(over).as("refused within 40 pin changes (burst 20, 1/s)").isNotNull();
    assertThat(over.errorCode()).isEqualTo("rate_limited");
    assertThat(over.header("Retry-After")).isNotNull();
    Api.expect(api.put(path, Map.of(), other.accessToken()), 200);
  }

  @Test
  void creatingRoomsOverTheBudgetIsRefusedAndCreatesNothing() {
    Account a = api.register("roomer");
    long before = count("SELECT count(*) FROM rooms WHERE created_by = ?", a.id());
    int created = 0;
    Reply last = null;
    for (int i = 0; i < 12; i++) {
      last = api.post("/api/v1/rooms", Map.of("name", Api.uniqueName("r")), a.accessToken());
      if (last.status() == 201) {
        created++;
      }
    }
    assertThat(created).isEqualTo(10);
    assertThat(last.status()).isEqualTo(429);
    assertThat(count("SELECT count(*) FROM rooms WHERE created_by = ?", a.id()))
        .isEqualTo(before + 10);
  }

  @Test
  void openingDirectRoomsOverTheBudgetIsRefused() {
    Account a = api.register("dmer");
    List<Account> peers = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      peers.add(api.register("peer"));
    }
    List<Integer> statuses = new ArrayList<>();
    for (Account peer : peers) {
      statuses.add(
          api.post("/api/v1/dms", Map.of("username", peer.username()), a.accessToken()).status());
    }
    long refused = statuses.stream().filter(s -> s == 429).count();
    assertThat(refused).isPositive();
    assertThat(statuses.getLast()).isEqualTo(429);
    assertThat(count("SELECT count(*) FROM rooms WHERE created_by = ?", a.id()))
        .isEqualTo(25 - refused);
  }

  @Test
  void joinRoomFloodsAreRefusedOnceTheBudgetIsSpent() {
    Account a = api.register("joiner");
    try (WsClient ws = WsClient.connect(server.baseUrl(), a.accessToken())) {
      int limited = 0;
      for (int i = 0; i < 2000 && limited == 0; i++) {
        JsonNode r = ws.request(Map.of("type", "join_room", "room_id", "general", "since_seq", 0));
        if ("rate_limited".equals(r.at("/error/code").asText())) {
          limited++;
        }
      }
      assertThat(limited).isEqualTo(1);
      assertThat(ws.isClosed()).isFalse();
    }
  }

  @Test
  void typingFloodsAreDroppedQuietly() {
    Account a = api.register("typist");
    try (WsClient ws = WsClient.connect(server.baseUrl(), a.accessToken())) {
      for (int i = 0; i < 100; i++) {
        ws.send(Map.of("type", "typing", "room_id", "general", "active", i % 2 == 0));
      }
      assertThat(ws.request(Map.of("type", "ping")).path("type").asText()).isEqualTo("pong");
      assertThat(ws.ofType("error")).isEmpty();
      Awaitility.await()
          .atMost(Duration.ofSeconds(5)) // scrapes are a second fresh
          .until(() -> api.get("/metrics", null).raw().body().contains("kind=\"user_typing\""));
    }
  }

  @Test
  void readingMessagesByIdAndReceiptsHasABudgetOfItsOwnPerUser() {
    Account a = api.register("quoter");
    Account other = api.register("calmquoter");
    String room = api.createRoom(a, "public");
    Api.expect(api.post("/api/v1/rooms/" + room + "/join", Map.of(), other.accessToken()), 200);
    String id = api.say(a, room, "quote me").get("id").asText();
    String one = "/api/v1/rooms/" + room + "/messages/" + id;
    Reply over = null;
    for (int i = 0; i < 200 && over == null; i++) { // burst 100, 20/s
      Reply r = api.get(one, a.accessToken());
      if (r.status() == 429) {
        over = r;
      } else {
        assertThat(r.status()).isEqualTo(200);
      }
    }
    assertThat(over).as("refused within 200 reads of one message").isNotNull();
    assertThat(over.header("Retry-After")).isNotNull();
    assertThat(over.json().at("/error/details/retry_after_ms").asLong()).isPositive();
    Api.expect(api.get(one, other.accessToken()), 200); // another user still reads
    // history and read markers are other budgets
    Api.expect(api.get("/api/v1/rooms/" + room + "/messages", a.accessToken()), 200);

    String receipts = "/api/v1/rooms/" + room + "/receipts";
    Reply tooMany = null;
    for (int i = 0; i < 60 && tooMany == null; i++) { // burst 30, 2/s
      Reply r = api.get(receipts, a.accessToken());
      if (r.status() == 429) {
        tooMany = r;
      } else {
        assertThat(r.status()).isEqualTo(200);
      }
    }
    assertThat(tooMany).as("refused within 60 receipt reads").isNotNull();
    assertThat(tooMany.errorCode()).isEqualTo("rate_limited");
    Api.expect(api.get(receipts, other.accessToken()), 200);
  }

  @Test
  void invitesOverTheBudgetAreRefusedAndStoreNothing() {
    Account a = api.register("inviter");
    Account other = api.register("calminviter");
    int made = 0;
    Reply last = null;
    for (int i = 0; i < 25; i++) { // burst 20, one per 5 s
      last = api.post("/api/v1/invites", Map.of("max_uses", 1), a.accessToken());
      if (last.status() == 201) {
        made++;
      }
    }
    assertThat(made).isEqualTo(20);
    assertThat(last.status()).isEqualTo(429);
    assertThat(count("SELECT count(*) FROM invites WHERE created_by = ?", a.id())).isEqualTo(20);
    Api.expect(api.post("/api/v1/invites", Map.of(), other.accessToken()), 201);
  }

  @Test
  void listingAndEndingSessionsHasABudgetPerUserAndARefusalEndsNothing() {
    Account a = api.register("sessioner");
    Account other = api.register("calmsessioner");
    Reply over = null;
    for (int i = 0; i < 120 && over == null; i++) { // burst 60, 2/s
      Reply r = api.get("/api/v1/auth/sessions", a.accessToken());
      if (r.status() == 429) {
        over = r;
      } else {
        assertThat(r.status()).isEqualTo(200);
      }
    }
    assertThat(over).as("refused within 120 listings").isNotNull();
    assertThat(over.errorCode()).isEqualTo("rate_limited");
    assertThat(over.header("Retry-After")).isNotNull();
    // ending one's own session is the same budget: refused, and the session goes on
    String mine =
        server
            .db()
            .withHandle(
                h ->
                    h.createQuery("SELECT id FROM token_families WHERE user_id = :u")
                        .bind("u", a.id())
                        .mapTo(String.class)
                        .one());
    Reply end = api.delete("/api/v1/auth/sessions/" + mine, a.accessToken());
    assertThat(end.status()).isEqualTo(429);
    Api.expect(api.get("/api/v1/auth/me", a.accessToken()), 200);
    Api.expect(api.get("/api/v1/auth/sessions", other.accessToken()), 200); // another user lists
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
