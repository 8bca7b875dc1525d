package dev.banter.rooms;

import static dev.banter.support.Api.expect;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Api.Reply;
import dev.banter.support.Backend;
import dev.banter.support.Events.Seen;
import dev.banter.support.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** SPEC §3 over real HTTP; run once per storage backend by the subclasses. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RoomsApiContract {
  TestServer server;
  Api api;

  abstract Backend backend();

  @BeforeAll
  void startServer() {
    server = TestServer.start(backend(), Map.of("BANTER_GUEST_ACCESS", "true"));
    api = server.api();
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private List<String> names(Reply r, String list, String field) {
    List<String> out = new ArrayList<>();
    r.json().get(list).forEach(n -> out.add(n.at(field).asText()));
    return out;
  }

  // ---- the default room ----

  @Test
  void everyNewUserIsAMemberOfGeneral() {
    Account a = api.register("newbie");
    Reply general = api.get("/api/v1/rooms/default", a.accessToken());
    assertThat(general.status()).isEqualTo(200);
    assertThat(general.json().get("name").asText()).isEqualTo("general");
    assertThat(general.json().get("visibility").asText()).isEqualTo("public");
    assertThat(general.json().get("my_role").asText()).isEqualTo("member");
    assertThat(names(api.get("/api/v1/rooms", a.accessToken()), "rooms", "/id"))
        .contains("general");
  }

  // ---- create, read, update, delete ----

  @Test
  void theCreatorOfARoomIsItsOwner() {
    Account a = api.register("creator");
    Reply r =
        api.post(
            "/api/v1/rooms",
            Map.of("name", "Design " + Api.uniqueName("x"), "topic", "pixels"),
            a.accessToken());
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.json().get("kind").asText()).isEqualTo("channel");
    assertThat(r.json().get("visibility").asText()).isEqualTo("public");
    assertThat(r.json().get("topic").asText()).isEqualTo("pixels");
    assertThat(r.json().get("my_role").asText()).isEqualTo("owner");
    assertThat(r.json().get("member_count").asLong()).isEqualTo(1);
    assertThat(r.json().get("last_seq").asLong()).isZero();
    assertThat(r.json().get("created_by").asText()).isEqualTo(a.id());
  }

  @Test
  void channelNamesAreUniqueWhateverTheCase() {
    Account a = api.register("uniq");
    String name = Api.uniqueName("Ops");
    expect(api.post("/api/v1/rooms", Map.of("name", name), a.accessToken()), 201);
    long rooms = server.count("rooms");
    Reply again = api.post("/api/v1/rooms", Map.of("name", name.toUpperCase()), a.accessToken());
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.errorCode()).isEqualTo("conflict");
    assertThat(server.count("rooms")).isEqualTo(rooms);
  }

  @Test
  void invalidRoomFieldsAreRejectedAndStoreNothing() {
    Account a = api.register("badroom");
    long rooms = server.count("rooms");
    Map<String, Map<String, Object>> cases =
        Map.of(
            "name", Map.of("name", "   "),
            "name ", Map.of("name", "n".repeat(65)),
            "visibility", Map.of("name", Api.uniqueName("v"), "visibility", "secret"),
            "topic", Map.of("name", Api.uniqueName("t"), "topic", "t".repeat(251)));
    cases.forEach(
        (field, body) -> {
          Reply r = api.post("/api/v1/rooms", body, a.accessToken());
          assertThat(r.status()).as(field).isEqualTo(422);
          assertThat(r.errorField()).isEqualTo(field.strip());
        });
    Reply missing = api.post("/api/v1/rooms", Map.of("topic", "no name"), a.accessToken());
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.errorField()).isEqualTo("name");
    Reply wrongType = api.post("/api/v1/rooms", Map.of("name", List.of("x")), a.accessToken());
    assertThat(wrongType.status()).isEqualTo(400);
    assertThat(server.count("rooms")).isEqualTo(rooms);
  }

  @Test
  void aPublicRoomCanBeReadByAnyoneAPrivateOneOnlyByMembers() {
    Account owner = api.register("own");
    Account stranger = api.register("stranger");
    String pub = api.createRoom(owner, "public");
    String priv = api.createRoom(owner, "private");
    assertThat(api.get("/api/v1/rooms/" + pub, stranger.accessToken()).status()).isEqualTo(200);
    Reply hidden = api.get("/api/v1/rooms/" + priv, stranger.accessToken());
    assertThat(hidden.status()).isEqualTo(403);
    assertThat(hidden.json().toString()).doesNotContain("room_");
    assertThat(api.get("/api/v1/rooms/doesnotexist", stranger.accessToken()).status())
        .isEqualTo(404);
    assertThat(api.get("/api/v1/rooms/%2e%2e", stranger.accessToken()).status()).isEqualTo(404);
  }

  @Test
  void ownersAndAdminsUpdateARoomAndMembersAreTold() {
    Account owner = api.register("upd_own");
    Account admin = api.register("upd_admin");
    Account member = api.register("upd_member");
    String room = api.createRoom(owner, "public");
    api.invite(owner, room, admin);
    api.invite(owner, room, member);
    expect(
        api.patch(
            "/api/v1/rooms/" + room + "/members/" + admin.username(),
            Map.of("role", "admin"),
            owner.accessToken()),
        200);
    Reply byAdmin =
        api.patch("/api/v1/rooms/" + room, Map.of("topic", "new topic"), admin.accessToken());
    assertThat(byAdmin.status()).isEqualTo(200);
    assertThat(byAdmin.json().get("topic").asText()).isEqualTo("new topic");
    server.events().await("room_updated", e -> room.equals(e.roomId()));
    Reply byMember =
        api.patch("/api/v1/rooms/" + room, Map.of("topic", "hijack"), member.accessToken());
    assertThat(byMember.status()).isEqualTo(403);
    assertThat(api.get("/api/v1/rooms/" + room, member.accessToken()).json().get("topic").asText())
        .isEqualTo("new topic");
    String taken =
        api.get("/api/v1/rooms/default", owner.accessToken()).json().get("name").asText();
    assertThat(
            api.patch(
                    "/api/v1/rooms/" + room,
                    Map.of("name", taken.toUpperCase()),
                    owner.accessToken())
                .status())
        .isEqualTo(409);
  }

  @Test
  void theOwnerDeletesARoomAndEveryMemberIsTold() {
    Account owner = api.register("del_own");
    Account member = api.register("del_member");
    String room = api.createRoom(owner, "private");
    api.invite(owner, room, member);
    assertThat(api.delete("/api/v1/rooms/" + room, member.accessToken()).status()).isEqualTo(403);
    assertThat(api.delete("/api/v1/rooms/" + room, owner.accessToken()).status()).isEqualTo(204);
    Seen deleted = server.events().await("room_deleted", e -> room.equals(e.roomId()));
    assertThat(deleted.users()).containsExactlyInAnyOrder(owner.id(), member.id());
    assertThat(api.get("/api/v1/rooms/" + room, owner.accessToken()).status()).isEqualTo(404);
  }

  @Test
  void aGlobalAdminMayDeleteAnyRoomButNotTheDefaultOne() {
    try (TestServer own = TestServer.start(backend())) {
      Api a = own.api();
      Account admin = a.register("global");
      Account owner = a.register("roomowner");
      String room = a.createRoom(owner, "private");
      assertThat(a.delete("/api/v1/rooms/" + room, admin.accessToken()).status()).isEqualTo(204);
      assertThat(a.delete("/api/v1/rooms/general", admin.accessToken()).status()).isEqualTo(409);
    }
  }

  // ---- joining and leaving ----

  @Test
  void anyoneMayJoinAPublicRoomButNotAPrivateOne() {
    Account owner = api.register("j_own");
    Account joiner = api.register("joiner");
    String pub = api.createRoom(owner, "public");
    String priv = api.createRoom(owner, "private");
    Reply joined = api.post("/api/v1/rooms/" + pub + "/join", Map.of(), joiner.accessToken());
    assertThat(joined.status()).isEqualTo(200);
    assertThat(joined.json().get("my_role").asText()).isEqualTo("member");
    assertThat(joined.json().get("member_count").asLong()).isEqualTo(2);
    server.events().await("user_joined", e -> pub.equals(e.roomId()));
    assertThat(api.post("/api/v1/rooms/" + pub + "/join", Map.of(), joiner.accessToken()).status())
        .isEqualTo(200);
    long members = server.count("room_members");
    Reply refused = api.post("/api/v1/rooms/" + priv + "/join", Map.of(), joiner.accessToken());
    assertThat(refused.status()).isEqualTo(403);
    assertThat(server.count("room_members")).isEqualTo(members);
  }

  @Test
  void leavingStopsMembershipAndTheLastOwnerMustHandOverFirst() {
    Account owner = api.register("l_own");
    Account member = api.register("l_member");
    String room = api.createRoom(owner, "public");
    api.invite(owner, room, member);
    Reply ownerLeaves = api.post("/api/v1/rooms/" + room + "/leave", Map.of(), owner.accessToken());
    assertThat(ownerLeaves.status()).isEqualTo(409);
    assertThat(
            api.post("/api/v1/rooms/" + room + "/leave", Map.of(), member.accessToken()).status())
        .isEqualTo(204);
    server.events().await("user_left", e -> room.equals(e.roomId()));
    assertThat(api.get("/api/v1/rooms/" + room + "/members", member.accessToken()).status())
        .isEqualTo(403);
    assertThat(api.post("/api/v1/rooms/" + room + "/leave", Map.of(), owner.accessToken()).status())
        .isEqualTo(204);
  }

  @Test
  void ownershipCanBeHandedOverAndThenTheOldOwnerLeaves() {
    Account owner = api.register("h_own");
    Account heir = api.register("heir");
    String room = api.createRoom(owner, "private");
    api.invite(owner, room, heir);
    Reply promote =
        api.patch(
            "/api/v1/rooms/" + room + "/members/" + heir.username(),
            Map.of("role", "owner"),
            owner.accessToken());
    assertThat(promote.status()).isEqualTo(200);
    assertThat(promote.json().get("role").asText()).isEqualTo("owner");
    assertThat(api.post("/api/v1/rooms/" + room + "/leave", Map.of(), owner.accessToken()).status())
        .isEqualTo(204);
    Reply demoteLast =
        api.patch(
            "/api/v1/rooms/" + room + "/members/" + heir.username(),
            Map.of("role", "member"),
            heir.accessToken());
    assertThat(demoteLast.status()).isEqualTo(409);
  }

  // ---- members, invites, kicks, roles ----

  @Test
  void membersAreListedWithRolesAndPresence() {
    Account owner = api.register("m_own");
    Account member = api.register("m_member");
    String room = api.createRoom(owner, "private");
    api.invite(owner, room, member);
    Reply r = api.get("/api/v1/rooms/" + room + "/members", member.accessToken());
    assertThat(r.status()).isEqualTo(200);
    JsonNode members = r.json().get("members");
    assertThat(members).hasSize(2);
    assertThat(members.get(0).at("/user/username").asText()).isEqualTo(owner.username());
    assertThat(members.get(0).get("role").asText()).isEqualTo("owner");
    assertThat(members.get(1).get("role").asText()).isEqualTo("member");
    assertThat(members.get(1).get("online").isBoolean()).isTrue();
    assertThat(members.get(1).get("joined_at").asText()).endsWith("Z");
  }

  @Test
  void anInviteeIsToldInRealTime() {
    Account owner = api.register("i_own");
    Account invitee = api.register("invitee");
    String room = api.createRoom(owner, "private");
    Reply r =
        api.post(
            "/api/v1/rooms/" + room + "/members",
            Map.of("username", invitee.username()),
            owner.accessToken());
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.json().at("/user/id").asText()).isEqualTo(invitee.id());
    Seen invited = server.events().await("room_invited", e -> e.users().contains(invitee.id()));
    @SuppressWarnings("unchecked")
    Map<String, Object> roomView = (Map<String, Object>) invited.body().get("room");
    assertThat(roomView.get("id")).isEqualTo(room);
    assertThat(roomView.get("my_role")).isEqualTo("member");
    assertThat(
            api.post(
                    "/api/v1/rooms/" + room + "/members",
                    Map.of("username", invitee.username()),
                    owner.accessToken())
                .status())
        .isEqualTo(200);
    assertThat(
            api.post(
                    "/api/v1/rooms/" + room + "/members",
                    Map.of("username", "nobody_here_at_all"),
                    owner.accessToken())
                .status())
        .isEqualTo(404);
  }

  @Test
  void onlyModeratorsInviteToPrivateRoomsButAnyMemberToPublicOnes() {
    Account owner = api.register("p_own");
    Account member = api.register("p_member");
    Account friend = api.register("p_friend");
    String priv = api.createRoom(owner, "private");
    String pub = api.createRoom(owner, "public");
    api.invite(owner, priv, member);
    api.invite(owner, pub, member);
    long members = server.count("room_members");
    assertThat(
            api.post(
                    "/api/v1/rooms/" + priv + "/members",
                    Map.of("username", friend.username()),
                    member.accessToken())
                .status())
        .isEqualTo(403);
    assertThat(server.count("room_members")).isEqualTo(members);
    assertThat(
            api.post(
                    "/api/v1/rooms/" + pub + "/members",
                    Map.of("username", friend.username()),
                    member.accessToken())
                .status())
        .isEqualTo(201);
  }

  @Test
  void moderatorsRemoveMembersBelowTheirRole() {
    Account owner = api.register("k_own");
    Account admin = api.register("k_admin");
    Account member = api.register("k_member");
    String room = api.createRoom(owner, "private");
    api.invite(owner, room, admin);
    api.invite(owner, room, member);
    expect(
        api.patch(
            "/api/v1/rooms/" + room + "/members/" + admin.username(),
            Map.of("role", "admin"),
            owner.accessToken()),
        200);
    assertThat(
            api.delete(
                    "/api/v1/rooms/" + room + "/members/" + owner.username(), admin.accessToken())
                .status())
        .isEqualTo(403);
    assertThat(
            api.delete(
                    "/api/v1/rooms/" + room + "/members/" + member.username(), admin.accessToken())
                .status())
        .isEqualTo(204);
    Seen left =
        server
            .events()
            .await("user_left", e -> room.equals(e.roomId()) && e.users().contains(member.id()));
    assertThat(left.body()).containsEntry("removed_by", admin.username());
    assertThat(api.get("/api/v1/rooms/" + room, member.accessToken()).status()).isEqualTo(403);
    assertThat(
            api.delete(
                    "/api/v1/rooms/" + room + "/members/" + member.username(), admin.accessToken())
                .status())
        .isEqualTo(404);
  }

  @Test
  void onlyOwnersChangeRolesAndOnlyToKnownOnes() {
    Account owner = api.register("r_own");
    Account member = api.register("r_member");
    String room = api.createRoom(owner, "public");
    api.invite(owner, room, member);
    assertThat(
            api.patch(
                    "/api/v1/rooms/" + room + "/members/" + member.username(),
                    Map.of("role", "admin"),
                    member.accessToken())
                .status())
        .isEqualTo(403);
    Reply bad =
        api.patch(
            "/api/v1/rooms/" + room + "/members/" + member.username(),
            Map.of("role", "king"),
            owner.accessToken());
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.errorField()).isEqualTo("role");
    assertThat(
            api.get("/api/v1/rooms/" + room, member.accessToken()).json().get("my_role").asText())
        .isEqualTo("member");
  }

  // ---- lists ----

  @Test
  void myRoomsComeMostRecentlyActiveFirstWithUnreadCountsAndTheLastMessage() {
    Account me = api.register("lister");
    Account other = api.register("talker");
    String quiet = api.createRoom(me, "public");
    String busy = api.createRoom(me, "public");
    api.invite(me, busy, other);
    api.invite(me, quiet, other);
    api.say(other, quiet, "first");
    api.say(other, busy, "one");
    api.say(other, busy, "two");
    Reply r = api.get("/api/v1/rooms", me.accessToken());
    List<String> order = names(r, "rooms", "/id");
    assertThat(order.indexOf(busy)).isLessThan(order.indexOf(quiet));
    JsonNode busyRoom = r.json().get("rooms").get(order.indexOf(busy));
    assertThat(busyRoom.get("unread_count").asLong()).isEqualTo(2);
    assertThat(busyRoom.at("/last_message/body").asText()).isEqualTo("two");
    assertThat(busyRoom.get("last_seq").asLong()).isEqualTo(2);
    assertThat(r.json().get("rooms").get(order.indexOf(quiet)).get("unread_count").asLong())
        .isEqualTo(1);
  }

  @Test
  void publicRoomsAreDiscoverableByQueryAndPrivateOnesAreNot() {
    Account owner = api.register("disc");
    Account seeker = api.register("seeker");
    String stem = "astro" + Long.toString(System.nanoTime() % 100_000, 36);
    expect(api.post("/api/v1/rooms", Map.of("name", stem + " club"), owner.accessToken()), 201);
    expect(
        api.post(
            "/api/v1/rooms",
            Map.of("name", stem + " secret", "visibility", "private"),
            owner.accessToken()),
        201);
    Reply r = api.get("/api/v1/rooms/public?query=" + stem.toUpperCase(), seeker.accessToken());
    assertThat(r.status()).isEqualTo(200);
    assertThat(names(r, "rooms", "/name")).containsExactly(stem + " club");
    assertThat(r.json().get("rooms").get(0).get("my_role").isNull()).isTrue();
  }

  // ---- direct rooms ----

  @Test
  void aDirectRoomIsCreatedOnceForEachPair() {
    Account a = api.register("dm_a");
    Account b = api.register("dm_b");
    Reply first = api.post("/api/v1/dms", Map.of("username", b.username()), a.accessToken());
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.json().get("kind").asText()).isEqualTo("direct");
    assertThat(first.json().get("visibility").asText()).isEqualTo("private");
    assertThat(first.json().get("name").asText()).isEqualTo(b.username());
    Reply fromB = api.post("/api/v1/dms", Map.of("username", a.username()), b.accessToken());
    assertThat(fromB.json().get("id").asText()).isEqualTo(first.json().get("id").asText());
    assertThat(fromB.json().get("name").asText()).isEqualTo(a.username());
    server.events().await("room_invited", e -> e.users().contains(b.id()));
    String dm = first.json().get("id").asText();
    assertThat(
            api.post(
                    "/api/v1/rooms/" + dm + "/members",
                    Map.of("username", api.register("third").username()),
                    a.accessToken())
                .status())
        .isEqualTo(409);
    assertThat(api.post("/api/v1/rooms/" + dm + "/leave", Map.of(), a.accessToken()).status())
        .isEqualTo(409);
    assertThat(api.get("/api/v1/rooms/" + dm, a.accessToken()).json().get("member_count").asLong())
        .isEqualTo(2);
  }

  @Test
  void aDirectRoomNeedsAnotherExistingUser() {
    Account a = api.register("dm_self");
    long rooms = server.count("rooms");
    assertThat(api.post("/api/v1/dms", Map.of("username", a.username()), a.accessToken()).status())
        .isEqualTo(422);
    assertThat(
            api.post("/api/v1/dms", Map.of("username", "no_such_person"), a.accessToken()).status())
        .isEqualTo(404);
    assertThat(api.post("/api/v1/dms", Map.of(), a.accessToken()).status()).isEqualTo(400);
    assertThat(server.count("rooms")).isEqualTo(rooms);
  }

  @Test
  void guestsUsePublicRoomsOnly() {
    Account owner = api.register("g_own");
    Reply g = api.post("/api/v1/auth/guest", Map.of("username", Api.uniqueName("guesty")), null);
    Account guest = Api.account(g, null);
    String pub = api.createRoom(owner, "public");
    String priv = api.createRoom(owner, "private");
    assertThat(api.post("/api/v1/rooms/" + pub + "/join", Map.of(), guest.accessToken()).status())
        .isEqualTo(200);
    assertThat(
            api.post(
                    "/api/v1/rooms/" + priv + "/members",
                    Map.of("username", guest.username()),
                    owner.accessToken())
                .status())
        .isEqualTo(403);
    assertThat(
            api.post(
                    "/api/v1/rooms",
                    Map.of("name", Api.uniqueName("guestroom")),
                    guest.accessToken())
                .status())
        .isEqualTo(403);
    assertThat(
            api.post("/api/v1/dms", Map.of("username", owner.username()), guest.accessToken())
                .status())
        .isEqualTo(403);
    assertThat(api.get("/api/v1/rooms/default", guest.accessToken()).json().get("my_role").asText())
        .isEqualTo("member");
  }
}
