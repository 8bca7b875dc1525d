package dev.banter.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.RoomContract;
import dev.banter.support.WsClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** SPEC §5.1: resume covers every change, not only new messages; run once per storage backend. */
abstract class ResumeChangesContract extends RoomContract {
  @Override
  protected Map<String, String> serverEnv() {
    return Map.of("BANTER_WS_REPLAY_LIMIT", String.valueOf(REPLAY_LIMIT));
  }

  /** Small, so the bound is reached by a handful of edits. */
  static final int REPLAY_LIMIT = 3;

  // ---- the DSL ----

  private String say(String body) {
    return api.say(alice, room, body).get("id").asText();
  }

  private JsonNode edit(String id, String body) {
    return Api.expect(
            api.patch(
                "/api/v1/rooms/" + room + "/messages/" + id,
                Map.of("body", body),
                alice.accessToken()),
            200)
        .json();
  }

  private void delete(String id) {
    Api.expect(api.delete("/api/v1/rooms/" + room + "/messages/" + id, alice.accessToken()), 204);
  }

  private JsonNode react(Account who, String id, String emoji) {
    return Api.expect(
            api.put(
                "/api/v1/rooms/"
                    + room
                    + "/messages/"
                    + id
                    + "/reactions/"
                    + URLEncoder.encode(emoji, StandardCharsets.UTF_8),
                null,
                who.accessToken()),
            200)
        .json();
  }

  private long roomRev() {
    return server
        .db()
        .withHandle(
            h ->
                h.createQuery("SELECT last_rev FROM rooms WHERE id = :r")
                    .bind("r", room)
                    .mapTo(Long.class)
                    .one());
  }

  /** Bob was here, saw everything up to now (his joined frame), and went away. */
  private JsonNode bobSawEverythingAndLeft() {
    WsClient before = ws(bob);
    JsonNode joined = before.join(room, null, null);
    before.close();
    return joined;
  }

  private static List<JsonNode> framesBefore(WsClient c, JsonNode joined) {
    List<JsonNode> frames = c.frames();
    return frames.subList(0, frames.indexOf(joined)).stream()
        .filter(f -> f.has("message"))
        .toList();
  }

  // ---- the tests ----

  @Test
  void aClientAwayWhileMessagesAreEditedDeletedAndReactedToSeesEveryChangeOnceInRevOrder() {
    String first = say("first");
    String second = say("second");
    String third = say("third");
    String untouched = say("untouched");
    JsonNode seen = bobSawEverythingAndLeft();
    assertThat(seen.get("last_rev").asLong()).isEqualTo(roomRev());

    edit(first, "first, edited");
    react(alice, third, "👍");
    delete(second);
    edit(first, "first, edited twice");
    String fresh = say("posted while away");

    WsClient back = ws(bob);
    JsonNode joined = back.join(room, seen.get("last_seq").asLong(), seen.get("last_rev").asLong());
    List<JsonNode> replay = framesBefore(back, joined);

    assertThat(replay)
        .extracting(f -> f.get("type").asText() + " " + f.at("/message/id").asText())
        .containsExactly(
            "new_message " + fresh,
            "message_updated " + third,
            "message_updated " + second,
            "message_updated " + first);
    List<JsonNode> updates = replay.subList(1, 4);
    assertThat(updates).extracting(f -> f.get("rev").asLong()).isSorted().doesNotHaveDuplicates();
    assertThat(updates).allMatch(f -> f.get("rev").asLong() == f.at("/message/rev").asLong());
    assertThat(updates.get(0).at("/message/reactions/👍/0").asText()).isEqualTo(alice.username());
    assertThat(updates.get(1).at("/message/deleted").asBoolean()).isTrue();
    assertThat(updates.get(1).at("/message/body").asText()).isEmpty();
    assertThat(updates.get(2).at("/message/body").asText()).isEqualTo("first, edited twice");
    assertThat(updates.get(2).at("/message/edited_at").isNull()).isFalse();
    assertThat(replay).noneMatch(f -> f.at("/message/id").asText().equals(untouched));
    assertThat(joined.get("last_rev").asLong()).isEqualTo(roomRev());
    assertThat(joined.has("changes_truncated")).isFalse();
  }

