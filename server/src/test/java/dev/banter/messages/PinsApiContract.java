package dev.banter.messages;

import static dev.banter.support.Api.expect;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Api.Reply;
import dev.banter.support.RoomContract;
import dev.banter.support.WsClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SPEC §8 pins over real HTTP and WebSocket; run once per storage backend by the subclasses. */
abstract class PinsApiContract extends RoomContract {
  @Override
  protected Map<String, String> serverEnv() {
    return Map.of("BANTER_GUEST_ACCESS", "true");
  }

  // ---- the DSL ----

  private String say(String body) {
    return api.say(alice, room, body).get("id").asText();
  }

  private static String pins(String roomId) {
    return "/api/v1/rooms/" + roomId + "/pins";
  }

  private Reply pin(Account who, String roomId, String messageId) {
    return api.put(pins(roomId) + "/" + messageId, null, who.accessToken());
  }

  private Reply unpin(Account who, String roomId, String messageId) {
    return api.delete(pins(roomId) + "/" + messageId, who.accessToken());
  }

  private List<String> pinnedIds(Account who, String roomId) {
    List<String> ids = new ArrayList<>();
    expect(api.get(pins(roomId), who.accessToken()), 200)
        .json()
        .get("messages")
        .forEach(m -> ids.add(m.get("id").asText()));
    return ids;
  }

  private JsonNode inHistory(String messageId) {
    for (JsonNode m :
        expect(api.get("/api/v1/rooms/" + room + "/messages", bob.accessToken()), 200)
            .json()
            .get("messages")) {
      if (m.get("id").asText().equals(messageId)) {
        return m;
      }
    }
    throw new AssertionError("not in history: " + messageId);
  }

  /** What a refused request must leave as it was: the room's rev and every pin in the database. */
  private String state() {
    return server
        .db()
        .withHandle(
            h ->
                h.createQuery(
                        """
                        SELECT r.last_rev || '/' || coalesce(pins.p, '')
                          FROM rooms r,
                               (SELECT count(*) || ':' || coalesce(sum(rev), 0) AS p FROM messages
                                 WHERE pinned_at IS NOT NULL) pins
                         WHERE r.id = :r
                        """)
                    .bind("r", room)
                    .mapTo(String.class)
                    .one());
  }

  // ---- the tests ----

  @Test
  void aPinnedMessageCarriesWhenAndByWhomInTheReplyTheListAndHistory() {
    String first = say("first");
    String second = say("second");
    say("third");
    long before = System.currentTimeMillis();

    JsonNode pinned = expect(pin(bob, room, first), 200).json();
    assertThat(pinned.get("id").asText()).isEqualTo(first);
    assertThat(pinned.get("pinned_by").asText()).isEqualTo(bob.username());
    assertThat(Instant.parse(pinned.get("pinned_at").asText()).toEpochMilli())
        .isBetween(before - 1000, System.currentTimeMillis() + 1000);
    assertThat(pinned.get("pinned_at").asText()).matches(".*\\.\\d{3}Z");
    expect(pin(alice, room, second), 200);

    assertThat(pinnedIds(bob, room)).containsExactly(second, first);
    assertThat(inHistory(first).get("pinned_by").asText()).isEqualTo(bob.username());
    assertThat(inHistory(second).get("pinned_by").asText()).isEqualTo(alice.username());
  }

  @Test
  void anUnpinnedMessageHasNullPinFieldsAndLeavesTheList() {
    String first = say("first");
    String second = say("second");
    assertThat(inHistory(first).has("pinned_at")).isTrue();
    assertThat(inHistory(first).get("pinned_at").isNull()).isTrue();
    assertThat(inHistory(first).get("pinned_by").isNull()).isTrue();
    expect(pin(alice, room, first), 200);
    expect(pin(alice, room, second), 200);

    JsonNode unpinned = expect(unpin(bob, room, first), 200).json();

    assertThat(unpinned.get("pinned_at").isNull()).isTrue();
    assertThat(unpinned.get("pinned_by").isNull()).isTrue();
    assertThat(pinnedIds(alice, room)).containsExactly(second);
    assertThat(inHistory(first).get("pinned_at").isNull()).isTrue();
  }

