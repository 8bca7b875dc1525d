package dev.banter.messages;

import static dev.banter.support.Api.expect;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Api.Reply;
import dev.banter.support.Backend;
import dev.banter.support.Events.Seen;
import dev.banter.support.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * SPEC §4 (search and uploads aside) over real HTTP; run once per storage backend by the
 * subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MessagesApiContract {
  TestServer server;
  Api api;
  Account alice;
  Account bob;
  String room;

  abstract Backend backend();

  @BeforeAll
  void startServer() {
    server = TestServer.start(backend());
    api = server.api();
  }

  @BeforeEach
  void freshRoom() {
    alice = api.register("alice");
    bob = api.register("bob");
    room = api.createRoom(alice, "private");
    api.invite(alice, room, bob);
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private String messages() {
    return "/api/v1/rooms/" + room + "/messages";
  }

  private long stored() {
    return server
        .db()
        .withHandle(
            h ->
                h.createQuery("SELECT count(*) FROM messages WHERE room_id = :r")
                    .bind("r", room)
                    .mapTo(Long.class)
                    .one());
  }

  private static String emoji(String e) {
    return URLEncoder.encode(e, StandardCharsets.UTF_8);
  }

  // ---- posting ----

  @Test
  void postingStoresTheMessageWithTheNextSeqAndAnnouncesIt() {
    Reply r = api.post(messages(), Map.of("body", "  hello *world*  "), alice.accessToken());
    assertThat(r.status()).isEqualTo(201);
    JsonNode m = r.json();
    assertThat(m.get("seq").asLong()).isEqualTo(1);
    assertThat(m.get("room_id").asText()).isEqualTo(room);
    assertThat(m.get("body").asText()).isEqualTo("  hello *world*  ");
    assertThat(m.at("/author/username").asText()).isEqualTo(alice.username());
    assertThat(m.get("deleted").asBoolean()).isFalse();
    assertThat(m.get("edited_at").isNull()).isTrue();
    assertThat(m.get("reactions").isObject()).isTrue();
    assertThat(m.get("attachments").isArray()).isTrue();
    assertThat(api.say(bob, room, "second").get("seq").asLong()).isEqualTo(2);
    Seen e = server.events().await("new_message", ev -> room.equals(ev.roomId()) && ev.seq() == 1);
    assertThat(((Map<?, ?>) e.body().get("message")).get("id")).isEqualTo(m.get("id").asText());
  }

  @Test
  void aRepeatedClientIdReturnsTheFirstMessageAndBurnsNoSeq() {
    Reply first =
        api.post(messages(), Map.of("body", "once", "client_id", "c-1"), alice.accessToken());
    Reply again =
        api.post(
            messages(), Map.of("body", "once (retry)", "client_id", "c-1"), alice.accessToken());
    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().get("id").asText()).isEqualTo(first.json().get("id").asText());
    assertThat(again.json().get("body").asText()).isEqualTo("once");
    Reply bobSameId =
        api.post(messages(), Map.of("body", "mine", "client_id", "c-1"), bob.accessToken());
    assertThat(bobSameId.status()).isEqualTo(201);
    assertThat(bobSameId.json().get("seq").asLong()).isEqualTo(2);
    assertThat(stored()).isEqualTo(2);
    // events are published after the reply; the repeat must never add one
    server.events().await("new_message", e -> room.equals(e.roomId()) && e.seq() == 2);
    assertThat(server.events().of("new_message", room)).hasSize(2);
  }

  @Test
  void badMessagesAreRejectedAndStoreNothing() {
    Map<String, Map<String, Object>> unprocessable = new HashMap<>();
    unprocessable.put("blank", Map.of("body", "   \n\t "));
    unprocessable.put("too long", Map.of("body", "x".repeat(4001)));
    unprocessable.put("client_id too long", Map.of("body", "ok", "client_id", "c".repeat(65)));
    unprocessable.put("client_id empty", Map.of("body", "ok", "client_id", ""));
    unprocessable.put("reply to nothing", Map.of("body", "ok", "reply_to", "missing"));
    unprocessable.put("attachments", Map.of("body", "ok", "attachments", List.of("u1")));
    unprocessable.forEach(
        (name, body) -> {
          Reply r = api.post(messages(), body, alice.accessToken());
          assertThat(r.status()).as(name).isEqualTo(422);
          assertThat(r.errorCode()).isEqualTo("validation_failed");
        });
    Map<String, Object> wrongType = Map.of("body", 42);
    assertThat(api.post(messages(), wrongType, alice.accessToken()).status()).isEqualTo(400);
    assertThat(api.post(messages(), Map.of("client_id", "x"), alice.accessToken()).errorField())
        .isEqualTo("body");
    assertThat(
            api.postRaw(
                    messages(), "{\"body\":".getBytes(StandardCharsets.UTF_8), alice.accessToken())
                .status())
        .isEqualTo(400);
    assertThat(stored()).isZero();
    assertThat(
            api.get("/api/v1/rooms/" + room, alice.accessToken()).json().get("last_seq").asLong())
        .isZero();
  }

  @Test
  void aPostFromAnAccountDeletedMeanwhileIsUnauthorizedAndStoresNothing() {
    Account carol = api.register("carol");
    api.invite(alice, room, carol);
    // The account's row goes while its memberships stay, as when a deletion races a post: foreign
    // keys
    // are off for the test's own connection (SQLite's default; on PostgreSQL, replica mode skips
    // them).
    server
        .db()
        .useHandle(
            h -> {
              if (backend() == Backend.POSTGRES) {
                h.execute("SET session_replication_role = replica");
              }
              h.execute("DELETE FROM users WHERE id = ?", carol.id());
            });
    Reply r = api.post(messages(), Map.of("body", "from nobody"), carol.accessToken());
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.errorCode()).isEqualTo("unauthorized");
    assertThat(stored()).isZero();
  }

  @Test
  void fourThousandCharactersAreAllowed() {
    String body = "\uD83D\uDE00".repeat(4000); // 4000 characters, 8000 UTF-16 units
    assertThat(api.post(messages(), Map.of("body", body), alice.accessToken()).status())
        .isEqualTo(201);
  }

  @Test
  void aReplyMustQuoteAMessageOfTheSameRoom() {
    String parent = api.say(alice, room, "question?").get("id").asText();
    Reply reply =
        api.post(messages(), Map.of("body", "answer", "reply_to", parent), bob.accessToken());
    assertThat(reply.status()).isEqualTo(201);
    assertThat(reply.json().get("reply_to").asText()).isEqualTo(parent);
    String elsewhere = api.createRoom(alice, "public");
    String foreign = api.say(alice, elsewhere, "other room").get("id").asText();
    Reply cross =
        api.post(messages(), Map.of("body", "nope", "reply_to", foreign), alice.accessToken());
    assertThat(cross.status()).isEqualTo(422);
    assertThat(cross.errorField()).isEqualTo("reply_to");
    assertThat(stored()).isEqualTo(2);
  }

  // ---- history ----

  @Test
  void historyPagesBackwardsAndForwards() {
    for (int i = 1; i <= 7; i++) {
      api.say(alice, room, "m" + i);
    }
    Reply newest = api.get(messages() + "?limit=3", bob.accessToken());
    assertThat(seqs(newest)).containsExactly(7L, 6L, 5L);
    assertThat(newest.json().get("has_more").asBoolean()).isTrue();
    Reply older = api.get(messages() + "?before=5&limit=3", bob.accessToken());
    assertThat(seqs(older)).containsExactly(4L, 3L, 2L);
    Reply oldest = api.get(messages() + "?before=2&limit=3", bob.accessToken());
    assertThat(seqs(oldest)).containsExactly(1L);
    assertThat(oldest.json().get("has_more").asBoolean()).isFalse();
    Reply after = api.get(messages() + "?after=4&limit=2", bob.accessToken());
    assertThat(seqs(after)).containsExactly(5L, 6L);
    assertThat(after.json().get("has_more").asBoolean()).isTrue();
    Reply tail = api.get(messages() + "?after=6", bob.accessToken());
    assertThat(seqs(tail)).containsExactly(7L);
    assertThat(tail.json().get("has_more").asBoolean()).isFalse();
  }

  private static List<Long> seqs(Reply r) {
    List<Long> out = new ArrayList<>();
    r.json().get("messages").forEach(m -> out.add(m.get("seq").asLong()));
    return out;
  }

  @Test
  void badHistoryQueriesAreClearErrors() {
    assertThat(api.get(messages() + "?before=3&after=1", bob.accessToken()).status())
        .isEqualTo(400);
    assertThat(api.get(messages() + "?limit=0", bob.accessToken()).status()).isEqualTo(422);
    assertThat(api.get(messages() + "?limit=201", bob.accessToken()).status()).isEqualTo(422);
    assertThat(api.get(messages() + "?limit=-5", bob.accessToken()).status()).isEqualTo(422);
    assertThat(api.get(messages() + "?limit=99999999999999999999", bob.accessToken()).status())
        .isEqualTo(400);
    assertThat(api.get(messages() + "?before=abc", bob.accessToken()).status()).isEqualTo(400);
    assertThat(api.get(messages() + "?after=-1", bob.accessToken()).errorField())
        .isEqualTo("after");
    assertThat(api.get(messages() + "?limit=200", bob.accessToken()).status()).isEqualTo(200);
  }

  // ---- changes (SPEC §5.1) ----

  private long rev(JsonNode m) {
    return m.get("rev").asLong();
  }

  private JsonNode only(String id) {
    for (JsonNode m :
        api.get(messages() + "?limit=200", bob.accessToken()).json().get("messages")) {
      if (m.get("id").asText().equals(id)) {
        return m;
      }
    }
    throw new AssertionError("no message " + id);
  }

  @Test
  void everyPostEditDeleteAndReactionChangeTakesTheRoomsNextRev() {
    JsonNode first = api.say(alice, room, "first");
    JsonNode second = api.say(alice, room, "second");
    JsonNode edited =
        expect(
                api.patch(
                    messages() + "/" + first.get("id").asText(),
                    Map.of("body", "first!"),
                    alice.accessToken()),
                200)
            .json();
    JsonNode reacted =
        expect(
                api.put(
                    messages() + "/" + second.get("id").asText() + "/reactions/" + emoji("👍"),
                    "",
                    bob.accessToken()),
                200)
            .json();
    expect(api.delete(messages() + "/" + first.get("id").asText(), alice.accessToken()), 204);
    long deleted = rev(only(first.get("id").asText()));

    assertThat(List.of(rev(first), rev(second), rev(edited), rev(reacted), deleted))
        .isSorted()
        .doesNotHaveDuplicates();
    assertThat(rev(only(second.get("id").asText()))).isEqualTo(rev(reacted));
    long lastRev =
        server
            .db()
            .withHandle(
                h ->
                    h.createQuery("SELECT last_rev FROM rooms WHERE id = :r")
                        .bind("r", room)
                        .mapTo(Long.class)
                        .one());
    assertThat(lastRev).isEqualTo(deleted);
  }

  @Test
  void changedAfterRevPagesTheChangedMessagesOldestChangeFirst() {
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      ids.add(api.say(alice, room, "m" + i).get("id").asText());
    }
    long seen = rev(only(ids.get(3)));
    expect(
        api.patch(messages() + "/" + ids.get(2), Map.of("body", "m3!"), alice.accessToken()), 200);
    expect(
        api.put(messages() + "/" + ids.get(0) + "/reactions/" + emoji("👍"), "", bob.accessToken()),
        200);
    String fifth = api.say(alice, room, "m5").get("id").asText();

    Reply page =
        expect(
            api.get(messages() + "?changed_after_rev=" + seen + "&limit=2", bob.accessToken()),
            200);
    assertThat(page.json().get("messages"))
        .extracting(m -> m.get("id").asText())
        .containsExactly(ids.get(2), ids.get(0));
    assertThat(page.json().get("has_more").asBoolean()).isTrue();
    long cursor = rev(page.json().at("/messages/1"));
    Reply rest =
        expect(api.get(messages() + "?changed_after_rev=" + cursor, bob.accessToken()), 200);
    assertThat(rest.json().get("messages"))
        .extracting(m -> m.get("id").asText())
        .containsExactly(fifth);
    assertThat(rest.json().get("has_more").asBoolean()).isFalse();
    assertThat(page.json().at("/messages/0/body").asText()).isEqualTo("m3!");
  }

  @Test
  void changedAfterRevIsForMembersOnly() {
    api.say(alice, room, "private");
    Account outsider = api.register("outsider");
    Reply r = api.get(messages() + "?changed_after_rev=0", outsider.accessToken());
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.errorCode()).isEqualTo("forbidden");
  }

  @Test
  void badChangedAfterRevQueriesAreClearErrors() {
    Reply word = api.get(messages() + "?changed_after_rev=abc", bob.accessToken());
    assertThat(word.status()).isEqualTo(400);
    assertThat(word.errorCode()).isEqualTo("bad_request");
    assertThat(word.errorField()).isEqualTo("changed_after_rev");
    Reply negative = api.get(messages() + "?changed_after_rev=-1", bob.accessToken());
    assertThat(negative.status()).isEqualTo(422);
    assertThat(negative.errorCode()).isEqualTo("validation_failed");
    assertThat(negative.errorField()).isEqualTo("changed_after_rev");
    assertThat(api.get(messages() + "?changed_after_rev=1.5", bob.accessToken()).status())
        .isEqualTo(400);
    assertThat(api.get(messages() + "?changed_after_rev=0&after=1", bob.accessToken()).status())
        .isEqualTo(400);
    assertThat(api.get(messages() + "?changed_after_rev=0&before=9", bob.accessToken()).status())
        .isEqualTo(400);
    assertThat(api.get(messages() + "?changed_after_rev=0&limit=0", bob.accessToken()).status())
        .isEqualTo(422);
    assertThat(api.get(messages() + "?changed_after_rev=0", bob.accessToken()).status())
        .isEqualTo(200);
  }

  // ---- edit and delete ----

  @Test
  void onlyTheAuthorEditsAndTheEditIsMarked() {
    String id = api.say(alice, room, "typo").get("id").asText();
    Reply byBob = api.patch(messages() + "/" + id, Map.of("body", "vandal"), bob.accessToken());
    assertThat(byBob.status()).isEqualTo(403);
    Reply edit = api.patch(messages() + "/" + id, Map.of("body", "fixed"), alice.accessToken());
    assertThat(edit.status()).isEqualTo(200);
    assertThat(edit.json().get("body").asText()).isEqualTo("fixed");
    assertThat(edit.json().get("edited_at").asText()).endsWith("Z");
    assertThat(edit.json().get("seq").asLong()).isEqualTo(1);
    server.events().await("message_edited", e -> room.equals(e.roomId()));
    assertThat(api.patch(messages() + "/" + id, Map.of("body", " "), alice.accessToken()).status())
        .isEqualTo(422);
    assertThat(api.patch(messages() + "/nope", Map.of("body", "x"), alice.accessToken()).status())
        .isEqualTo(404);
    assertThat(api.get(messages(), bob.accessToken()).json().at("/messages/0/body").asText())
        .isEqualTo("fixed");
  }

  @Test
  void deletingLeavesATombstoneThatCannotBeEditedOrReactedTo() {
    String id = api.say(alice, room, "secret").get("id").asText();
    expect(
        api.put(messages() + "/" + id + "/reactions/" + emoji("👍"), "", bob.accessToken()), 200);
    assertThat(api.delete(messages() + "/" + id, bob.accessToken()).status()).isEqualTo(403);
    assertThat(api.delete(messages() + "/" + id, alice.accessToken()).status()).isEqualTo(204);
    Seen e = server.events().await("message_deleted", ev -> room.equals(ev.roomId()));
    assertThat(e.body()).containsEntry("message_id", id).containsEntry("seq", 1L);
    JsonNode tomb = api.get(messages(), bob.accessToken()).json().at("/messages/0");
    assertThat(tomb.get("deleted").asBoolean()).isTrue();
    assertThat(tomb.get("body").asText()).isEmpty();
    assertThat(tomb.get("reactions").size()).isZero();
    assertThat(
            api.patch(messages() + "/" + id, Map.of("body", "again"), alice.accessToken()).status())
        .isEqualTo(409);
    assertThat(
            api.put(messages() + "/" + id + "/reactions/" + emoji("👍"), "", bob.accessToken())
                .status())
        .isEqualTo(409);
    assertThat(api.delete(messages() + "/" + id, alice.accessToken()).status()).isEqualTo(204);
  }

  @Test
  void roomModeratorsDeleteOthersMessages() {
    String id = api.say(bob, room, "spam").get("id").asText();
    assertThat(api.delete(messages() + "/" + id, alice.accessToken()).status()).isEqualTo(204);
  }

  // ---- reactions ----

  @Test
  void eachUserReactsOncePerEmoji() {
    String id = api.say(alice, room, "react to me").get("id").asText();
    String path = messages() + "/" + id + "/reactions/";
    Reply first = api.put(path + emoji("👍"), "", bob.accessToken());
    assertThat(first.status()).isEqualTo(200);
    api.put(path + emoji("👍"), "", bob.accessToken());
    api.put(path + emoji("👍"), "", alice.accessToken());
    Reply party = api.put(path + emoji("🎉"), "", bob.accessToken());
    assertThat(party.json().at("/reactions").toString()).contains("🎉");
    JsonNode reactions = party.json().get("reactions");
    assertThat(reactions.get("👍")).hasSize(2);
    assertThat(reactions.get("🎉")).hasSize(1);
    assertThat(server.events().of("reaction", room)).hasSize(3);
    Reply off = api.delete(path + emoji("👍"), bob.accessToken());
    assertThat(off.json().at("/reactions").get("👍")).hasSize(1);
    assertThat(off.json().at("/reactions").get("👍").get(0).asText()).isEqualTo(alice.username());
    assertThat(api.put(path + ":thumbsup:", "", bob.accessToken()).status()).isEqualTo(200);
    assertThat(api.put(path + emoji("👍🏽"), "", bob.accessToken()).status()).isEqualTo(200);
    assertThat(api.put(path + emoji("🇫🇷"), "", bob.accessToken()).status()).isEqualTo(200);
  }

  @Test
  void nonEmojiReactionsAreRejectedAndStoreNothing() {
    String id = api.say(alice, room, "x").get("id").asText();
    String path = messages() + "/" + id + "/reactions/";
    long before = server.count("reactions");
    for (String bad :
        new String[] {
          "hello",
          "a",
          "%20",
          "%3Cscript%3E",
          emoji("👍".repeat(20)),
          ":UPPER:",
          emoji("👍 x"),
          "%00"
        }) {
      Reply r = api.put(path + bad, "", bob.accessToken());
      assertThat(r.status()).as(bad).isEqualTo(422);
      assertThat(r.errorField()).isEqualTo("emoji");
    }
    assertThat(server.count("reactions")).isEqualTo(before);
    assertThat(
            api.put(messages() + "/missing/reactions/" + emoji("👍"), "", bob.accessToken())
                .status())
        .isEqualTo(404);
  }

  // ---- read markers ----

  @Test
  void readMarkersDriveUnreadCounts() {
    api.say(alice, room, "1");
    api.say(alice, room, "2");
    api.say(alice, room, "3");
    assertThat(
            api.get("/api/v1/rooms/" + room, bob.accessToken()).json().get("unread_count").asLong())
        .isEqualTo(3);
    assertThat(
            api.get("/api/v1/rooms/" + room, alice.accessToken())
                .json()
                .get("unread_count")
                .asLong())
        .isZero();
    assertThat(
            api.post("/api/v1/rooms/" + room + "/read", Map.of("seq", 2), bob.accessToken())
                .status())
        .isEqualTo(204);
    assertThat(
            api.get("/api/v1/rooms/" + room, bob.accessToken()).json().get("unread_count").asLong())
        .isEqualTo(1);
    Seen receipt = server.events().await("read_receipt", e -> room.equals(e.roomId()));
    assertThat(receipt.body()).containsEntry("user", bob.username()).containsEntry("seq", 2L);
    api.post(
        "/api/v1/rooms/" + room + "/read", Map.of("seq", 1), bob.accessToken()); // never backwards
    assertThat(
            api.get("/api/v1/rooms/" + room, bob.accessToken()).json().get("unread_count").asLong())
        .isEqualTo(1);
    assertThat(
            api.post("/api/v1/rooms/" + room + "/read", Map.of("seq", 99), bob.accessToken())
                .status())
        .isEqualTo(422);
    assertThat(
            api.post("/api/v1/rooms/" + room + "/read", Map.of("seq", "2"), bob.accessToken())
                .status())
        .isEqualTo(400);
    assertThat(api.post("/api/v1/rooms/" + room + "/read", Map.of(), bob.accessToken()).status())
        .isEqualTo(400);
  }
}