  @Test
  void aResumeWithoutSinceRevGetsNewMessagesOnly() {
    String first = say("first");
    JsonNode seen = bobSawEverythingAndLeft();
    edit(first, "edited");
    String fresh = say("new");

    WsClient back = ws(bob);
    JsonNode joined = back.join(room, seen.get("last_seq").asLong(), null);

    assertThat(framesBefore(back, joined))
        .extracting(f -> f.get("type").asText() + " " + f.at("/message/id").asText())
        .containsExactly("new_message " + fresh);
    assertThat(joined.get("last_rev").asLong()).isEqualTo(roomRev());
  }

  @Test
  void aResumeAtTheNewestRevReplaysNothing() {
    String first = say("first");
    edit(first, "edited");
    JsonNode seen = bobSawEverythingAndLeft();

    WsClient back = ws(bob);
    JsonNode joined = back.join(room, seen.get("last_seq").asLong(), seen.get("last_rev").asLong());

    assertThat(framesBefore(back, joined)).isEmpty();
  }

  @Test
  void liveChangeEventsCarryTheRoomsRev() {
    String id = say("hello");
    WsClient live = ws(bob);
    long rev = live.join(room, null, null).get("last_rev").asLong();

    edit(id, "edited");
    react(bob, id, "🎉");
    delete(id);

    JsonNode edited = live.await("message_edited");
    JsonNode reaction = live.await("reaction");
    JsonNode deleted = live.await("message_deleted");
    assertThat(
            List.of(
                edited.get("rev").asLong(),
                reaction.get("rev").asLong(),
                deleted.get("rev").asLong()))
        .isSorted()
        .doesNotHaveDuplicates()
        .allMatch(r -> r > rev);
    assertThat(edited.at("/message/rev").asLong()).isEqualTo(edited.get("rev").asLong());
    assertThat(deleted.get("seq").asLong()).isEqualTo(1);
    assertThat(deleted.get("message_id").asText()).isEqualTo(id);
    assertThat(reaction.get("emoji").asText()).isEqualTo("🎉");
    assertThat(reaction.get("user").asText()).isEqualTo(bob.username());
    assertThat(reaction.get("on").asBoolean()).isTrue();
  }

