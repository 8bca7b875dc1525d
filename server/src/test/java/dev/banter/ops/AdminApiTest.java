package dev.banter.ops;

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

/** The admin API: global admins only; disabling takes effect at once, everywhere. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApiTest {
  TestServer server;
  Api api;
  Account admin;
  Account user;

  @BeforeAll
  void start() {
    server = TestServer.start(Backend.SQLITE);
    api = server.api();
    admin = api.register("root"); // the first user is a global admin
    user = api.register("plain");
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void onlyGlobalAdminsReachTheAdminApi() {
    Account victim = api.register("victim");
    String room = api.createRoom(victim, "private");
    String message = api.say(victim, room, "hello").get("id").asText();
    Map<String, Reply> asUser =
        Map.of(
            "stats", api.get("/api/v1/admin/stats", user.accessToken()),
            "disable",
                api.post(
                    "/api/v1/admin/users/" + victim.username() + "/disable",
                    Map.of(),
                    user.accessToken()),
            "enable",
                api.post(
                    "/api/v1/admin/users/" + victim.username() + "/enable",
                    Map.of(),
                    user.accessToken()),
            "delete",
                api.delete(
                    "/api/v1/admin/rooms/" + room + "/messages/" + message, user.accessToken()));
    asUser.forEach(
        (name, r) -> {
          assertThat(r.status()).as(name).isEqualTo(403);
          assertThat(r.errorCode()).isEqualTo("forbidden");
        });
    assertThat(api.get("/api/v1/admin/stats", null).status()).isEqualTo(401);
    assertThat(
            api.post("/api/v1/auth/refresh", Map.of("refresh_token", victim.refreshToken()), null)
                .status())
        .isEqualTo(200); // nothing was disabled
    assertThat(
            api.get("/api/v1/rooms/" + room + "/messages", victim.accessToken())
                .json()
                .at("/messages/0/deleted")
                .asBoolean())
        .isFalse();
  }

  @Test
  void statsCountUsersRoomsMessagesAndConnectionsPerNode() {
    try (WsClient connected = WsClient.connect(server.baseUrl(), user.accessToken())) {
      assertThat(connected.isClosed()).isFalse();
      Reply r = api.get("/api/v1/admin/stats", admin.accessToken());
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().get("users").asLong()).isEqualTo(server.count("users"));
      assertThat(r.json().get("rooms").asLong()).isEqualTo(server.count("rooms"));
      assertThat(r.json().get("messages").asLong()).isEqualTo(server.count("messages"));
      JsonNode node = r.json().get("nodes").get(0);
      assertThat(node.get("node_id").asText()).isNotBlank();
      assertThat(node.get("connections").asLong()).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void disablingAnAccountStopsItsTokensAndClosesItsSocketsAtOnce() {
    Account target = api.register("target");
    WsClient socket = WsClient.connect(server.baseUrl(), target.accessToken());
    assertThat(
            api.post(
                    "/api/v1/admin/users/" + target.username() + "/disable",
                    Map.of(),
                    admin.accessToken())
                .status())
        .isEqualTo(204);
    assertThat(socket.closeCode()).isEqualTo(4001);
    Reply me = api.get("/api/v1/auth/me", target.accessToken());
    assertThat(me.status()).isEqualTo(401);
    assertThat(
            api.post("/api/v1/auth/refresh", Map.of("refresh_token", target.refreshToken()), null)
                .status())
        .isEqualTo(401);
    Reply login =
        api.post(
            "/api/v1/auth/login",
            Map.of("username", target.username(), "password", target.password()),
            null);
    assertThat(login.status()).isEqualTo(403);
    try (WsClient again =
        WsClient.open(server.baseUrl(), "?token=" + target.accessToken(), Map.of())) {
      assertThat(again.closeCode()).isEqualTo(4001);
    }
    assertThat(
            api.post(
                    "/api/v1/admin/users/" + target.username() + "/enable",
                    Map.of(),
                    admin.accessToken())
                .status())
        .isEqualTo(204);
    Reply back =
        api.post(
            "/api/v1/auth/login",
            Map.of("username", target.username(), "password", target.password()),
            null);
    assertThat(back.status()).isEqualTo(200);
    assertThat(api.get("/api/v1/auth/me", back.json().get("access_token").asText()).status())
        .isEqualTo(200);
  }

  @Test
  void badAdminRequestsAreClearErrors() {
    assertThat(
            api.post("/api/v1/admin/users/nobody_known_here/disable", Map.of(), admin.accessToken())
                .status())
        .isEqualTo(404);
    Reply self =
        api.post(
            "/api/v1/admin/users/" + admin.username() + "/disable", Map.of(), admin.accessToken());
    assertThat(self.status()).isEqualTo(422);
    assertThat(api.get("/api/v1/auth/me", admin.accessToken()).status()).isEqualTo(200);
    assertThat(
            api.delete("/api/v1/admin/rooms/general/messages/none", admin.accessToken()).status())
        .isEqualTo(404);
  }

  @Test
  void anAdminDeletesAMessageInARoomTheyAreNotIn() {
    Account owner = api.register("roomowner");
    String room = api.createRoom(owner, "private");
    String id = api.say(owner, room, "spam").get("id").asText();
    assertThat(api.get("/api/v1/rooms/" + room, admin.accessToken()).status()).isEqualTo(403);
    assertThat(
            api.delete("/api/v1/admin/rooms/" + room + "/messages/" + id, admin.accessToken())
                .status())
        .isEqualTo(204);
    JsonNode m =
        api.get("/api/v1/rooms/" + room + "/messages", owner.accessToken())
            .json()
            .at("/messages/0");
    assertThat(m.get("deleted").asBoolean()).isTrue();
    assertThat(m.get("body").asText()).isEmpty();
    server.events().await("message_deleted", e -> room.equals(e.roomId()));
  }
}
