package dev.banter.messages;

import static dev.banter.support.Api.expect;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.support.Api.Account;
import dev.banter.support.Api.Reply;
import dev.banter.support.RoomContract;
import dev.banter.support.WsClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a client needs to show reading state and replies (#21): one message by id (a reply's quoted
 * parent), the members' read markers ("seen by") and my own marker in the room; run once per
 * storage backend by the subclasses.
 */
abstract class ReadingApiContract extends RoomContract {

  @BeforeEach
  void carolToo() {
    api.invite(alice, room, carol);
  }

  // ---- the DSL ----

  private Reply message(Account who, String roomId, String id) {
    return api.get("/api/v1/rooms/" + roomId + "/messages/" + id, who.accessToken());
  }

  private Reply receipts(Account who, String query) {
    return api.get("/api/v1/rooms/" + room + "/receipts" + query, who.accessToken());
  }

  private void read(Account who, long seq) {
    expect(api.post("/api/v1/rooms/" + room + "/read", Map.of("seq", seq), who.accessToken()), 204);
  }

  private static List<String> readers(JsonNode answer) {
    List<String> names = new ArrayList<>();
    answer.get("receipts").forEach(r -> names.add(r.at("/user/username").asText()));
    return names;
  }

  /** Every message of the database and every read marker: what a read must leave as it was. */
  private String state() {
    return server
        .db()
        .withHandle(
            h ->
                h.createQuery(
                        """
                        SELECT (SELECT count(*) || ':' || coalesce(sum(rev), 0) FROM messages)
                               || '/' || (SELECT coalesce(sum(last_read_seq), 0) FROM room_members)
                        """)
                    .mapTo(String.class)
                    .one());
  }

  // ---- one message by id ----

  @Test
  void aMemberGetsOneMessageByIdAsHistoryShowsIt() {
    String parent = api.say(alice, room, "the parent").get("id").asText();
    JsonNode reply =
        expect(
                api.post(
                    "/api/v1/rooms/" + room + "/messages",
                    Map.of("body", "the reply", "reply_to", parent),
                    bob.accessToken()),
                201)
            .json();
    expect(
        api.put(
            "/api/v1/rooms/" + room + "/messages/" + parent + "/reactions/%F0%9F%91%8D",
            "",
            carol.accessToken()),
        200);

    JsonNode got = expect(message(carol, room, parent), 200).json();
    assertThat(got.get("id").asText()).isEqualTo(parent);
    assertThat(got.get("room_id").asText()).isEqualTo(room);
    assertThat(got.get("body").asText()).isEqualTo("the parent");
    assertThat(got.at("/author/username").asText()).isEqualTo(alice.username());
    assertThat(got.at("/reactions/👍/0").asText()).isEqualTo(carol.username());
    JsonNode inHistory =
        expect(api.get("/api/v1/rooms/" + room + "/messages", carol.accessToken()), 200)
            .json()
            .get("messages")
            .get(1);
    assertThat(got).isEqualTo(inHistory);
    assertThat(expect(message(alice, room, reply.get("id").asText()), 200).json().get("reply_to"))
        .hasToString("\"" + parent + "\"");
  }

  @Test
  void aDeletedMessageIsItsTombstone() {
    String id = api.say(alice, room, "soon gone").get("id").asText();
    expect(api.delete("/api/v1/rooms/" + room + "/messages/" + id, alice.accessToken()), 204);

    JsonNode got = expect(message(bob, room, id), 200).json();
    assertThat(got.get("deleted").asBoolean()).isTrue();
    assertThat(got.get("body").asText()).isEmpty();
    assertThat(got.get("seq").asLong()).isEqualTo(1);
  }

  @Test
  void aMessageOfAnotherRoomUnderThisRoomsPathIs404() {
    String other = api.createRoom(bob, "public");
    String elsewhere = api.say(bob, other, "in the other room").get("id").asText();

    Reply r = message(bob, room, elsewhere);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo("not_found");
    assertThat(r.json().toString()).doesNotContain("in the other room");
    assertThat(expect(message(bob, other, elsewhere), 200).json().get("body").asText())
        .isEqualTo("in the other room");
  }

  @Test
  void anUnknownIdIs404AndAnUnknownRoomIs404() {
    api.say(alice, room, "something");
    Map<String, String> cases =
        Map.of(
            "no-such-message",
            "not_found",
            "x".repeat(2000),
            "not_found",
            "..%2F..%2Fetc",
            "not_found",
            "%00",
            "validation_failed"); // a path parameter may not hold NUL
    cases.forEach(
        (id, code) -> {
          Reply r = message(bob, room, id);
          assertThat(r.errorCode()).as(id).isEqualTo(code);
          assertThat(r.status()).as(id).isEqualTo(code.equals("not_found") ? 404 : 422);
        });
    Reply missingRoom = message(bob, "no-such-room", "no-such-message");
    assertThat(missingRoom.status()).isEqualTo(404);
    assertThat(missingRoom.errorCode()).isEqualTo("not_found");
  }

