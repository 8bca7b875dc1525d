package dev.banter.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Backend;
import dev.banter.support.RawWs;
import dev.banter.support.TestServer;
import dev.banter.support.WsClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** SPEC §5 with real WebSocket clients against a started server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayTest {
  TestServer server;
  Api api;
  Account alice;
  Account bob;
  String room;
  final List<AutoCloseable> open = new ArrayList<>();

  @BeforeAll
  void start() {
    server =
        TestServer.start(
            Backend.SQLITE,
            Map.of(
                "BANTER_WS_PING_INTERVAL", "300ms",
                "BANTER_WS_IDLE_TIMEOUT", "1s",
                "BANTER_WS_AUTH_TIMEOUT", "1s",
                "BANTER_WS_REPLAY_LIMIT", "50",
                "BANTER_MESSAGE_RATE", "1000",
                "BANTER_MESSAGE_BURST", "1000"));
    api = server.api();
  }

  @BeforeEach
  void users() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    open.clear();
    alice = api.register("alice");
    bob = api.register("bob");
    room = api.createRoom(alice, "private");
    api.invite(alice, room, bob);
  }

  @AfterAll
  void stop() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    server.close();
  }

  private WsClient ws(Account a) {
    WsClient c = WsClient.connect(server.baseUrl(), a.accessToken());
    open.add(c);
    return c;
  }

  private JsonNode join(WsClient c, String roomId, Long since) {
    Map<String, Object> f = new HashMap<>();
    f.put("type", "join_room");
    f.put("room_id", roomId);
    if (since != null) {
      f.put("since_seq", since);
    }
    return c.request(f);
  }

  private JsonNode sendMessage(WsClient c, String roomId, String body, String clientId) {
    return c.request(
        Map.of("type", "send_message", "room_id", roomId, "body", body, "client_id", clientId));
  }

  private long stored() {
    return server
        .db()
        .withHandle(
            h ->
                h.createQuery("SELECT count(*) FROM messages WHERE room_id = :r")
                    .bind("r", room)
                    .mapTo(Long.class)
                    .one());
  }

  private static List<Long> seqs(WsClient c, String roomId) {
    return c.ofType("new_message").stream()
        .filter(f -> roomId.equals(f.at("/message/room_id").asText()))
        .map(f -> f.at("/message/seq").asLong())
        .toList();
  }

  // ---- authentication ----

  @Test
  void theFirstFrameAuthenticatesAndReadyDescribesTheSession() {
    WsClient c = WsClient.open(server.baseUrl(), "", Map.of());
    open.add(c);
    c.send(Map.of("type", "auth", "token", alice.accessToken(), "ref", "a1"));
    JsonNode ready = c.await("ready");
    assertThat(ready.get("ref").asText()).isEqualTo("a1");
    assertThat(ready.at("/user/username").asText()).isEqualTo(alice.username());
    assertThat(ready.get("session_id").asText()).isNotBlank();
    assertThat(ready.get("heartbeat_ms").asLong()).isEqualTo(300);
  }

  @Test
  void aTokenInTheQueryAuthenticatesToo() {
    WsClient c = WsClient.open(server.baseUrl(), "?token=" + alice.accessToken(), Map.of());
    open.add(c);
    assertThat(c.await("ready").at("/user/id").asText()).isEqualTo(alice.id());
  }

  @Test
  void aBadOrExpiredTokenClosesWith4001() {
    WsClient bad = WsClient.open(server.baseUrl(), "", Map.of());
    open.add(bad);
    bad.send(Map.of("type", "auth", "token", "garbage"));
    assertThat(bad.closeCode()).isEqualTo(4001);
    Instant past = Instant.now().minusSeconds(3600);
    String expired =
        JWT.create()
            .withIssuer("banter")
            .withSubject(alice.id())
            .withClaim("usr", alice.username())
            .withClaim("sid", "some-session")
            .withIssuedAt(past)
            .withExpiresAt(past.plusSeconds(60))
            .sign(Algorithm.HMAC256(TestServer.JWT_SECRET));
    WsClient old = WsClient.open(server.baseUrl(), "?token=" + expired, Map.of());
    open.add(old);
    assertThat(old.closeCode()).isEqualTo(4001);
  }

  @Test
  void noAuthenticationInTimeOrAnotherFrameFirstClosesWith4001() {
    WsClient silent = WsClient.open(server.baseUrl(), "", Map.of());
    open.add(silent);
    assertThat(silent.closeCode()).isEqualTo(4001);
    WsClient rude = WsClient.open(server.baseUrl(), "", Map.of());
    open.add(rude);
    rude.send(Map.of("type", "join_room", "room_id", room));
    assertThat(rude.closeCode()).isEqualTo(4001);
  }

  @Test
  void aForeignOriginIsRefusedBeforeTheUpgrade() {
    assertThatThrownBy(
            () ->
                WsClient.open(
                    server.baseUrl(),
                    "?token=" + alice.accessToken(),
                    Map.of("Origin", "https://evil.example")))
        .hasMessageContaining("WebSocket connect failed");
    WsClient same =
        WsClient.open(
            server.baseUrl(), "?token=" + alice.accessToken(), Map.of("Origin", server.baseUrl()));
    open.add(same);
    assertThat(same.await("ready")).isNotNull();
  }

  // ---- messages ----

  @Test
  void sendIsStoredAckedThenFannedOutToEverySubscriber() {
    WsClient a = ws(alice);
    WsClient b = ws(bob);
    JsonNode joined = join(a, room, null);
    assertThat(joined.get("type").asText()).isEqualTo("joined");
    assertThat(joined.get("last_seq").asLong()).isZero();
    join(b, room, null);
    JsonNode ack = sendMessage(a, room, "hello", "c-1");
    assertThat(ack.get("type").asText()).isEqualTo("ack");
    assertThat(ack.get("client_id").asText()).isEqualTo("c-1");
    assertThat(ack.at("/message/seq").asLong()).isEqualTo(1);
    JsonNode received = b.await("new_message");
    assertThat(received.at("/message/body").asText()).isEqualTo("hello");
    a.await("new_message");
    List<String> types = a.frames().stream().map(f -> f.get("type").asText()).toList();
    assertThat(types.indexOf("ack")).isLessThan(types.indexOf("new_message"));
    assertThat(stored()).isEqualTo(1);
  }

  @Test
  void aRepeatedClientIdIsAckedWithTheFirstMessageAndDeliveredOnce() {
    WsClient a = ws(alice);
    WsClient b = ws(bob);
    join(a, room, null);
    join(b, room, null);
    JsonNode first = sendMessage(a, room, "once", "same");
    JsonNode second = sendMessage(a, room, "once", "same");
    assertThat(second.at("/message/id").asText()).isEqualTo(first.at("/message/id").asText());
    sendMessage(a, room, "next", "other");
    b.await(f -> f.at("/message/body").asText().equals("next"));
    assertThat(seqs(b, room)).containsExactly(1L, 2L);
    assertThat(stored()).isEqualTo(2);
  }

  @Test
  void restChangesReachSocketsAsEvents() {
    WsClient b = ws(bob);
    join(b, room, null);
    api.say(alice, room, "from rest");
    assertThat(b.await("new_message").at("/message/body").asText()).isEqualTo("from rest");
    Account carol = api.register("carol");
    WsClient c = ws(carol);
    api.invite(alice, room, carol);
    JsonNode invited = c.await("room_invited");
    assertThat(invited.at("/room/id").asText()).isEqualTo(room);
    assertThat(b.await("user_joined").at("/user/username").asText()).isEqualTo(carol.username());
  }

  @Test
  void editsDeletesReactionsReadsAndTypingReachTheRoom() {
    WsClient a = ws(alice);
    WsClient b = ws(bob);
    join(a, room, null);
    join(b, room, null);
    String id = sendMessage(a, room, "draft", "c-e").at("/message/id").asText();
    JsonNode edited =
        a.request(
            Map.of("type", "edit_message", "room_id", room, "message_id", id, "body", "final"));
    assertThat(edited.get("type").asText()).isEqualTo("ack");
    assertThat(b.await("message_edited").at("/message/body").asText()).isEqualTo("final");
    JsonNode reacted =
        b.request(
            Map.of("type", "react", "room_id", room, "message_id", id, "emoji", "👍", "on", true));
    assertThat(reacted.at("/message/reactions/👍/0").asText()).isEqualTo(bob.username());
    JsonNode reaction = a.await("reaction");
    assertThat(reaction.get("emoji").asText()).isEqualTo("👍");
    assertThat(reaction.get("on").asBoolean()).isTrue();
    b.send(Map.of("type", "typing", "room_id", room, "active", true));
    JsonNode typing = a.await("typing");
    assertThat(typing.get("user").asText()).isEqualTo(bob.username());
    assertThat(typing.get("active").asBoolean()).isTrue();
    b.send(Map.of("type", "read", "room_id", room, "seq", 1));
    assertThat(a.await("read_receipt").get("seq").asLong()).isEqualTo(1);
    assertThat(
            a.request(Map.of("type", "delete_message", "room_id", room, "message_id", id))
                .get("type")
                .asText())
        .isEqualTo("ack");
    assertThat(b.await("message_deleted").get("message_id").asText()).isEqualTo(id);
    assertThat(a.request(Map.of("type", "ping")).get("type").asText()).isEqualTo("pong");
  }

  @Test
  void typingStopsByItselfAfterSixSeconds() {
    WsClient a = ws(alice);
    WsClient b = ws(bob);
    join(a, room, null);
    b.send(Map.of("type", "typing", "room_id", room, "active", true));
    a.await(f -> "typing".equals(f.path("type").asText()) && f.get("active").asBoolean());
    long start = System.nanoTime();
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> a.ofType("typing").stream().anyMatch(f -> !f.get("active").asBoolean()));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofSeconds(4));
  }

  @Test
  void leavingARoomStopsItsEventsButNotTheMembership() {
    WsClient witness = ws(alice);
    join(witness, room, null);
    WsClient b = ws(bob);
    join(b, room, null);
    JsonNode left = b.request(Map.of("type", "leave_room", "room_id", room));
    assertThat(left.get("type").asText()).isEqualTo("left");
    api.say(alice, room, "unheard");
    heardEverywhere(witness, b, "unheard");
    assertThat(b.ofType("new_message")).isEmpty();
    assertThat(api.get("/api/v1/rooms/" + room, bob.accessToken()).json().get("my_role").asText())
        .isEqualTo("member");
  }

  // ---- resume ----

  @Test
  void rejoiningWithSinceSeqReplaysExactlyWhatWasMissedThenGoesLive() {
    api.say(alice, room, "1");
    api.say(alice, room, "2");
    WsClient first = ws(bob);
    join(first, room, null);
    first.close();
    for (int i = 3; i <= 7; i++) {
      api.say(alice, room, String.valueOf(i));
    }
    WsClient again = ws(bob);
    JsonNode joined = join(again, room, 2L);
    assertThat(joined.get("last_seq").asLong()).isEqualTo(7);
    assertThat(joined.has("truncated")).isFalse();
    assertThat(seqs(again, room)).containsExactly(3L, 4L, 5L, 6L, 7L);
    api.say(alice, room, "8");
    again.await(f -> f.at("/message/seq").asLong() == 8);
    assertThat(seqs(again, room)).containsExactly(3L, 4L, 5L, 6L, 7L, 8L);
  }

  @Test
  void messagesPostedWhileTheReplayRunsArriveOnceAndInOrder() throws Exception {
    for (int i = 1; i <= 40; i++) {
      api.say(alice, room, "old " + i);
    }
    WsClient poster = ws(alice);
    WsClient reader = ws(bob);
    Thread writer =
        Thread.ofVirtual()
            .start(
                () -> {
                  for (int i = 0; i < 60; i++) {
                    poster.send(
                        Map.of(
                            "type",
                            "send_message",
                            "room_id",
                            room,
                            "body",
                            "live " + i,
                            "client_id",
                            "l" + i));
                  }
                });
    JsonNode joined = join(reader, room, 0L);
    writer.join();
    try {
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .failFast(
              "an error frame arrived",
              () -> poster.ofType("error").size() + reader.ofType("error").size() > 0)
          .until(() -> seqs(reader, room).size() >= 100);
    } catch (RuntimeException e) {
      throw new AssertionError(
          "joined="
              + joined
              + " seqs="
              + seqs(reader, room)
              + " reader errors="
              + reader.ofType("error")
              + " poster errors="
              + poster.ofType("error")
              + " acks="
              + poster.ofType("ack").size(),
          e);
    }
    assertThat(seqs(reader, room)).isEqualTo(LongStream.rangeClosed(1, 100).boxed().toList());
    List<JsonNode> frames = reader.frames();
    int joinedAt = frames.indexOf(joined);
    assertThat(
            frames.subList(0, joinedAt).stream()
                .filter(f -> f.has("message"))
                .allMatch(f -> f.at("/message/seq").asLong() <= joined.get("last_seq").asLong()))
        .isTrue();
  }

  @Test
  void missingMoreThanTheReplayBoundSendsTheNewestAndSaysTruncated() {
    for (int i = 1; i <= 80; i++) {
      api.say(alice, room, "m" + i);
    }
    WsClient b = ws(bob);
    JsonNode joined = join(b, room, 0L);
    assertThat(joined.get("truncated").asBoolean()).isTrue();
    assertThat(joined.get("last_seq").asLong()).isEqualTo(80);
    assertThat(seqs(b, room)).isEqualTo(LongStream.rangeClosed(31, 80).boxed().toList());
  }

  /**
   * Returns once a message {@code witness} (subscribed to its room on this node) receives would
   * also have reached {@code other}: the fan-out hands one event to every subscriber's loop at
   * once, and two round trips on {@code other}'s connection let its loop run what was queued.
   */
  private static void heardEverywhere(WsClient witness, WsClient other, String body) {
    witness.await(
        f ->
            "new_message".equals(f.path("type").asText())
                && body.equals(f.at("/message/body").asText()));
    for (int i = 0; i < 2; i++) {
      assertThat(other.request(Map.of("type", "ping")).get("type").asText()).isEqualTo("pong");
    }
  }

  // ---- presence ----

  @Test
  void presenceGoesOnlineAtTheFirstConnectionAndOfflineAfterTheLast() {
    WsClient watcher = ws(alice);
    WsClient b1 = ws(bob);
    watcher.await(
        f ->
            "presence".equals(f.path("type").asText())
                && bob.username().equals(f.get("user").asText())
                && f.get("online").asBoolean());
    assertThat(
            api.get("/api/v1/users/" + bob.username(), alice.accessToken())
                .json()
                .get("online")
                .asBoolean())
        .isTrue();
    WsClient b2 = ws(bob);
    b1.close();
    b2.request(Map.of("type", "ping"));
    assertThat(
            watcher.ofType("presence").stream()
                .filter(
                    f ->
                        bob.username().equals(f.get("user").asText())
                            && !f.get("online").asBoolean()))
        .isEmpty();
    b2.close();
    watcher.await(
        f ->
            "presence".equals(f.path("type").asText())
                && bob.username().equals(f.get("user").asText())
                && !f.get("online").asBoolean());
    assertThat(
            watcher.ofType("presence").stream()
                .filter(f -> bob.username().equals(f.get("user").asText())))
        .as("online at the first connection, offline after the last: none at the first close")
        .extracting(f -> f.get("online").asBoolean())
        .containsExactly(true, false);
    JsonNode members =
        api.get("/api/v1/rooms/" + room + "/members", alice.accessToken()).json().get("members");
    members.forEach(
        m -> {
          if (m.at("/user/username").asText().equals(bob.username())) {
            assertThat(m.get("online").asBoolean()).isFalse();
          }
        });
  }

  @Test
  void usersLeavingAllAtOnceAreEachRecordedAndAnnouncedOffline() {
    // Departures are settled by one worker in batches: none may be lost between its runs.
    int n = 40;
    List<Account> leavers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Account a = api.register("leaver");
      api.invite(alice, room, a);
      leavers.add(a);
    }
    WsClient watcher = ws(alice);
    List<WsClient> sockets = leavers.stream().map(this::ws).toList();
    for (Account a : leavers) {
      watcher.await(
          f ->
              "presence".equals(f.path("type").asText())
                  && a.username().equals(f.get("user").asText())
                  && f.get("online").asBoolean());
    }
    Map<String, String> seenBefore = new HashMap<>(); // set when they signed up
    leavers.forEach(
        a ->
            seenBefore.put(
                a.username(),
                api.get("/api/v1/users/" + a.username(), alice.accessToken())
                    .json()
                    .get("last_seen_at")
                    .asText()));
    sockets.forEach(WsClient::close);
    for (Account a : leavers) {
      watcher.await(
          f ->
              "presence".equals(f.path("type").asText())
                  && a.username().equals(f.get("user").asText())
                  && !f.get("online").asBoolean());
      JsonNode profile = api.get("/api/v1/users/" + a.username(), alice.accessToken()).json();
      assertThat(profile.get("online").asBoolean()).isFalse();
      assertThat(Instant.parse(profile.get("last_seen_at").asText()))
          .as(a.username())
          .isAfter(Instant.parse(seenBefore.get(a.username())));
    }
  }

  // ---- heartbeats ----

  @Test
  void theServerPingsAndClosesASilentConnection() throws Exception {
    WsClient polite = ws(alice);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> polite.pings() >= 3);
    assertThat(polite.isClosed()).isFalse();
    try (RawWs silent = new RawWs(server.port(), "/ws?token=" + alice.accessToken(), 0)) {
      assertThat(silent.readUntilClose()).isEqualTo(4000);
    }
  }

  @Test
  void aNodePingsItsConnectionsASliceAtATimeNotAllAtOnce() {
    List<WsClient> clients = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      clients.add(ws(alice));
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> clients.stream().allMatch(c -> c.pings() >= 2));
    // Where in the 300 ms interval each connection is pinged: pinging them all in one task would
    // put
    // every phase within a few milliseconds; slices spread them over the interval.
    long interval = 300_000_000L;
    long origin = clients.get(0).pingTimes().get(1);
    List<Long> phases =
        clients.stream()
            .map(c -> Math.floorMod(c.pingTimes().get(1) - origin, interval))
            .sorted()
            .toList();
    long window = 30_000_000L;
    int crowded = 0;
    for (long from : phases) { // the most phases within 30 ms of one another, around the circle
      int n = 0;
      for (long p : phases) {
        if (Math.floorMod(p - from, interval) < window) {
          n++;
        }
      }
      crowded = Math.max(crowded, n);
    }
    assertThat(crowded)
        .as("pings within one 30 ms window, of %d: %s", phases.size(), phases)
        .isLessThanOrEqualTo(15);
  }

  @Test
  void theHeartbeatCutsTheIntervalIntoTicksOfAtLeastTwentyMilliseconds() {
    assertThat(Heartbeat.slices(25_000)).isEqualTo(250);
    assertThat(Heartbeat.slices(300)).isEqualTo(15);
    assertThat(Heartbeat.slices(10)).isEqualTo(1);
  }

  // ---- limits and abuse ----

  @Test
  void aFrameOverSixtyFourKibClosesWith1009AndStoresNothing() throws Exception {
    try (RawWs raw = new RawWs(server.port(), "/ws?token=" + alice.accessToken(), 0)) {
      String big =
          "{\"type\":\"send_message\",\"room_id\":\""
              + room
              + "\",\"client_id\":\"big\",\"body\":\""
              + "x".repeat(70_000)
              + "\"}";
      raw.sendText(big);
      assertThat(raw.readUntilClose()).isEqualTo(1009);
    }
    assertThat(stored()).isZero();
  }

  @Test
  void malformedFramesGetBadRequestAndTheConnectionStays() {
    WsClient a = ws(alice);
    a.sendText("{not json");
    assertThat(a.await("error").at("/error/code").asText()).isEqualTo("bad_request");
    Map<String, Map<String, Object>> cases = new LinkedHashMap<>();
    cases.put("unknown type", Map.of("type", "shout", "ref", "x1"));
    cases.put(
        "missing field",
        Map.of("type", "send_message", "room_id", room, "client_id", "c", "ref", "x2"));
    cases.put(
        "wrong type",
        Map.of("type", "send_message", "room_id", room, "body", 5, "client_id", "c", "ref", "x3"));
    cases.put(
        "wrong type bool", Map.of("type", "typing", "room_id", room, "active", "yes", "ref", "x4"));
    cases.put(
        "negative seq", Map.of("type", "join_room", "room_id", room, "since_seq", -1, "ref", "x5"));
    cases.forEach(
        (name, frame) -> {
          a.send(frame);
          JsonNode err = a.await(f -> frame.get("ref").equals(f.path("ref").asText(null)));
          assertThat(err.get("type").asText()).as(name).isEqualTo("error");
          assertThat(err.at("/error/code").asText())
              .as(name)
              .isIn("bad_request", "validation_failed");
        });
    JsonNode blank =
        a.request(Map.of("type", "send_message", "room_id", room, "body", "   ", "client_id", "b"));
    assertThat(blank.at("/error/code").asText()).isEqualTo("validation_failed");
    assertThat(blank.at("/error/details/field").asText()).isEqualTo("body");
    assertThat(a.request(Map.of("type", "ping")).get("type").asText()).isEqualTo("pong");
    assertThat(stored()).isZero();
  }

  @Test
  void roomsTheUserMayNotSeeAreForbidden() {
    Account eve = api.register("eve");
    WsClient e = ws(eve);
    assertThat(join(e, room, null).at("/error/code").asText()).isEqualTo("forbidden");
    assertThat(sendMessage(e, room, "intrusion", "x").at("/error/code").asText())
        .isEqualTo("forbidden");
    WsClient witness = ws(alice);
    join(witness, room, null);
    api.say(alice, room, "secret");
    heardEverywhere(witness, e, "secret");
    assertThat(e.ofType("new_message")).isEmpty();
    assertThat(stored()).isEqualTo(1);
  }
}
