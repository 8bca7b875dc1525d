package dev.banter.ops;

import static dev.banter.support.Api.expect;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Api.Reply;
import dev.banter.support.Backend;
import dev.banter.support.TestServer;
import dev.banter.support.WsClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * SPEC §9 administration over real HTTP: user and room lists with search and cursors, role changes,
 * password reset links, and the audit entries of moderation acts; run once per storage backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AdministrationApiContract {
  TestServer server;
  Api api;
  Account admin;

  abstract Backend backend();

  @BeforeAll
  void start() {
    server = TestServer.start(backend());
    api = server.api();
    admin = api.register("root"); // the first account: a global admin
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private JsonNode get(String path) {
    return expect(api.get(path, admin.accessToken()), 200).json();
  }

  private List<String> names(JsonNode page, String list, String field) {
    List<String> out = new ArrayList<>();
    page.get(list).forEach(u -> out.add(u.get(field).asText()));
    return out;
  }

  private JsonNode latestAudit() {
    return get("/api/v1/admin/audit?limit=1").get("entries").get(0);
  }

  private static boolean works(Api api, String token) {
    return api.get("/api/v1/auth/me", token).status() == 200;
  }

  @Test
  void usersAreSearchedAndPagedByCursorWithoutRepeatsOrGaps() {
    String stem = Api.uniqueName("pager");
    List<String> made = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      made.add(api.register(stem).username());
    }
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page =
          get(
              "/api/v1/admin/users?limit=2&query="
                  + stem
                  + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(page.get("users").size()).isLessThanOrEqualTo(2);
      seen.addAll(names(page, "users", "username"));
      cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
    } while (cursor != null);
    assertThat(seen).containsExactlyElementsOf(made.stream().sorted().toList());
    JsonNode one = get("/api/v1/admin/users?query=" + made.get(0)).get("users").get(0);
    assertThat(one.get("role").asText()).isEqualTo("user");
    assertThat(one.get("disabled").asBoolean()).isFalse();
    assertThat(one.has("password_hash")).isFalse();
  }

  @Test
  void roomsListChannelsPrivateOnesTooButNoDirectRooms() {
    Account owner = api.register("lister");
    Account peer = api.register("peer");
    String secret = Api.uniqueName("hidden");
    String privateRoom =
        expect(
                api.post(
                    "/api/v1/rooms",
                    Map.of("name", secret, "visibility", "private"),
                    owner.accessToken()),
                201)
            .json()
            .get("id")
            .asText();
    Reply dm = api.post("/api/v1/dms", Map.of("username", peer.username()), owner.accessToken());
    assertThat(dm.status()).isIn(200, 201);
    JsonNode found = get("/api/v1/admin/rooms?query=" + secret);
    assertThat(names(found, "rooms", "id")).containsExactly(privateRoom);
    assertThat(found.at("/rooms/0/member_count").asInt()).isEqualTo(1);
    JsonNode all = get("/api/v1/admin/rooms?limit=200");
    assertThat(names(all, "rooms", "id")).doesNotContain(dm.json().get("id").asText());
  }

  @Test
  void demotingAnAdminEndsTheirSessionsAndIsAudited() {
    Account other = api.register("deputy");
    JsonNode promoted =
        expect(
                api.patch(
                    "/api/v1/admin/users/" + other.username(),
                    Map.of("role", "admin"),
                    admin.accessToken()),
                200)
            .json();
    assertThat(promoted.get("role").asText()).isEqualTo("admin");
    JsonNode audit = latestAudit();
    assertThat(audit.get("action").asText()).isEqualTo("user.role");
    assertThat(audit.at("/details/to").asText()).isEqualTo("admin");
    WsClient ws = WsClient.connect(server.baseUrl(), other.accessToken());
    try {
      ws.await("ready");
      expect(
          api.patch(
              "/api/v1/admin/users/" + other.username(),
              Map.of("role", "user"),
              admin.accessToken()),
          200);
      assertThat(works(api, other.accessToken())).isFalse();
      Awaitility.await().until(ws::isClosed);
      assertThat(ws.closeCode()).isEqualTo(4001);
    } finally {
      ws.close();
    }
  }

  @Test
  void badChangesAreRefusedAndChangeNothing() {
    Account target = api.register("steady");
    String path = "/api/v1/admin/users/" + target.username();
    Reply god = api.patch(path, Map.of("role", "god"), admin.accessToken());
    assertThat(god.status()).isEqualTo(422);
    assertThat(god.errorField()).isEqualTo("role");
    assertThat(api.patch(path, Map.of(), admin.accessToken()).status()).isEqualTo(422);
    assertThat(api.patch(path, Map.of("disabled", "yes"), admin.accessToken()).status())
        .isEqualTo(400);
    assertThat(
            api.patch(
                    "/api/v1/admin/users/nobody_here", Map.of("role", "admin"), admin.accessToken())
                .status())
        .isEqualTo(404);
    Reply self =
        api.patch(
            "/api/v1/admin/users/" + admin.username(), Map.of("role", "user"), admin.accessToken());
    assertThat(self.status()).isEqualTo(422);
    assertThat(api.get("/api/v1/admin/users?limit=0", admin.accessToken()).status()).isEqualTo(422);
    assertThat(works(api, target.accessToken())).isTrue();
    assertThat(get("/api/v1/admin/users?query=" + target.username()).at("/users/0/role").asText())
        .isEqualTo("user");
  }

  @Test
  void aResetLinkWorksOnceEndsEverySessionAndIsAudited() {
    Account locked = api.register("forgetful");
    JsonNode link =
        expect(
                api.post(
                    "/api/v1/admin/users/" + locked.username() + "/password-reset",
                    Map.of(),
                    admin.accessToken()),
                200)
            .json();
    String url = link.get("reset_url").asText();
    assertThat(url).contains("/#/reset/");
    String token = url.substring(url.indexOf("/#/reset/") + "/#/reset/".length());
    assertThat(latestAudit().get("action").asText()).isEqualTo("user.password_reset");
    Reply weak =
        api.post("/api/v1/auth/reset", Map.of("token", token, "new_password", "short"), null);
    assertThat(weak.errorField()).isEqualTo("new_password");
    expect(
        api.post(
            "/api/v1/auth/reset",
            Map.of("token", token, "new_password", "a brand new password"),
            null),
        204);
    assertThat(works(api, locked.accessToken())).isFalse();
    Reply again =
        api.post(
            "/api/v1/auth/reset",
            Map.of("token", token, "new_password", "another password!"),
            null);
    assertThat(again.status()).isEqualTo(403);
    expect(
        api.post(
            "/api/v1/auth/login",
            Map.of("username", locked.username(), "password", "a brand new password"),
            null),
        200);
    assertThat(
            api.post(
                    "/api/v1/auth/login",
                    Map.of("username", locked.username(), "password", locked.password()),
                    null)
                .status())
        .isEqualTo(401);
  }

  @Test
  void aNewerLinkRetiresTheOlderAndAnExpiredOneIsRefused() {
    Account u = api.register("twice");
    String path = "/api/v1/admin/users/" + u.username() + "/password-reset";
    String first =
        expect(api.post(path, Map.of(), admin.accessToken()), 200).json().get("reset_url").asText();
    String second =
        expect(api.post(path, Map.of(), admin.accessToken()), 200).json().get("reset_url").asText();
    String t1 = first.substring(first.lastIndexOf('/') + 1);
    String t2 = second.substring(second.lastIndexOf('/') + 1);
    Map<String, Object> pw = Map.of("new_password", "a brand new password");
    assertThat(api.post("/api/v1/auth/reset", withToken(pw, t1), null).status()).isEqualTo(403);
    // the link's 24 hours pass: moved in the database, not waited for
    server
        .db()
        .useHandle(
            h ->
                h.createUpdate("UPDATE password_resets SET expires_at = 1 WHERE user_id = :u")
                    .bind("u", u.id())
                    .execute());
    assertThat(api.post("/api/v1/auth/reset", withToken(pw, t2), null).status()).isEqualTo(403);
    assertThat(api.post("/api/v1/auth/reset", withToken(pw, "made-up"), null).status())
        .isEqualTo(403);
    assertThat(works(api, u.accessToken())).isTrue();
    assertThat(
            api.post(
                    "/api/v1/admin/users/nobody_here/password-reset", Map.of(), admin.accessToken())
                .status())
        .isEqualTo(404);
  }

  private static Map<String, Object> withToken(Map<String, Object> body, String token) {
    Map<String, Object> m = new HashMap<>(body);
    m.put("token", token);
    return m;
  }

  @Test
  void kicksRoleChangesDeletesByOthersAndRoomDeletionsAreAudited() {
    Account owner = api.register("mod");
    Account member = api.register("modded");
    String room = api.createRoom(owner, "private");
    api.invite(owner, room, member);
    String said = api.say(member, room, "to be removed").get("id").asText();
    expect(api.delete("/api/v1/rooms/" + room + "/messages/" + said, owner.accessToken()), 204);
    JsonNode deleted = latestAudit();
    assertThat(deleted.get("action").asText()).isEqualTo("message.delete");
    assertThat(deleted.get("actor").asText()).isEqualTo(owner.username());
    assertThat(deleted.toString()).doesNotContain("to be removed");
    expect(
        api.patch(
            "/api/v1/rooms/" + room + "/members/" + member.username(),
            Map.of("role", "admin"),
            owner.accessToken()),
        200);
    assertThat(latestAudit().get("action").asText()).isEqualTo("room.role");
    expect(
        api.patch(
            "/api/v1/rooms/" + room + "/members/" + member.username(),
            Map.of("role", "member"),
            owner.accessToken()),
        200);
    expect(
        api.delete("/api/v1/rooms/" + room + "/members/" + member.username(), owner.accessToken()),
        204);
    JsonNode kicked = latestAudit();
    assertThat(kicked.get("action").asText()).isEqualTo("room.kick");
    assertThat(kicked.get("target").asText()).isEqualTo(member.username());
    expect(api.delete("/api/v1/rooms/" + room, admin.accessToken()), 204);
    JsonNode gone = latestAudit();
    assertThat(gone.get("action").asText()).isEqualTo("room.delete");
    assertThat(gone.at("/details/by_owner").asBoolean()).isFalse();
  }
}