  @Test
  void pinningTwiceAndUnpinningWhatIsNotPinnedChangeNothing() {
    String id = say("once");
    JsonNode first = expect(pin(alice, room, id), 200).json();

    JsonNode again = expect(pin(bob, room, id), 200).json();

    assertThat(again.get("pinned_at")).isEqualTo(first.get("pinned_at"));
    assertThat(again.get("pinned_by").asText()).isEqualTo(alice.username());
    assertThat(again.get("rev").asLong()).isEqualTo(first.get("rev").asLong());
    JsonNode off = expect(unpin(alice, room, id), 200).json();
    JsonNode offAgain = expect(unpin(alice, room, id), 200).json();
    assertThat(offAgain.get("rev").asLong()).isEqualTo(off.get("rev").asLong());
    assertThat(offAgain.get("pinned_at").isNull()).isTrue();
  }

  @Test
  void eachPinChangeTakesANewRevAndReachesAnotherMemberLiveAsMessageUpdated() {
    String id = say("watch this");
    WsClient bobs = ws(bob);
    bobs.join(room, null, null);

    JsonNode pinned = expect(pin(alice, room, id), 200).json();
    JsonNode live =
        bobs.await(
            f ->
                f.path("type").asText().equals("message_updated")
                    && !f.at("/message/pinned_at").isNull());
    assertThat(live.at("/message/id").asText()).isEqualTo(id);
    assertThat(live.at("/message/pinned_by").asText()).isEqualTo(alice.username());
    assertThat(live.get("rev").asLong()).isEqualTo(pinned.get("rev").asLong());

    JsonNode unpinned = expect(unpin(alice, room, id), 200).json();
    assertThat(unpinned.get("rev").asLong()).isGreaterThan(pinned.get("rev").asLong());
    JsonNode off =
        bobs.await(
            f ->
                f.path("type").asText().equals("message_updated")
                    && f.at("/message/pinned_at").isNull());
    assertThat(off.get("rev").asLong()).isEqualTo(unpinned.get("rev").asLong());
  }

  @Test
  void aResumeSinceRevShowsAPinMadeWhileAway() {
    String id = say("pin me later");
    say("another");
    WsClient before = ws(bob);
    JsonNode seen = before.join(room, null, null);
    before.close();

    expect(pin(alice, room, id), 200);

    WsClient back = ws(bob);
    JsonNode joined = back.join(room, seen.get("last_seq").asLong(), seen.get("last_rev").asLong());
    List<JsonNode> frames = back.frames();
    List<JsonNode> replay =
        frames.subList(0, frames.indexOf(joined)).stream().filter(f -> f.has("message")).toList();
    assertThat(replay)
        .extracting(f -> f.get("type").asText() + " " + f.at("/message/id").asText())
        .containsExactly("message_updated " + id);
    assertThat(replay.get(0).at("/message/pinned_by").asText()).isEqualTo(alice.username());
    JsonNode changes =
        expect(
                api.get(
                    "/api/v1/rooms/"
                        + room
                        + "/messages?changed_after_rev="
                        + seen.get("last_rev").asLong(),
                    bob.accessToken()),
                200)
            .json();
    assertThat(changes.at("/messages/0/id").asText()).isEqualTo(id);
    assertThat(changes.at("/messages/0/pinned_at").isNull()).isFalse();
  }

  @Test
  void deletingAPinnedMessageUnpinsIt() {
    String id = say("soon gone");
    expect(pin(alice, room, id), 200);

    expect(api.delete("/api/v1/rooms/" + room + "/messages/" + id, alice.accessToken()), 204);

    assertThat(pinnedIds(alice, room)).isEmpty();
    assertThat(inHistory(id).get("pinned_at").isNull()).isTrue();
  }

  @Test
  void aDeletedMessageCannotBePinnedAndNothingChanges() {
    String id = say("gone");
    expect(api.delete("/api/v1/rooms/" + room + "/messages/" + id, alice.accessToken()), 204);
    String state = state();

    Reply r = pin(bob, room, id);

    assertThat(r.status()).isEqualTo(409);
    assertThat(r.errorCode()).isEqualTo("conflict");
    assertThat(state()).isEqualTo(state);
    assertThat(pinnedIds(alice, room)).isEmpty();
  }

