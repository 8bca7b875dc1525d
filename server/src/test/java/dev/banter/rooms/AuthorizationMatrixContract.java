package dev.banter.rooms;

import static dev.banter.support.Api.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Api.Reply;
import dev.banter.support.Backend;
import dev.banter.support.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Every room-scoped endpoint × every kind of caller, on a private room: the status of each cell,
 * and that a refused caller learns nothing of the room's name, members or messages.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AuthorizationMatrixContract {
  private static final String SECRET_TEXT = "very-private-words";

  enum Caller {
    NON_MEMBER,
    MEMBER,
    ADMIN,
    OWNER,
    GLOBAL_ADMIN
  }

  TestServer server;
  Api api;
  Account globalAdmin;
  Account owner;
  Account admin;
  Account member;
  Account target;
  Account outsider;
  Account invitee;
  Account guest;

  abstract Backend backend();

  @BeforeAll
  void startServer() {
    // guests for the user-scoped rows; private push endpoints so no DNS is needed (none is sent to)
    server =
        TestServer.start(
            backend(),
            Map.of("BANTER_GUEST_ACCESS", "true", "BANTER_WEBHOOK_ALLOW_PRIVATE", "true"));
    api = server.api();
    globalAdmin = api.register("gadmin"); // first user: global admin
    owner = api.register("owner");
    admin = api.register("admin");
    member = api.register("member");
    target = api.register("target");
    outsider = api.register("outsider");
    invitee = api.register("invitee");
    guest =
        Api.account(
            expect(
                api.post("/api/v1/auth/guest", Map.of("username", Api.uniqueName("guest")), null),
                201),
            null);
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  /** A fresh private room with an owner, an admin, two members and two messages. */
  record Fixture(String room, String name, String ownersMessage, String targetsMessage) {}

  private Fixture fixture() {
    String name = Api.uniqueName("vault");
    Reply r =
        expect(
            api.post(
                "/api/v1/rooms",
                Map.of("name", name, "visibility", "private"),
                owner.accessToken()),
            201);
    String room = r.json().get("id").asText();
    for (Account a : List.of(admin, member, target)) {
      api.invite(owner, room, a);
    }
    expect(
        api.patch(
            "/api/v1/rooms/" + room + "/members/" + admin.username(),
            Map.of("role", "admin"),
            owner.accessToken()),
        200);
    String ownersMessage = api.say(owner, room, SECRET_TEXT + " from the owner").get("id").asText();
    String targetsMessage =
        api.say(target, room, SECRET_TEXT + " from the target").get("id").asText();
    return new Fixture(room, name, ownersMessage, targetsMessage);
  }

  private Account as(Caller c) {
    return switch (c) {
      case NON_MEMBER -> outsider;
      case MEMBER -> member;
      case ADMIN -> admin;
      case OWNER -> owner;
      case GLOBAL_ADMIN -> globalAdmin;
    };
  }

  /**
   * One row: an endpoint, how to call it, and the status for NON_MEMBER, MEMBER, ADMIN, OWNER,
   * GLOBAL_ADMIN.
   */
  record Row(String endpoint, BiFunction<Fixture, String, Reply> call, int... statuses) {}

  private List<Row> rows() {
    String rooms = "/api/v1/rooms/";
    List<Row> rows = new ArrayList<>();
    rows.add(
        new Row(
            "GET /rooms/{id}", (f, t) -> api.get(rooms + f.room(), t), 403, 200, 200, 200, 403));
    rows.add(
        new Row(
            "PATCH /rooms/{id}",
            (f, t) -> api.patch(rooms + f.room(), Map.of("topic", "t"), t),
            403,
            403,
            200,
            200,
            403));
    rows.add(
        new Row(
            "DELETE /rooms/{id}",
            (f, t) -> api.delete(rooms + f.room(), t),
            403,
            403,
            403,
            204,
            204));
    rows.add(
        new Row(
            "POST /rooms/{id}/join",
            (f, t) -> api.post(rooms + f.room() + "/join", Map.of(), t),
            403,
            200,
            200,
            200,
            403));
    rows.add(
        new Row(
            "POST /rooms/{id}/leave",
            (f, t) -> api.post(rooms + f.room() + "/leave", Map.of(), t),
            403,
            204,
            204,
            409,
            403));
    rows.add(
        new Row(
            "GET /rooms/{id}/members",
            (f, t) -> api.get(rooms + f.room() + "/members", t),
            403,
            200,
            200,
            200,
            403));
    rows.add(
        new Row(
            "POST /rooms/{id}/members",
            (f, t) ->
                api.post(rooms + f.room() + "/members", Map.of("username", invitee.username()), t),
            403,
            403,
            201,
            201,
            403));
    rows.add(
        new Row(
            "DELETE /rooms/{id}/members/{u}",
            (f, t) -> api.delete(rooms + f.room() + "/members/" + target.username(), t),
            403,
            403,
            204,
            204,
            403));
    rows.add(
        new Row(
            "PATCH /rooms/{id}/members/{u}",
            (f, t) ->
                api.patch(
                    rooms + f.room() + "/members/" + target.username(), Map.of("role", "admin"), t),
            403,
            403,
            403,
            200,
            403));
    rows.add(
        new Row(
            "POST /rooms/{id}/read",
            (f, t) -> api.post(rooms + f.room() + "/read", Map.of("seq", 1), t),
            403,
            204,
            204,
            204,
            403));
    rows.add(
        new Row(
            "GET /rooms/{id}/messages",
            (f, t) -> api.get(rooms + f.room() + "/messages", t),
            403,
            200,
            200,
            200,
            403));
    rows.add(
        new Row(
            "GET /rooms/{id}/messages/{m} (another member's)",
            (f, t) -> api.get(rooms + f.room() + "/messages/" + f.targetsMessage(), t),
            403,
            200,
            200,
            200,
            403));
    rows.add(
        new Row(
            "GET /rooms/{id}/receipts",
            (f, t) -> api.get(rooms + f.room() + "/receipts", t),
            403,
            200,
            200,
            200,
            403));
    rows.add(
        new Row(
            "POST /rooms/{id}/messages",
            (f, t) -> api.post(rooms + f.room() + "/messages", Map.of("body", "hi"), t),
            403,
            201,
            201,
            201,
            403));
    rows.add(
        new Row(
            "PATCH /rooms/{id}/messages/{m} (owner's)",
            (f, t) ->
                api.patch(
                    rooms + f.room() + "/messages/" + f.ownersMessage(), Map.of("body", "edit"), t),
            403,
            403,
            403,
            200,
            403));
    rows.add(
        new Row(
            "DELETE /rooms/{id}/messages/{m} (another member's)",
            (f, t) -> api.delete(rooms + f.room() + "/messages/" + f.targetsMessage(), t),
            403,
            403,
            204,
            204,
            403));
    rows.add(
        new Row(
            "PUT /rooms/{id}/messages/{m}/reactions/{e}",
            (f, t) ->
                api.put(
                    rooms + f.room() + "/messages/" + f.ownersMessage() + "/reactions/%F0%9F%91%8D",
                    "",
                    t),
            403,
            200,
            200,
            200,
            403));
    rows.add(
        new Row(
            "DELETE /rooms/{id}/messages/{m}/reactions/{e}",
            (f, t) ->
                api.delete(
                    rooms + f.room() + "/messages/" + f.ownersMessage() + "/reactions/%F0%9F%91%8D",
                    t),
            403,
            200,
            200,
            200,
            403));
    rows.add(
        new Row(
            "GET /rooms/{id}/pins",
            (f, t) -> api.get(rooms + f.room() + "/pins", t),
            403,
            200,
            200,
            200,
            403));
    rows.add(
        new Row(
            "PUT /rooms/{id}/pins/{m} (another member's)",
            (f, t) -> api.put(rooms + f.room() + "/pins/" + f.targetsMessage(), "", t),
            403,
            200,
            200,
            200,
            403));
    rows.add(
        new Row(
            "DELETE /rooms/{id}/pins/{m} (another member's)",
            (f, t) -> api.delete(rooms + f.room() + "/pins/" + f.targetsMessage(), t),
            403,
            200,
            200,
            200,
            403));
    rows.add(
        new Row(
            "GET /rooms/{id}/threads/{root}/messages",
            (f, t) -> api.get(rooms + f.room() + "/threads/" + f.ownersMessage() + "/messages", t),
            403,
            200,
            200,
            200,
            403));
    rows.add(
        new Row(
            "PUT /rooms/{id}/notifications",
            (f, t) -> api.put(rooms + f.room() + "/notifications", Map.of("level", "all"), t),
            403,
            200,
            200,
            200,
            403));
    rows.add(
        new Row(
            "POST /invites {room_id}",
            (f, t) -> api.post("/api/v1/invites", Map.of("room_id", f.room()), t),
            403,
            403,
            201,
            201,
            403));
    // Not room-scoped in its path: a root of a room the caller is not in is 404, not 403 (a
    // message id must not confirm that a private room exists).
    rows.add(
        new Row(
            "POST /threads/{root}/read",
            (f, t) ->
                api.post("/api/v1/threads/" + f.ownersMessage() + "/read", Map.of("seq", 1), t),
            404,
            204,
            204,
            204,
            404));
    return rows;
  }

  // ---- endpoints of the caller's own things (no room): every kind of user, guests too ----

  private static final String PUSH = "/api/v1/push/subscriptions";
  private static final String P256DH =
      "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";

  private Reply subscribePush(String token) {
    return api.post(
        PUSH,
        Map.of(
            "endpoint",
            "http://127.0.0.1:9/push/" + Api.uniqueName("e"),
            "keys",
            Map.of("p256dh", P256DH, "auth", "BTBZMqHH6r4Tts7J_aSIgg")),
        token);
  }

  /** A subscription of someone who is none of the callers. */
  private String someoneElsesSubscription() {
    return expect(subscribePush(invitee.accessToken()), 201).json().get("id").asText();
  }

  /** An invite of someone who is none of the callers. */
  private String someoneElsesInvite() {
    return expect(api.post("/api/v1/invites", Map.of(), invitee.accessToken()), 201)
        .json()
        .get("code")
        .asText();
  }

  /**
   * One row of a user-scoped endpoint: how to call it (with the caller's token) and the status for
   * NON_MEMBER, MEMBER, ADMIN, OWNER, GLOBAL_ADMIN, then a guest.
   */
  record UserRow(String endpoint, Function<String, Reply> call, int... statuses) {}

  private static final String SESSIONS = "/api/v1/auth/sessions";

  /**
   * A second session of the caller to end: a new sign-in for a registered user. A guest has one
   * session only (no password to sign in again), so the row ends a fresh guest's own session.
   */
  private Reply endOwnSession(String t) {
    if (t == null) {
      return api.delete(SESSIONS + "/none", null);
    }
    String token = t;
    if (t.equals(guest.accessToken())) {
      token =
          expect(api.post("/api/v1/auth/guest", Map.of("username", Api.uniqueName("g")), null), 201)
              .json()
              .get("access_token")
              .asText();
    } else {
      Account a =
          Stream.of(Caller.values())
              .map(this::as)
              .filter(x -> x.accessToken().equals(t))
              .findFirst()
              .orElseThrow();
      token =
          expect(
                  api.post(
                      "/api/v1/auth/login",
                      Map.of("username", a.username(), "password", a.password()),
                      null),
                  200)
              .json()
              .get("access_token")
              .asText();
    }
    String session = null;
    for (var s : expect(api.get(SESSIONS, token), 200).json().get("sessions")) {
      if (s.get("current").asBoolean()) {
        session = s.get("id").asText();
      }
    }
    return api.delete(SESSIONS + "/" + session, t.equals(guest.accessToken()) ? token : t);
  }

  private String someoneElsesSession() {
    return expect(api.get(SESSIONS, invitee.accessToken()), 200)
        .json()
        .get("sessions")
        .get(0)
        .get("id")
        .asText();
  }

  private List<UserRow> userRows() {
    return List.of(
        new UserRow("GET /auth/sessions", t -> api.get(SESSIONS, t), 200, 200, 200, 200, 200, 200),
        new UserRow(
            "DELETE /auth/sessions/{own}", this::endOwnSession, 204, 204, 204, 204, 204, 204),
        new UserRow(
            "DELETE /auth/sessions/{someone else's}",
            t -> api.delete(SESSIONS + "/" + someoneElsesSession(), t),
            404,
            404,
            404,
            404,
            404,
            404),
        new UserRow(
            "GET /push/key", t -> api.get("/api/v1/push/key", t), 200, 200, 200, 200, 200, 200),
        new UserRow("POST /push/subscriptions", this::subscribePush, 201, 201, 201, 201, 201, 201),
        new UserRow(
            "DELETE /push/subscriptions/{own}",
            t -> {
              Reply own = subscribePush(t);
              String id = own.json() == null ? "none" : own.json().path("id").asText("none");
              return api.delete(PUSH + "/" + id, t);
            },
            204,
            204,
            204,
            204,
            204,
            204),
        new UserRow(
            "POST /invites (registration open)",
            t -> api.post("/api/v1/invites", Map.of("max_uses", 1), t),
            201,
            201,
            201,
            201,
            201,
            403),
        new UserRow(
            "GET /invites", t -> api.get("/api/v1/invites", t), 200, 200, 200, 200, 200, 200),
        new UserRow(
            "DELETE /invites/{someone else's}",
            t -> api.delete("/api/v1/invites/" + someoneElsesInvite(), t),
            404,
            404,
            404,
            404,
            204,
            404),
        new UserRow(
            "POST /admin/users",
            t ->
                api.post(
                    "/api/v1/admin/users",
                    Map.of("username", Api.uniqueName("made"), "password", "long enough pw"),
                    t),
            403,
            403,
            403,
            403,
            201,
            403),
        new UserRow(
            "GET /admin/users",
            t -> api.get("/api/v1/admin/users", t),
            403,
            403,
            403,
            403,
            200,
            403),
        new UserRow(
            "GET /admin/rooms",
            t -> api.get("/api/v1/admin/rooms", t),
            403,
            403,
            403,
            403,
            200,
            403),
        new UserRow(
            "PATCH /admin/users/{someone}",
            t ->
                api.patch(
                    "/api/v1/admin/users/" + invitee.username(), Map.of("disabled", false), t),
            403,
            403,
            403,
            403,
            200,
            403),
        new UserRow(
            "POST /admin/users/{someone}/password-reset",
            t -> api.post("/api/v1/admin/users/" + invitee.username() + "/password-reset", "", t),
            403,
            403,
            403,
            403,
            200,
            403),
        new UserRow(
            "GET /admin/audit",
            t -> api.get("/api/v1/admin/audit", t),
            403,
            403,
            403,
            403,
            200,
            403),
        new UserRow(
            "DELETE /push/subscriptions/{someone else's}",
            t -> api.delete(PUSH + "/" + someoneElsesSubscription(), t),
            404,
            404,
            404,
            404,
            404,
            404));
  }

  @TestFactory
  Stream<DynamicTest> everyUserScopedEndpointForEveryCaller() {
    List<DynamicTest> tests = new ArrayList<>();
    for (UserRow row : userRows()) {
      for (int i = 0; i <= Caller.values().length; i++) {
        boolean isGuest = i == Caller.values().length;
        Account who = isGuest ? guest : as(Caller.values()[i]);
        int expected = row.statuses()[i];
        tests.add(
            DynamicTest.dynamicTest(
                row.endpoint()
                    + " as "
                    + (isGuest ? "GUEST" : Caller.values()[i])
                    + " → "
                    + expected,
                () -> {
                  Reply r = row.call().apply(who.accessToken());
                  assertThat(r.status())
                      .as(r.json() == null ? "" : r.json().toString())
                      .isEqualTo(expected);
                }));
      }
      tests.add(
          DynamicTest.dynamicTest(
              row.endpoint() + " without a token → 401",
              () -> assertThat(row.call().apply(null).status()).isEqualTo(401)));
    }
    return tests.stream();
  }

  // ---- open routes: the same answer with any token or none ----

  @TestFactory
  Stream<DynamicTest> anAvatarLoadsForEveryCallerAndWithoutAToken() {
    String avatar = api.giveAvatar(target);
    List<DynamicTest> tests = new ArrayList<>();
    List<String> tokens = new ArrayList<>();
    for (Caller c : Caller.values()) {
      tokens.add(as(c).accessToken());
    }
    tokens.add(guest.accessToken());
    tokens.add(null);
    for (int i = 0; i < tokens.size(); i++) {
      String t = tokens.get(i);
      String who =
          i < Caller.values().length ? Caller.values()[i].name() : i == 5 ? "GUEST" : "NO TOKEN";
      tests.add(
          DynamicTest.dynamicTest(
              "GET /avatars/{key} as " + who + " → 200, an unknown key → 404",
              () -> {
                assertThat(api.get(avatar, t).status()).isEqualTo(200);
                assertThat(api.get("/api/v1/avatars/" + "Z".repeat(24), t).status()).isEqualTo(404);
              }));
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> everyEndpointForEveryCaller() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Row row : rows()) {
      for (Caller caller : Caller.values()) {
        int expected = row.statuses()[caller.ordinal()];
        tests.add(
            DynamicTest.dynamicTest(
                row.endpoint() + " as " + caller + " → " + expected,
                () -> {
                  Fixture f = fixture();
                  Reply r = row.call().apply(f, as(caller).accessToken());
                  assertThat(r.status())
                      .as(r.json() == null ? "" : r.json().toString())
                      .isEqualTo(expected);
                  if (expected == 403) {
                    String body = r.json().toString();
                    assertThat(body)
                        .doesNotContain(f.name())
                        .doesNotContain(SECRET_TEXT)
                        .doesNotContain(owner.username())
                        .doesNotContain(target.username());
                    assertThat(r.errorCode()).isEqualTo("forbidden");
                  }
                }));
      }
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> aRoomThatDoesNotExistIs404ForEveryEndpoint() {
    Fixture missing = new Fixture("no-such-room", "x", "no-such-message", "no-such-message");
    return rows().stream()
        .map(
            row ->
                DynamicTest.dynamicTest(
                    row.endpoint(),
                    () -> {
                      Reply r = row.call().apply(missing, member.accessToken());
                      assertThat(r.status()).isEqualTo(404);
                      assertThat(r.errorCode()).isEqualTo("not_found");
                    }));
  }

  @TestFactory
  Stream<DynamicTest> withoutATokenEveryEndpointIs401() {
    Fixture f = new Fixture("general", "general", "x", "x");
    return rows().stream()
        .map(
            row ->
                DynamicTest.dynamicTest(
                    row.endpoint(),
                    () -> assertThat(row.call().apply(f, null).status()).isEqualTo(401)));
  }
}
