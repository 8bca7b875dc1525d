package dev.banter.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Api.Reply;
import dev.banter.support.Backend;
import dev.banter.support.TestServer;
import dev.banter.support.WsClient;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What one user may learn about others: no private room's existence through its name, nobody's
 * online state without a shared room, and guests stay in public rooms only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrivacyRulesTest {
  TestServer server;
  Api api;

  @BeforeAll
  void start() {
    server = TestServer.start(Backend.SQLITE, Map.of("BANTER_GUEST_ACCESS", "true"));
    api = server.api();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private Account guest(String stem) {
    return Api.account(
        Api.expect(
            api.post("/api/v1/auth/guest", Map.of("username", Api.uniqueName(stem)), null), 201),
        null);
  }

  @Test
  void creatingAChannelNamedLikeSomeoneElsesPrivateRoomRevealsNothing() {
    Account alice = api.register("secretive");
    Account bob = api.register("curious");
    String name = Api.uniqueName("plans");
    Api.expect(
        api.post(
            "/api/v1/rooms", Map.of("name", name, "visibility", "private"), alice.accessToken()),
        201);
    assertThat(
            api.post(
                    "/api/v1/rooms",
                    Map.of("name", name, "visibility", "private"),
                    bob.accessToken())
                .status())
        .isEqualTo(201);
    assertThat(
            api.post("/api/v1/rooms", Map.of("name", name), api.register("other").accessToken())
                .status())
        .as("a public channel of that name too")
        .isEqualTo(201);
    // names the caller can see are still unique: their own private room, and public channels
    assertThat(
            api.post(
                    "/api/v1/rooms",
                    Map.of("name", name, "visibility", "private"),
                    alice.accessToken())
                .status())
        .isEqualTo(409);
    assertThat(
            api.post("/api/v1/rooms", Map.of("name", name), api.register("late").accessToken())
                .status())
        .isEqualTo(409);
  }

  @Test
  void makingAPublicRoomPrivateRemovesItsGuests() {
    Account owner = api.register("closer");
    Account member = api.register("stayer");
    Account visitor = guest("visitor");
    String room = api.createRoom(owner, "public");
    Api.expect(api.post("/api/v1/rooms/" + room + "/join", Map.of(), member.accessToken()), 200);
    Api.expect(api.post("/api/v1/rooms/" + room + "/join", Map.of(), visitor.accessToken()), 200);
    try (WsClient watching = WsClient.connect(server.baseUrl(), owner.accessToken())) {
      watching.request(Map.of("type", "join_room", "room_id", room));
      Api.expect(
          api.patch("/api/v1/rooms/" + room, Map.of("visibility", "private"), owner.accessToken()),
          200);
      JsonNode left = watching.await("user_left");
      assertThat(left.at("/user/id").asText()).isEqualTo(visitor.id());
    }
    assertThat(api.get("/api/v1/rooms/" + room + "/messages", visitor.accessToken()).status())
        .isEqualTo(403);
    assertThat(api.get("/api/v1/rooms/" + room + "/messages", member.accessToken()).status())
        .isEqualTo(200);
    JsonNode members = api.get("/api/v1/rooms/" + room + "/members", owner.accessToken()).json();
    assertThat(members.get("members").findValuesAsText("username"))
        .containsExactlyInAnyOrder(owner.username(), member.username());
  }

  @Test
  void whetherSomeoneIsOnlineIsVisibleOnlyToThoseWhoShareARoom() {
    Account hermit = api.register("hermit");
    String room = api.createRoom(hermit, "private");
    // the hermit leaves general, so only the private room is theirs
    Api.expect(api.post("/api/v1/rooms/general/leave", Map.of(), hermit.accessToken()), 204);
    Account friend = api.register("friend");
    api.invite(hermit, room, friend);
    Account stranger = api.register("stranger");
    Account visitor = guest("peeker");
    try (WsClient online = WsClient.connect(server.baseUrl(), hermit.accessToken())) {
      online.await("ready");
      String path = "/api/v1/users/" + hermit.username();
      assertThat(api.get(path, friend.accessToken()).json().get("online").asBoolean()).isTrue();
      Reply toStranger = api.get(path, stranger.accessToken());
      assertThat(toStranger.json().get("online").asBoolean()).isFalse();
      assertThat(toStranger.json().get("last_seen_at").isNull()).isTrue();
      assertThat(api.get(path, visitor.accessToken()).json().get("online").asBoolean()).isFalse();
      JsonNode found =
          api.get("/api/v1/users?query=" + hermit.username(), stranger.accessToken()).json();
      assertThat(found.at("/users/0/online").asBoolean()).isFalse();
      assertThat(
              api.get("/api/v1/users?query=" + hermit.username(), friend.accessToken())
                  .json()
                  .at("/users/0/online")
                  .asBoolean())
          .isTrue();
      assertThat(api.get("/api/v1/users/me", hermit.accessToken()).json().get("online").asBoolean())
          .isTrue();
    }
  }
}
