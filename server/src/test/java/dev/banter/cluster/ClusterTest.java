package dev.banter.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.NodeProcess;
import dev.banter.support.Postgres;
import dev.banter.support.Redis;
import dev.banter.support.WsClient;
import io.lettuce.core.RedisClient;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Three nodes as separate processes on the machine's PostgreSQL and Redis: every event crosses
 * nodes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterTest {
  Path dir;
  String database;
  final List<NodeProcess> nodes = new ArrayList<>();
  final List<AutoCloseable> clients = new ArrayList<>();

  @BeforeAll
  void startNodes() throws Exception {
    dir = Files.createTempDirectory("banter-cluster-");
    String redis = Redis.shared();
    database = Postgres.createDatabase();
    Map<String, String> env =
        Map.of(
            "BANTER_DATABASE_URL",
            database,
            "BANTER_REDIS_URL",
            redis,
            "BANTER_PRESENCE_TTL",
            "3s");
    List<Thread> starting = new ArrayList<>();
    NodeProcess[] started = new NodeProcess[3];
    for (int i = 0; i < 3; i++) {
      int n = i;
      starting.add(
          Thread.ofVirtual().start(() -> started[n] = NodeProcess.start("n" + (n + 1), dir, env)));
    }
    for (Thread t : starting) {
      t.join();
    }
    nodes.addAll(List.of(started));
  }

  @AfterAll
  void stopNodes() throws Exception {
    for (AutoCloseable c : clients) {
      c.close();
    }
    nodes.forEach(NodeProcess::close);
    if (database != null) {
      Postgres.dropDatabase(database);
    }
  }

  private WsClient ws(NodeProcess node, Account a) {
    WsClient c = WsClient.connect(node.baseUrl(), a.accessToken());
    clients.add(c);
    return c;
  }

  private static JsonNode awaitType(WsClient c, String type) {
    try {
      return c.await(type);
    } catch (RuntimeException e) {
      throw new AssertionError("no " + type + " in " + c.frames(), e);
    }
  }

  @Test
  void everyEventTypeCrossesNodes() {
    Api one = nodes.get(0).api();
    Api two = nodes.get(1).api();
    Account alice = one.register("alice");
    Account bob = one.register("bob");
    Account carol = one.register("carol");
    String room = one.createRoom(alice, "private");
    one.invite(alice, room, bob);
    WsClient a = ws(nodes.get(0), alice);
    WsClient b = ws(nodes.get(1), bob);
    a.request(Map.of("type", "join_room", "room_id", room));
    b.request(Map.of("type", "join_room", "room_id", room));

    String id =
        a.request(
                Map.of(
                    "type",
                    "send_message",
                    "room_id",
                    room,
                    "body",
                    "hi from n1",
                    "client_id",
                    "x1"))
            .at("/message/id")
            .asText();
    assertThat(awaitType(b, "new_message").at("/message/body").asText()).isEqualTo("hi from n1");
    a.request(
        Map.of("type", "edit_message", "room_id", room, "message_id", id, "body", "edited on n1"));
    assertThat(awaitType(b, "message_edited").at("/message/body").asText())
        .isEqualTo("edited on n1");
    a.request(
        Map.of("type", "react", "room_id", room, "message_id", id, "emoji", "🎉", "on", true));
    assertThat(awaitType(b, "reaction").get("emoji").asText()).isEqualTo("🎉");
    one.put("/api/v1/rooms/" + room + "/pins/" + id, null, alice.accessToken());
    assertThat(awaitType(b, "message_updated").at("/message/pinned_by").asText())
        .isEqualTo(alice.username());
    a.send(Map.of("type", "typing", "room_id", room, "active", true));
    assertThat(awaitType(b, "typing").get("user").asText()).isEqualTo(alice.username());
    b.send(Map.of("type", "read", "room_id", room, "seq", 1));
    assertThat(awaitType(a, "read_receipt").get("user").asText()).isEqualTo(bob.username());
    // REST on a third node reaches sockets on the other two
    WsClient c = ws(nodes.get(2), carol);
    nodes.get(2).api().invite(alice, room, carol);
    assertThat(awaitType(c, "room_invited").at("/room/id").asText()).isEqualTo(room);
    assertThat(awaitType(b, "user_joined").at("/user/username").asText())
        .isEqualTo(carol.username());
    two.post("/api/v1/rooms/" + room + "/leave", Map.of(), carol.accessToken());
    assertThat(awaitType(a, "user_left").at("/user/username").asText()).isEqualTo(carol.username());
    two.patch("/api/v1/rooms/" + room, Map.of("topic", "cluster talk"), alice.accessToken());
    assertThat(awaitType(b, "room_updated").at("/room/topic").asText()).isEqualTo("cluster talk");
    a.request(Map.of("type", "delete_message", "room_id", room, "message_id", id));
    assertThat(awaitType(b, "message_deleted").get("message_id").asText()).isEqualTo(id);
    one.delete("/api/v1/rooms/" + room, alice.accessToken());
    assertThat(awaitType(b, "room_deleted").get("room_id").asText()).isEqualTo(room);
  }

  @Test
  void threadsMentionsAndNotificationsCrossNodes() {
    Api one = nodes.get(0).api();
    Api three = nodes.get(2).api();
    Account alice = one.register("alice");
    Account bob = one.register("bob");
    String room = one.createRoom(alice, "private");
    one.invite(alice, room, bob);
    WsClient bobOnTwo = ws(nodes.get(1), bob);
    WsClient bobOnThree = ws(nodes.get(2), bob);
    JsonNode seen = bobOnTwo.request(Map.of("type", "join_room", "room_id", room));
    awaitType(bobOnThree, "ready");

    // alice posts on n1; bob is told on both of his nodes
    String root =
        Api.expect(
                one.post(
                    "/api/v1/rooms/" + room + "/messages",
                    Map.of("body", "@" + bob.username() + " a question for you"),
                    alice.accessToken()),
                201)
            .json()
            .get("id")
            .asText();
    for (WsClient c : List.of(bobOnTwo, bobOnThree)) {
      JsonNode n =
          c.await(
              f ->
                  f.path("type").asText().equals("notification")
                      && f.at("/message/id").asText().equals(root));
      assertThat(n.get("reason").asText()).isEqualTo("mention");
    }
    assertThat(
            three
                .get("/api/v1/rooms/" + room, bob.accessToken())
                .json()
                .get("mention_count")
                .asLong())
        .isEqualTo(1);

    // a reply on n3 updates the root's summary for a subscriber on n2, and resumes the same way
    bobOnTwo.close();
    Api.expect(
        three.post(
            "/api/v1/rooms/" + room + "/messages",
            Map.of("body", "more detail", "thread_id", root),
            alice.accessToken()),
        201);
    WsClient back = ws(nodes.get(1), bob);
    JsonNode joined =
        back.request(
            Map.of(
                "type",
                "join_room",
                "room_id",
                room,
                "since_seq",
                seen.get("last_seq").asLong(),
                "since_rev",
                seen.get("last_rev").asLong()));
    List<JsonNode> frames = back.frames();
    List<String> replay =
        frames.subList(0, frames.indexOf(joined)).stream()
            .filter(f -> f.has("message") && !f.path("type").asText().equals("notification"))
            .map(f -> f.get("type").asText() + " " + f.at("/message/thread/reply_count").asInt(0))
            .toList();
    // the root is new to bob too: replayed once, in its current state (with the reply counted)
    assertThat(replay).containsExactly("new_message 1", "new_message 0");
    assertThat(
            nodes
                .get(1)
                .api()
                .get("/api/v1/rooms/" + room, bob.accessToken())
                .json()
                .get("mention_count")
                .asLong())
        .as("the mention count after resume, on another node")
        .isEqualTo(1);
    JsonNode notified =
        bobOnThree.await(
            f ->
                f.path("type").asText().equals("notification")
                    && f.path("reason").asText().equals("thread"));
    assertThat(notified.at("/message/thread_id").asText()).isEqualTo(root);

    // a level set on n3 reaches the notifier of n1, which remembered the room's settings
    Api.expect(
        three.put(
            "/api/v1/rooms/" + room + "/notifications", Map.of("level", "all"), bob.accessToken()),
        200);
    List<String> posted = new ArrayList<>();
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              posted.add(
                  one.post(
                          "/api/v1/rooms/" + room + "/messages",
                          Map.of("body", "plain " + posted.size()),
                          alice.accessToken())
                      .json()
                      .get("id")
                      .asText());
              return bobOnThree.ofType("notification").stream()
                  .anyMatch(
                      f ->
                          f.path("reason").asText().equals("room")
                              && posted.contains(f.at("/message/id").asText()));
            });
  }

  @Test
  void presenceIsSharedAcrossNodesAndADeadNodesUsersGoOffline() throws Exception {
    Api one = nodes.get(0).api();
    Account watcher = one.register("watcher");
    Account mover = one.register("mover");
    WsClient w = ws(nodes.get(0), watcher);
    // a node of its own for the user whose node will die
    NodeProcess doomed =
        NodeProcess.start(
            "doomed",
            dir,
            Map.of(
                "BANTER_DATABASE_URL",
                database,
                "BANTER_REDIS_URL",
                Redis.shared(),
                "BANTER_PRESENCE_TTL",
                "3s"));
    try {
      WsClient m = WsClient.connect(doomed.baseUrl(), mover.accessToken());
      w.await(
          f ->
              "presence".equals(f.path("type").asText())
                  && mover.username().equals(f.path("user").asText())
                  && f.get("online").asBoolean());
      JsonNode profile =
          nodes.get(2).api().get("/api/v1/users/" + mover.username(), watcher.accessToken()).json();
      assertThat(profile.get("online").asBoolean()).isTrue();
      // The heartbeat renews the claim: past the first claim's expiry the user still reads online
      // elsewhere.
      RedisClient redis = RedisClient.create(Redis.shared());
      try (var conn = redis.connect()) {
        String key = "banter:online:" + mover.id();
        double firstExpiry = conn.sync().zrangeWithScores(key, 0, -1).getFirst().getScore();
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    conn.sync().zrangeWithScores(key, 0, -1).stream()
                        .anyMatch(claim -> claim.getScore() > firstExpiry));
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> System.currentTimeMillis() > firstExpiry + 200);
        assertThat(
                nodes
                    .get(1)
                    .api()
                    .get("/api/v1/users/" + mover.username(), watcher.accessToken())
                    .json()
                    .get("online")
                    .asBoolean())
            .isTrue();
      } finally {
        redis.shutdown();
      }
      long killedAt = System.nanoTime();
      doomed.kill();
      m.close();
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  w.ofType("presence").stream()
                      .anyMatch(
                          f ->
                              mover.username().equals(f.path("user").asText())
                                  && !f.get("online").asBoolean()));
      System.out.printf(
          "presence: a killed node's user went offline after %d ms%n",
          Duration.ofNanos(System.nanoTime() - killedAt).toMillis());
      assertThat(
              nodes
                  .get(1)
                  .api()
                  .get("/api/v1/users/" + mover.username(), watcher.accessToken())
                  .json()
                  .get("online")
                  .asBoolean())
          .isFalse();
    } finally {
      doomed.kill();
    }
  }

  @Test
  void endingASessionOnOneNodeClosesItsSocketsOnTheOthersAndItsTokenIsRefusedEverywhere() {
    Account alice = nodes.get(0).api().register("ender");
    WsClient onTwo = ws(nodes.get(1), alice);
    awaitType(onTwo, "ready");
    Api.expect(
        nodes
            .get(0)
            .api()
            .post("/api/v1/auth/logout", Map.of("refresh_token", alice.refreshToken()), null),
        204);
    assertThat(onTwo.closeCode()).isEqualTo(4001);
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> nodes.get(2).api().get("/api/v1/auth/me", alice.accessToken()).status() == 401);
  }
}
