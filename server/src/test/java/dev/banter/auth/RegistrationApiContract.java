package dev.banter.auth;

import static dev.banter.support.Api.expect;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Api.Reply;
import dev.banter.support.Backend;
import dev.banter.support.TestServer;
import dev.banter.support.WsClient;
import java.time.Instant;
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
 * SPEC §9 registration modes, invite links, admin-made accounts and the audit log, over real HTTP:
 * one server with {@code BANTER_REGISTRATION=invite}, one {@code closed}; run once per storage
 * backend by the subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RegistrationApiContract {
  private static final String FOUNDER = "founder";

  TestServer inviteOnly;
  TestServer closed;
  Api api;
  Api closedApi;
  Account admin;
  Account member;
  Account closedAdmin;

  abstract Backend backend();

  @BeforeAll
  void startServers() {
    inviteOnly = TestServer.start(backend(), Map.of("BANTER_REGISTRATION", "invite"));
    api = inviteOnly.api();
    admin = api.register("first"); // the first account needs no invite and is the admin
    member = join(api, admin, "member");
    closed =
        TestServer.start(
            backend(), Map.of("BANTER_REGISTRATION", "closed", "BANTER_ADMINS", FOUNDER));
    closedApi = closed.api();
    closedAdmin = closedApi.register("first");
  }

  @AfterAll
  void stopServers() {
    for (TestServer s : new TestServer[] {inviteOnly, closed}) {
      if (s != null) {
        s.close();
      }
    }
  }

  // ---- the DSL ----

  private static Reply invite(Api api, Account by, Map<String, Object> body) {
    return api.post("/api/v1/invites", body, by.accessToken());
  }

  private static String code(Api api, Account by, Map<String, Object> body) {
    return expect(invite(api, by, body), 201).json().get("code").asText();
  }

  private static Reply register(Api api, String name, String inviteCode) {
    Map<String, Object> body = new HashMap<>();
    body.put("username", name);
    body.put("password", "pw-" + name + "-long");
    if (inviteCode != null) {
      body.put("invite_code", inviteCode);
    }
    return api.post("/api/v1/auth/register", body, null);
  }

  /** A new user of an invite-only server, let in by an invite of {@code by}'s. */
  private static Account join(Api api, Account by, String stem) {
    String name = Api.uniqueName(stem);
    Reply r = expect(register(api, name, code(api, by, Map.of("max_uses", 1))), 201);
    return Api.account(r, "pw-" + name + "-long");
  }

  private static boolean exists(Api api, Account asker, String name) {
    return api.get("/api/v1/users/" + name, asker.accessToken()).status() == 200;
  }

  private List<JsonNode> invites(Account who) {
    List<JsonNode> out = new ArrayList<>();
    expect(api.get("/api/v1/invites", who.accessToken()), 200)
        .json()
        .get("invites")
        .forEach(out::add);
    return out;
  }

  private static List<JsonNode> audit(Api api, Account admin, String query) {
    List<JsonNode> out = new ArrayList<>();
    expect(api.get("/api/v1/admin/audit" + query, admin.accessToken()), 200)
        .json()
        .get("entries")
        .forEach(out::add);
    return out;
  }

  // ---- invite-only ----

  @Test
  void withoutAnInviteNobodyRegistersAndNothingIsCreated() {
    String name = Api.uniqueName("nocode");
    Reply r = register(api, name, null);
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.errorCode()).isEqualTo("forbidden");
    assertThat(r.json().toString()).contains("invite");
    assertThat(exists(api, admin, name)).isFalse();
  }

  @Test
  void anInviteLetsInAsManyAsItsUsesAndNoMore() {
    JsonNode made = expect(invite(api, admin, Map.of("max_uses", 2)), 201).json();
    assertThat(made.get("uses").asInt()).isZero();
    assertThat(made.get("max_uses").asInt()).isEqualTo(2);
    assertThat(made.get("url").asText()).endsWith("/#/invite/" + made.get("code").asText());
    assertThat(made.get("code").asText()).hasSizeGreaterThanOrEqualTo(22); // 128 random bits
    String code = made.get("code").asText();
    expect(register(api, Api.uniqueName("one"), code), 201);
    expect(register(api, Api.uniqueName("two"), code), 201);
    String third = Api.uniqueName("three");
    Reply r = register(api, third, code);
    assertThat(r.status()).isEqualTo(403);
    assertThat(exists(api, admin, third)).isFalse();
    JsonNode listed =
        invites(admin).stream()
            .filter(i -> i.get("code").asText().equals(code))
            .findFirst()
            .orElseThrow();
    assertThat(listed.get("uses").asInt()).isEqualTo(2);
  }

  @Test
  void anExpiredInviteAndAMadeUpCodeAreRefused() {
    String code = code(api, admin, Map.of("expires_in", 1));
    Instant expires =
        Instant.parse(
            invites(admin).stream()
                .filter(i -> i.get("code").asText().equals(code))
                .findFirst()
                .orElseThrow()
                .get("expires_at")
                .asText());
    Awaitility.await().until(() -> Instant.now().isAfter(expires.plusMillis(50)));
    assertThat(register(api, Api.uniqueName("late"), code).status()).isEqualTo(403);
    assertThat(register(api, Api.uniqueName("guess"), "not-a-real-code").status()).isEqualTo(403);
    assertThat(register(api, Api.uniqueName("long"), "x".repeat(5000)).status()).isEqualTo(403);
  }

  @Test
  void anInviteToARoomMakesTheNewUserAMemberAndTheRoomSeesThemJoin() {
    String room = api.createRoom(admin, "private");
    WsClient owner = WsClient.connect(inviteOnly.baseUrl(), admin.accessToken());
    try {
      owner.await("ready");
      owner.join(room, null, null);
      String code = code(api, admin, Map.of("room_id", room, "max_uses", 1));
      String name = Api.uniqueName("roomie");
      Account newcomer =
          Api.account(expect(register(api, name, code), 201), "pw-" + name + "-long");
      expect(api.get("/api/v1/rooms/" + room, newcomer.accessToken()), 200);
      JsonNode joined =
          owner.await(
              f ->
                  f.path("type").asText().equals("user_joined")
                      && f.at("/user/username").asText().equals(name));
      assertThat(joined.get("room_id").asText()).isEqualTo(room);
    } finally {
      owner.close();
    }
  }

  @Test
  void onlyAdminsMakeInvitesWhenRegistrationIsByInvite() {
    Reply r = invite(api, member, Map.of());
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.errorCode()).isEqualTo("forbidden");
    assertThat(invites(member)).isEmpty();
  }

  @Test
  void aRevokedInviteNoLongerWorksAndOnlyItsMakerOrAnAdminRevokesIt() {
    String code = code(api, admin, Map.of());
    assertThat(api.delete("/api/v1/invites/" + code, member.accessToken()).status()).isEqualTo(404);
    assertThat(api.delete("/api/v1/invites/" + code, admin.accessToken()).status()).isEqualTo(204);
    assertThat(api.delete("/api/v1/invites/" + code, admin.accessToken()).status()).isEqualTo(404);
    assertThat(register(api, Api.uniqueName("revoked"), code).status()).isEqualTo(403);
    assertThat(invites(admin)).noneMatch(i -> i.get("code").asText().equals(code));
  }

  @Test
  void badInviteValuesAreRefusedNamingTheFieldAndStoreNothing() {
    int before = invites(admin).size();
    Map<String, Map<String, Object>> bad =
        Map.of(
            "max_uses", Map.of("max_uses", 0),
            "expires_in", Map.of("expires_in", 0));
    bad.forEach(
        (field, body) -> {
          Reply r = invite(api, admin, body);
          assertThat(r.status()).as(body.toString()).isEqualTo(422);
          assertThat(r.errorField()).isEqualTo(field);
        });
    Reply tooMany = invite(api, admin, Map.of("max_uses", InviteService.MAX_USES + 1));
    assertThat(tooMany.errorField()).isEqualTo("max_uses");
    Reply tooLong =
        invite(api, admin, Map.of("expires_in", InviteService.MAX_EXPIRES_IN_SECONDS + 1));
    assertThat(tooLong.errorField()).isEqualTo("expires_in");
    assertThat(invite(api, admin, Map.of("max_uses", "two")).status()).isEqualTo(400);
    assertThat(invite(api, admin, Map.of("room_id", "no-such-room")).status()).isEqualTo(404);
    Reply opened =
        api.post("/api/v1/dms", Map.of("username", member.username()), admin.accessToken());
    assertThat(opened.status()).isIn(200, 201); // 200: the DM exists already
    String dm = opened.json().get("id").asText();
    Reply toDm = invite(api, admin, Map.of("room_id", dm));
    assertThat(toDm.status()).isEqualTo(422);
    assertThat(toDm.errorField()).isEqualTo("room_id");
    String othersRoom = api.createRoom(member, "private");
    assertThat(invite(api, admin, Map.of("room_id", othersRoom)).status()).isEqualTo(403);
    assertThat(invites(admin)).hasSize(before);
  }

  @Test
  void invitesAreAuditedWithTheirActor() {
    String code = code(api, admin, Map.of("max_uses", 3));
    expect(api.delete("/api/v1/invites/" + code, admin.accessToken()), 204);
    List<JsonNode> entries = audit(api, admin, "?limit=200");
    JsonNode created =
        entries.stream()
            .filter(
                e ->
                    e.get("action").asText().equals("invite.create")
                        && e.get("target").asText().equals(code))
            .findFirst()
            .orElseThrow();
    assertThat(created.get("actor").asText()).isEqualTo(admin.username());
    assertThat(created.at("/details/max_uses").asInt()).isEqualTo(3);
    assertThat(entries)
        .anyMatch(
            e ->
                e.get("action").asText().equals("invite.revoke")
                    && e.get("target").asText().equals(code));
    Reply refused = api.get("/api/v1/admin/audit", member.accessToken());
    assertThat(refused.status()).isEqualTo(403);
  }

  // ---- closed ----

  @Test
  void closedRegistrationRefusesEveryoneButTheNamedAdmins() {
    String name = Api.uniqueName("outside");
    assertThat(register(closedApi, name, null).status()).isEqualTo(403);
    String code = code(closedApi, closedAdmin, Map.of());
    Reply withInvite = register(closedApi, Api.uniqueName("invited"), code);
    assertThat(withInvite.status()).isEqualTo(403);
    assertThat(withInvite.json().toString()).contains("closed");
    assertThat(exists(closedApi, closedAdmin, name)).isFalse();
    Reply founder = register(closedApi, FOUNDER, null);
    assertThat(founder.status()).isEqualTo(201);
    assertThat(founder.json().at("/user/role").asText()).isEqualTo("admin");
  }

  @Test
  void anAdminCreatesAccountsThatSignInAndTheActIsAudited() {
    String name = Api.uniqueName("made");
    Reply made =
        closedApi.post(
            "/api/v1/admin/users",
            Map.of("username", name, "password", "a long enough password", "role", "user"),
            closedAdmin.accessToken());
    assertThat(made.status()).isEqualTo(201);
    assertThat(made.json().get("username").asText()).isEqualTo(name);
    assertThat(made.json().get("role").asText()).isEqualTo("user");
    expect(
        closedApi.post(
            "/api/v1/auth/login",
            Map.of("username", name, "password", "a long enough password"),
            null),
        200);
    assertThat(
            closedApi
                .post(
                    "/api/v1/admin/users",
                    Map.of("username", name, "password", "a long enough password"),
                    closedAdmin.accessToken())
                .status())
        .isEqualTo(409);
    JsonNode entry = audit(closedApi, closedAdmin, "?limit=1").get(0);
    assertThat(entry.get("action").asText()).isEqualTo("user.create");
    assertThat(entry.get("target").asText()).isEqualTo(name);
    assertThat(entry.get("actor").asText()).isEqualTo(closedAdmin.username());
    expect(
        closedApi.post(
            "/api/v1/admin/users/" + name + "/disable", Map.of(), closedAdmin.accessToken()),
        204);
    JsonNode disabled = audit(closedApi, closedAdmin, "?limit=1").get(0);
    assertThat(disabled.get("action").asText()).isEqualTo("user.disable");
    assertThat(disabled.get("target").asText()).isEqualTo(name);
  }

  @Test
  void badAccountsAreRefusedAndOnlyAdminsMakeThem() {
    String name = Api.uniqueName("bad");
    Map<String, Map<String, Object>> bad =
        Map.of(
            "role", Map.of("username", name, "password", "a long enough password", "role", "god"),
            "password", Map.of("username", name, "password", "short"),
            "username", Map.of("username", "no spaces allowed", "password", "long enough pw"));
    bad.forEach(
        (field, body) -> {
          Reply r = closedApi.post("/api/v1/admin/users", body, closedAdmin.accessToken());
          assertThat(r.status()).as(body.toString()).isEqualTo(422);
          assertThat(r.errorField()).isEqualTo(field);
        });
    String plain = Api.uniqueName("plain");
    expect(
        closedApi.post(
            "/api/v1/admin/users",
            Map.of("username", plain, "password", "long enough pw"),
            closedAdmin.accessToken()),
        201);
    String token =
        expect(
                closedApi.post(
                    "/api/v1/auth/login",
                    Map.of("username", plain, "password", "long enough pw"),
                    null),
                200)
            .json()
            .get("access_token")
            .asText();
    Reply refused =
        closedApi.post(
            "/api/v1/admin/users", Map.of("username", name, "password", "long enough pw"), token);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(exists(closedApi, closedAdmin, name)).isFalse();
  }

  @Test
  void theAuditLogPagesBackwardsWithBefore() {
    for (int i = 0; i < 3; i++) {
      code(closedApi, closedAdmin, Map.of());
    }
    List<JsonNode> first = audit(closedApi, closedAdmin, "?limit=2");
    assertThat(first).hasSize(2);
    long oldest = first.get(1).get("id").asLong();
    assertThat(first.get(0).get("id").asLong()).isGreaterThan(oldest);
    List<JsonNode> next = audit(closedApi, closedAdmin, "?limit=2&before=" + oldest);
    assertThat(next).isNotEmpty().allMatch(e -> e.get("id").asLong() < oldest);
    Reply bad = closedApi.get("/api/v1/admin/audit?limit=0", closedAdmin.accessToken());
    assertThat(bad.status()).isEqualTo(422);
  }
}