  @Test
  void pastTheReplayBoundJoinedSaysChangesTruncatedAndTheRestIsPagedOverRest() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < REPLAY_LIMIT + 3; i++) {
      ids.add(say("m" + i));
    }
    JsonNode seen = bobSawEverythingAndLeft();
    for (String id : ids) {
      edit(id, "edited " + id);
    }

    WsClient back = ws(bob);
    JsonNode joined = back.join(room, seen.get("last_seq").asLong(), seen.get("last_rev").asLong());
    List<JsonNode> replay = framesBefore(back, joined);

    assertThat(joined.get("changes_truncated").asBoolean()).isTrue();
    assertThat(replay)
        .hasSize(REPLAY_LIMIT)
        .allMatch(f -> f.get("type").asText().equals("message_updated"));
    Map<String, String> bodies = new LinkedHashMap<>();
    replay.forEach(f -> bodies.put(f.at("/message/id").asText(), f.at("/message/body").asText()));
    long cursor = replay.get(replay.size() - 1).get("rev").asLong();
    boolean more = true;
    while (more) {
      JsonNode page =
          Api.expect(
                  api.get(
                      "/api/v1/rooms/"
                          + room
                          + "/messages?changed_after_rev="
                          + cursor
                          + "&limit=2",
                      bob.accessToken()),
                  200)
              .json();
      for (JsonNode m : page.get("messages")) {
        assertThat(m.get("rev").asLong()).isGreaterThan(cursor);
        cursor = m.get("rev").asLong();
        assertThat(bodies.put(m.get("id").asText(), m.get("body").asText()))
            .as("each change once")
            .isNull();
      }
      more = page.get("has_more").asBoolean();
    }
    assertThat(bodies.keySet()).containsExactlyElementsOf(ids);
    assertThat(bodies).allSatisfy((id, body) -> assertThat(body).isEqualTo("edited " + id));
    assertThat(cursor).isEqualTo(joined.get("last_rev").asLong());
  }

  @Test
  void badSinceRevIsRefusedAndSubscribesNothing() {
    say("hello");
    WsClient c = ws(bob);

    JsonNode wrongType =
        c.request(Map.of("type", "join_room", "room_id", room, "since_rev", "seven"));
    JsonNode negative = c.request(Map.of("type", "join_room", "room_id", room, "since_rev", -1));
    JsonNode fractional = c.request(Map.of("type", "join_room", "room_id", room, "since_rev", 1.5));

    assertThat(wrongType.at("/error/code").asText()).isEqualTo("bad_request");
    assertThat(wrongType.at("/error/details/field").asText()).isEqualTo("since_rev");
    assertThat(negative.at("/error/code").asText()).isEqualTo("validation_failed");
    assertThat(negative.at("/error/details/field").asText()).isEqualTo("since_rev");
    assertThat(fractional.at("/error/code").asText()).isEqualTo("bad_request");
    WsClient witness = ws(alice);
    witness.join(room, null, null);
    say("not for bob: he never joined");
    witness.await(
        f ->
            "new_message".equals(f.path("type").asText())
                && f.at("/message/body").asText().startsWith("not for bob"));
    for (int i = 0; i < 2; i++) { // bob's loop runs what the fan-out queued for it meanwhile
      assertThat(c.request(Map.of("type", "ping")).get("type").asText()).isEqualTo("pong");
    }
    assertThat(c.ofType("new_message")).isEmpty();
    assertThat(c.ofType("joined")).isEmpty();
  }

  /**
   * An editor changes messages while bob joins again and again: whatever raced the replay, each
   * message's frames reach him in increasing rev, none twice, and he ends with the stored state.
   */
  @Test
  void changesRacingTheReplayArriveOnceAndInRevOrder() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ids.add(say("m" + i));
    }
    AtomicBoolean editing = new AtomicBoolean(true);
    Thread editor =
        Thread.ofVirtual()
            .start(
                () -> {
                  Random random = new Random(7);
                  for (int i = 0; editing.get(); i++) {
                    String id = ids.get(random.nextInt(ids.size()));
                    if (i % 3 == 0) {
                      react(alice, id, i % 2 == 0 ? "👍" : "🎉");
                    } else {
                      edit(id, "edit " + i);
                    }
                  }
                });
    try {
      for (int round = 0; round < 5; round++) {
        WsClient c = ws(bob);
        c.join(
            room,
            (long) ids.size(),
            0L); // every message changed since rev 0: the replay races the editor
        Awaitility.await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> c.ofType("message_edited").size() >= 3);
        c.close();
        assertRevsIncreasePerMessage(c.frames());
      }
    } finally {
      editing.set(false);
      editor.join();
    }
  }

  private static void assertRevsIncreasePerMessage(List<JsonNode> frames) {
    Map<String, Long> last = new HashMap<>();
    for (JsonNode f : frames) {
      String type = f.path("type").asText();
      String id =
          switch (type) {
            case "message_updated", "message_edited", "new_message" -> f.at("/message/id").asText();
            case "reaction", "message_deleted" -> f.get("message_id").asText();
            default -> null;
          };
      if (id == null) {
        continue;
      }
      long rev = f.has("rev") ? f.get("rev").asLong() : f.at("/message/rev").asLong();
      Long before = last.put(id, rev);
      assertThat(before == null || rev > before)
          .as("%s of %s at rev %d after rev %d", type, id, rev, before)
          .isTrue();
    }
  }
}