  @Test
  void anOutsiderIsRefusedAndLearnsNothing() {
    String id = api.say(alice, room, "members-only words").get("id").asText();
    Account outsider = api.register("outsider");

    Reply r = message(outsider, room, id);
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.errorCode()).isEqualTo("forbidden");
    assertThat(r.json().toString()).doesNotContain("members-only words").doesNotContain("alice");
    assertThat(message(outsider, room, "no-such-message").status()).isEqualTo(403);
    assertThat(api.get("/api/v1/rooms/" + room + "/messages/" + id, null).status()).isEqualTo(401);
  }

  // ---- read markers ----

  @Test
  void receiptsListTheOtherMembersAtOrAfterASeqTheMostAdvancedFirst() {
    for (int i = 1; i <= 4; i++) {
      api.say(alice, room, "m" + i);
    }
    read(bob, 4);
    read(carol, 2);

    JsonNode all = expect(receipts(alice, "?min_seq=1"), 200).json();
    assertThat(readers(all)).containsExactly(bob.username(), carol.username());
    assertThat(all.at("/receipts/0/last_read_seq").asLong()).isEqualTo(4);
    assertThat(all.at("/receipts/1/last_read_seq").asLong()).isEqualTo(2);
    assertThat(all.at("/receipts/0/user/display_name").isTextual()).isTrue();
    assertThat(all.get("total").asLong()).isEqualTo(2);
    assertThat(all.get("has_more").asBoolean()).isFalse();

    JsonNode latest = expect(receipts(alice, "?min_seq=3"), 200).json();
    assertThat(readers(latest)).containsExactly(bob.username());
    assertThat(latest.get("total").asLong()).isEqualTo(1);

    // the caller is never listed: bob sees alice (her own posts moved her marker) and carol
    assertThat(readers(expect(receipts(bob, "?min_seq=1"), 200).json()))
        .containsExactly(alice.username(), carol.username());
    assertThat(expect(receipts(alice, "?min_seq=5"), 200).json().get("total").asLong()).isZero();
  }

  @Test
  void aLongListIsCutAtTheLimitWhileTheTotalCountsEveryone() {
    api.say(alice, room, "hello all");
    List<Account> readers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Account a = api.register("reader");
      api.invite(alice, room, a);
      readers.add(a);
    }
    api.say(alice, room, "news"); // seq 2: everyone's marker is 1 (from joining) until they read
    for (Account a : readers) {
      read(a, 2);
    }

    JsonNode page = expect(receipts(alice, "?min_seq=2&limit=4"), 200).json();
    assertThat(page.get("receipts")).hasSize(4);
    assertThat(page.get("total").asLong()).isEqualTo(6);
    assertThat(page.get("has_more").asBoolean()).isTrue();
    List<String> sorted = new ArrayList<>(readers(page));
    sorted.sort(String::compareTo);
    assertThat(readers(page)).isEqualTo(sorted); // equal markers: by username

    JsonNode everyone = expect(receipts(alice, ""), 200).json(); // min_seq 0: every other member
    assertThat(everyone.get("total").asLong()).isEqualTo(8);
    assertThat(everyone.get("receipts")).hasSize(8);
  }

  @Test
  void badReceiptQueriesAreRefusedInTheSpecsShapeAndChangeNothing() {
    api.say(alice, room, "x");
    String before = state();
    Map<String, Integer> cases =
        Map.of(
            "?min_seq=abc", 400,
            "?min_seq=-1", 422,
            "?limit=0", 422,
            "?limit=101", 422,
            "?limit=1.5", 400,
            "?min_seq=99999999999999999999", 400);
    cases.forEach(
        (query, status) -> {
          Reply r = receipts(bob, query);
          assertThat(r.status()).as(query).isEqualTo(status);
          assertThat(r.json().at("/error/code").asText())
              .as(query)
              .isEqualTo(status == 400 ? "bad_request" : "validation_failed");
          assertThat(r.json().at("/error/message").asText()).as(query).isNotBlank();
        });
    assertThat(state()).isEqualTo(before);
  }

  @Test
  void anOutsiderGetsNoReceipts() {
    api.say(alice, room, "x");
    read(bob, 1);
    Account outsider = api.register("outsider");

    Reply r = receipts(outsider, "");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().toString()).doesNotContain(bob.username());
    assertThat(api.get("/api/v1/rooms/no-such-room/receipts", bob.accessToken()).status())
        .isEqualTo(404);
  }

  @Test
  void myRoomCarriesMyReadMarkerButTheSharedViewDoesNot() {
    api.say(alice, room, "one");
    api.say(alice, room, "two");
    api.say(alice, room, "three");
    read(bob, 2);

    JsonNode mine = expect(api.get("/api/v1/rooms/" + room, bob.accessToken()), 200).json();
    assertThat(mine.get("last_read_seq").asLong()).isEqualTo(2);
    assertThat(mine.get("unread_count").asLong()).isEqualTo(1);
    JsonNode listed =
        expect(api.get("/api/v1/rooms", bob.accessToken()), 200).json().get("rooms").get(0);
    assertThat(listed.get("id").asText()).isEqualTo(room);
    assertThat(listed.get("last_read_seq").asLong()).isEqualTo(2);

    try (WsClient ws = WsClient.connect(server.baseUrl(), bob.accessToken())) {
      ws.request(Map.of("type", "join_room", "room_id", room));
      expect(
          api.patch("/api/v1/rooms/" + room, Map.of("topic", "new topic"), alice.accessToken()),
          200);
      JsonNode updated = ws.await("room_updated");
      assertThat(updated.get("room").has("last_read_seq")).isFalse();
      read(carol, 3);
      JsonNode receipt = ws.await("read_receipt");
      assertThat(receipt.get("user").asText()).isEqualTo(carol.username());
      assertThat(receipt.get("seq").asLong()).isEqualTo(3);
    }
  }
}