  @Test
  void refusedPinsChangeNothing() {
    String id = say("mine");
    expect(pin(alice, room, id), 200);
    Account outsider = api.register("outsider");
    String elsewhere = api.createRoom(outsider, "private");
    String foreign = api.say(outsider, elsewhere, "other room").get("id").asText();
    String state = state();

    record Refusal(Reply reply, int status, String code) {}
    List<Refusal> refusals =
        List.of(
            new Refusal(pin(outsider, room, id), 403, "forbidden"),
            new Refusal(unpin(outsider, room, id), 403, "forbidden"),
            new Refusal(api.get(pins(room), outsider.accessToken()), 403, "forbidden"),
            new Refusal(pin(bob, room, "no-such-message"), 404, "not_found"),
            new Refusal(unpin(bob, room, "no-such-message"), 404, "not_found"),
            new Refusal(pin(bob, room, foreign), 404, "not_found"),
            new Refusal(unpin(outsider, room, foreign), 403, "forbidden"),
            new Refusal(pin(bob, "no-such-room", id), 404, "not_found"),
            new Refusal(pin(bob, room, "%27%3B--"), 404, "not_found"),
            new Refusal(pin(bob, room, "x".repeat(300)), 404, "not_found"),
            new Refusal(api.put(pins(room) + "/" + id, null, null), 401, "unauthorized"));
    for (Refusal r : refusals) {
      assertThat(r.reply().status()).as(String.valueOf(r.reply().json())).isEqualTo(r.status());
      assertThat(r.reply().errorCode()).isEqualTo(r.code());
      assertThat(r.reply().json().toString()).doesNotContain("mine");
    }
    assertThat(state()).isEqualTo(state);
    assertThat(pinnedIds(alice, room)).containsExactly(id);
    assertThat(pinnedIds(outsider, elsewhere)).isEmpty();
  }

  @Test
  void aRoomKeepsAtMostFiftyPins() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < PinService.MAX_PINS_PER_ROOM + 1; i++) {
      ids.add(say("message " + i));
    }
    for (String id : ids.subList(0, PinService.MAX_PINS_PER_ROOM)) {
      expect(pin(alice, room, id), 200);
    }
    String state = state();
    String last = ids.get(PinService.MAX_PINS_PER_ROOM);

    Reply over = pin(bob, room, last);

    assertThat(over.status()).isEqualTo(409);
    assertThat(over.errorCode()).isEqualTo("conflict");
    assertThat(over.json().at("/error/details/limit").asInt())
        .isEqualTo(PinService.MAX_PINS_PER_ROOM);
    assertThat(state()).isEqualTo(state);
    List<String> listed = pinnedIds(bob, room);
    assertThat(listed).hasSize(PinService.MAX_PINS_PER_ROOM).doesNotContain(last);
    assertThat(listed.get(0)).isEqualTo(ids.get(PinService.MAX_PINS_PER_ROOM - 1));
    expect(pin(alice, room, ids.get(0)), 200); // a repeat at the bound is still fine
    expect(unpin(bob, room, ids.get(0)), 200);
    expect(pin(bob, room, last), 200);
    assertThat(pinnedIds(bob, room).get(0)).isEqualTo(last);
  }

  @Test
  void bothMembersOfADirectConversationPin() {
    String dm =
        expect(
                api.post("/api/v1/dms", Map.of("username", bob.username()), alice.accessToken()),
                200)
            .json()
            .get("id")
            .asText();
    String id = api.say(alice, dm, "remember this").get("id").asText();

    expect(pin(bob, dm, id), 200);
    assertThat(pinnedIds(alice, dm)).containsExactly(id);
    expect(unpin(alice, dm, id), 200);
    assertThat(pinnedIds(bob, dm)).isEmpty();
  }

  @Test
  void aGuestPinsInAPublicRoomTheyJoinedLikeAnyMember() {
    Account guest =
        Api.account(
            expect(
                api.post("/api/v1/auth/guest", Map.of("username", Api.uniqueName("visitor")), null),
                201),
            null);
    String lobby = api.createRoom(alice, "public");
    String id = api.say(alice, lobby, "welcome").get("id").asText();
    assertThat(pin(guest, lobby, id).status()).isEqualTo(403);
    expect(api.post("/api/v1/rooms/" + lobby + "/join", Map.of(), guest.accessToken()), 200);

    assertThat(expect(pin(guest, lobby, id), 200).json().get("pinned_by").asText())
        .isEqualTo(guest.username());
    assertThat(pinnedIds(guest, lobby)).containsExactly(id);
  }
}
