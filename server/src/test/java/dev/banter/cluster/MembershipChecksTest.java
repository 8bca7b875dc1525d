package dev.banter.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Backend;
import dev.banter.support.Redis;
import dev.banter.support.TestServer;
import dev.banter.support.WsClient;
import io.lettuce.core.RedisClient;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * In cluster mode a node subscribes to a room on Redis only for a member, and a removal whose event
 * was lost still ends the removed user's subscription when the node checks memberships.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MembershipChecksTest {
  TestServer server;
  Api api;
  RedisClient redis;

  @BeforeAll
  void start() {
    server = TestServer.start(Backend.POSTGRES, Map.of("BANTER_REDIS_URL", Redis.shared()));
    api = server.api();
    redis = RedisClient.create(Redis.shared());
  }

  @AfterAll
  void stop() {
    redis.shutdown();
    server.close();
  }

  private long redisSubscribers(String roomId) {
    try (var c = redis.connect()) {
      return c.sync().pubsubNumsub("banter:r:" + roomId).getOrDefault("banter:r:" + roomId, 0L);
    }
  }

  @Test
  void aNonMembersJoinIsRefusedBeforeAnythingIsSubscribed() {
    Account owner = api.register("keeper");
    Account outsider = api.register("prober");
    String room = api.createRoom(owner, "private");
    try (WsClient ws = WsClient.connect(server.baseUrl(), outsider.accessToken())) {
      JsonNode refused = ws.request(Map.of("type", "join_room", "room_id", room));
      assertThat(refused.at("/error/code").asText()).isEqualTo("forbidden");
      assertThat(redisSubscribers(room)).isZero();
    }
    try (WsClient ws = WsClient.connect(server.baseUrl(), owner.accessToken())) {
      ws.request(Map.of("type", "join_room", "room_id", room));
      assertThat(redisSubscribers(room)).as("a member's join does subscribe").isEqualTo(1);
    }
  }

  @Test
  void aRemovalWhoseEventWasLostEndsTheSubscriptionAtTheNextMembershipCheck() {
    Account owner = api.register("mod");
    Account removed = api.register("goner");
    String room = api.createRoom(owner, "private");
    api.invite(owner, room, removed);
    try (WsClient stays = WsClient.connect(server.baseUrl(), owner.accessToken());
        WsClient leaves = WsClient.connect(server.baseUrl(), removed.accessToken())) {
      stays.request(Map.of("type", "join_room", "room_id", room));
      leaves.request(Map.of("type", "join_room", "room_id", room));
      // the removal happens where this node hears nothing of it (another node, and Redis dropped
      // the event)
      server
          .db()
          .useHandle(
              h ->
                  h.execute(
                      "DELETE FROM room_members WHERE room_id = ? AND user_id = ?",
                      room,
                      removed.id()));
      server.banter().gateway().auditSubscriptions();
      assertThat(leaves.await("user_left").at("/user/id").asText()).isEqualTo(removed.id());
      api.say(owner, room, "after the removal");
      stays.await(
          f ->
              "new_message".equals(f.path("type").asText())
                  && "after the removal".equals(f.at("/message/body").asText()));
      assertThat(leaves.request(Map.of("type", "ping")).path("type").asText()).isEqualTo("pong");
      assertThat(leaves.ofType("new_message")).isEmpty();
    }
  }
}
