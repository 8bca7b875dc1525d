package dev.banter.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Api.Reply;
import dev.banter.support.Backend;
import dev.banter.support.Redis;
import dev.banter.support.TestServer;
import dev.banter.support.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A private redis-server, stopped and restarted mid-run: each node keeps serving its own clients,
 * /ready says degraded, the nodes reconnect by themselves, and what crossed nothing while Redis was
 * away reaches the other node's clients by seq from the database.
 */
class RedisOutageTest {

  @Test
  void nodesKeepServingTheirOwnClientsAndCatchUpAfterRedisReturns() {
    try (Redis redis = Redis.startPrivate();
        TestServer a =
            TestServer.start(
                Backend.POSTGRES, Map.of("BANTER_REDIS_URL", redis.url(), "BANTER_NODE_ID", "a"));
        TestServer b =
            TestServer.start(
                Backend.POSTGRES,
                Map.of(
                    "BANTER_REDIS_URL",
                    redis.url(),
                    "BANTER_NODE_ID",
                    "b",
                    "BANTER_DATABASE_URL",
                    a.databaseUrl()))) {
      Api api = a.api();
      Account alice = api.register("alice");
      Account bob = api.register("bob");
      Account carol = api.register("carol");
      String room = api.createRoom(alice, "public");
      api.invite(alice, room, bob);
      String local = api.createRoom(carol, "public"); // a room that only B's clients use
      api.invite(carol, local, bob);
      try (WsClient onA = WsClient.connect(a.baseUrl(), alice.accessToken());
          WsClient bobOnB = WsClient.connect(b.baseUrl(), bob.accessToken());
          WsClient carolOnB = WsClient.connect(b.baseUrl(), carol.accessToken())) {
        onA.request(Map.of("type", "join_room", "room_id", room));
        bobOnB.request(Map.of("type", "join_room", "room_id", room));
        carolOnB.request(Map.of("type", "join_room", "room_id", local));
        bobOnB.request(Map.of("type", "join_room", "room_id", local));
        onA.request(
            Map.of("type", "send_message", "room_id", room, "body", "before", "client_id", "b0"));
        bobOnB.await(f -> f.at("/message/seq").asLong() == 1);

        Logger busLogger = (Logger) LoggerFactory.getLogger(RedisBus.class);
        ListAppender<ILoggingEvent> busLog = new ListAppender<>();
        busLog.start();
        busLogger.addAppender(busLog);
        busLogger.setLevel(Level.INFO); // the outage's end is an info line
        redis.stop();
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> a.api().get("/ready", null).status() == 503);
        Reply ready = b.api().get("/ready", null);
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().at("/error/details/redis").asText()).isEqualTo("down");
        assertThat(ready.json().at("/error/details/database").asText()).isEqualTo("up");

        for (int i = 0; i < 5; i++) { // acked on A while B cannot hear it
          assertThat(
                  onA.request(
                          Map.of(
                              "type",
                              "send_message",
                              "room_id",
                              room,
                              "body",
                              "during " + i,
                              "client_id",
                              "d" + i))
                      .get("type")
                      .asText())
              .isEqualTo("ack");
        }
        // B keeps serving its own clients
        carolOnB.request(
            Map.of(
                "type", "send_message", "room_id", local, "body", "local on b", "client_id", "c1"));
        bobOnB.await(f -> "local on b".equals(f.at("/message/body").asText()));
        assertThat(
                bobOnB.ofType("new_message").stream()
                    .filter(f -> room.equals(f.at("/message/room_id").asText())))
            .hasSize(1); // nothing of A's crossed while Redis was away

        // every event Redis refused is counted, and the outage is logged once per node, not once
        // per event
        assertThat(publishFailures(a)).isGreaterThanOrEqualTo(5);
        assertThat(
                busLog.list.stream()
                    .filter(l -> l.getFormattedMessage().startsWith("publishing to redis fails")))
            .hasSizeBetween(1, 2);

        redis.start();
        Awaitility.await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    a.api().get("/ready", null).status() == 200
                        && b.api().get("/ready", null).status() == 200);
        // what B missed arrives from the database after the reconnect, by seq, exactly once, in
        // order
        Awaitility.await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> inRoom(bobOnB, room).size() >= 6);
        assertThat(inRoom(bobOnB, room)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        // and live traffic crosses again
        onA.request(
            Map.of("type", "send_message", "room_id", room, "body", "after", "client_id", "a1"));
        bobOnB.await(f -> "after".equals(f.at("/message/body").asText()));
        assertThat(inRoom(bobOnB, room)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        // logged when Redis answers the publish, which may come after the subscriber got the
        // message
        Awaitility.await()
            .atMost(Duration.ofSeconds(5))
            .until(
                () ->
                    busLog.list.stream()
                        .anyMatch(
                            l ->
                                l.getFormattedMessage().equals("publishing to redis works again")));
        busLogger.detachAppender(busLog);
        busLogger.setLevel(null);
      }
    }
  }

  private static double publishFailures(TestServer node) {
    return node.api()
        .get("/metrics", null)
        .raw()
        .body()
        .lines()
        .filter(l -> l.startsWith("banter_redis_publish_failures_total"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static List<Long> inRoom(WsClient c, String room) {
    return c.ofType("new_message").stream()
        .filter(f -> room.equals(f.at("/message/room_id").asText()))
        .map(f -> f.at("/message/seq").asLong())
        .toList();
  }

  @Test
  void aNodeStartedBeforeItsRedisWaitsForItAndThenServes() throws Exception {
    Logger busLogger = (Logger) LoggerFactory.getLogger(RedisBus.class);
    ListAppender<ILoggingEvent> busLog = new ListAppender<>();
    busLog.start();
    busLogger.addAppender(busLog);
    busLogger.setLevel(Level.WARN); // tests log errors only
    try (Redis redis = Redis.startPrivate()) {
      redis.stop();
      CompletableFuture<TestServer> starting =
          CompletableFuture.supplyAsync(
              () -> TestServer.start(Backend.POSTGRES, Map.of("BANTER_REDIS_URL", redis.url())));
      Awaitility.await()
          .atMost(Duration.ofSeconds(15))
          .until(
              () ->
                  starting.isDone()
                      || busLog.list.stream()
                          .anyMatch(
                              e ->
                                  e.getFormattedMessage().startsWith("Redis does not answer yet")));
      if (starting.isDone()) {
        starting.join().close(); // surfaces why it did not wait
      }
      assertThat(starting).as("still waiting for Redis").isNotDone();
      redis.start();
      try (TestServer node =
          starting.get(RedisBus.START_PATIENCE.toSeconds() + 10, TimeUnit.SECONDS)) {
        Api api = node.api();
        Account alice = api.register("early");
        String room = api.createRoom(alice, "public");
        try (WsClient ws = WsClient.connect(node.baseUrl(), alice.accessToken())) {
          ws.request(Map.of("type", "join_room", "room_id", room));
          api.say(alice, room, "after Redis came up");
          ws.await(f -> f.path("type").asText().equals("new_message"));
        }
        assertThat(api.get("/ready", null).status()).isEqualTo(200);
      }
    } finally {
      busLogger.detachAppender(busLog);
    }
  }
}
