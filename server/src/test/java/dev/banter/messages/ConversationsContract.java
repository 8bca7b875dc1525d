package dev.banter.messages;

import static dev.banter.support.Api.expect;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.auth.Blocks;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Api.Reply;
import dev.banter.support.RoomContract;
import dev.banter.support.WsClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * SPEC §8 threads, mentions and notifications over real HTTP and WebSocket; run once per storage
 * backend by the subclasses.
 */
abstract class ConversationsContract extends RoomContract {
  @Override
  protected Map<String, String> serverEnv() {
    return Map.of("BANTER_GUEST_ACCESS", "true");
  }

  // ---- the DSL ----

  private String say(Account who, String body) {
    return api.say(who, room, body).get("id").asText();
  }

  private Reply post(Account who, String roomId, Map<String, Object> body) {
    return api.post("/api/v1/rooms/" + roomId + "/messages", body, who.accessToken());
  }

  private JsonNode reply(Account who, String rootId, String body) {
    return expect(post(who, room, Map.of("body", body, "thread_id", rootId)), 201).json();
  }

  private JsonNode thread(Account who, String rootId) {
    return expect(
            api.get(
                "/api/v1/rooms/" + room + "/threads/" + rootId + "/messages", who.accessToken()),
            200)
        .json();
  }

  private JsonNode message(Account who, String id) {
    for (JsonNode m :
        expect(api.get("/api/v1/rooms/" + room + "/messages?limit=200", who.accessToken()), 200)
            .json()
            .get("messages")) {
      if (m.get("id").asText().equals(id)) {
        return m;
      }
    }
    throw new AssertionError("not in history: " + id);
  }

  private JsonNode roomOf(Account who, String roomId) {
    return expect(api.get("/api/v1/rooms/" + roomId, who.accessToken()), 200).json();
  }

  private long mentionCount(Account who) {
    return roomOf(who, room).get("mention_count").asLong();
  }

  private JsonNode followed(Account who) {
    return expect(api.get("/api/v1/threads", who.accessToken()), 200).json().get("threads");
  }

  private Reply settings(Account who, String roomId, Map<String, Object> body) {
    return api.put("/api/v1/rooms/" + roomId + "/notifications", body, who.accessToken());
  }

  /**
   * Waits until the notifier has taken every message posted so far: it takes them in order, so a
   * mention of the client's user in {@code sideRoom} arriving means the ones before it were
   * decided.
   */
  private void passed(WsClient c, String sideRoom) {
    c.notified(api.say(alice, sideRoom, "@" + bob.username() + " barrier").get("id").asText());
  }

  /** Notifications {@code c} received, by message id. */
  private static List<String> notifiedIds(WsClient c) {
    return c.ofType("notification").stream().map(f -> f.at("/message/id").asText()).toList();
  }

  /** What a refused request must leave as it was: the room's counters, messages, follows. */
  private String state() {
    return server
        .db()
        .withHandle(
            h ->
                h.createQuery(
                        """
                        SELECT r.last_seq || '/' || r.last_rev || '/'
                               || (SELECT count(*) FROM messages WHERE room_id = r.id) || '/'
                               || (SELECT count(*) FROM thread_follows) || '/'
                               || (SELECT count(*) FROM message_mentions) || '/'
                               || coalesce((SELECT min(notification_level) FROM room_members
                                             WHERE room_id = r.id), '-')
                          FROM rooms r WHERE r.id = :r
                        """)
                    .bind("r", room)
                    .mapTo(String.class)
                    .one());
  }

  // ---- threads ----

  @Test
  void aThreadReplyCarriesItsThreadIdAndItsRootsSummaryFollowsLive() {
    String root = say(alice, "shall we ship on friday?");
    WsClient bobs = ws(bob);
    JsonNode joined = bobs.join(room, null, null);
    WsClient alices = ws(alice);

    JsonNode ack =
        alices.request(
            Map.of(
                "type",
                "send_message",
                "room_id",
                room,
                "body",
                "I think so",
                "client_id",
                "c1",
                "thread_id",
                root));
    assertThat(ack.at("/message/thread_id").asText()).isEqualTo(root);
    String first = ack.at("/message/id").asText();
    JsonNode live =
        bobs.await(
            f ->
                f.path("type").asText().equals("new_message")
                    && f.at("/message/id").asText().equals(first));
    assertThat(live.at("/message/thread_id").asText()).isEqualTo(root);
    JsonNode summary =
        bobs.await(
            f ->
                f.path("type").asText().equals("message_updated")
                    && f.at("/message/id").asText().equals(root)
                    && f.at("/message/thread/reply_count").asInt() == 1);
    assertThat(summary.at("/message/thread/participants").toString())
        .isEqualTo("[\"" + alice.username() + "\"]");
    assertThat(summary.get("rev").asLong())
        .isGreaterThan(live.at("/message/rev").asLong())
        .isGreaterThan(joined.get("last_rev").asLong());

    JsonNode second = reply(bob, root, "friday works");
    JsonNode again =
        bobs.await(
            f ->
                f.path("type").asText().equals("message_updated")
                    && f.at("/message/thread/reply_count").asInt() == 2);
    assertThat(again.at("/message/thread/participants").toString())
        .isEqualTo("[\"" + bob.username() + "\",\"" + alice.username() + "\"]");
    assertThat(Instant.parse(again.at("/message/thread/last_reply_at").asText()))
        .isEqualTo(Instant.parse(second.get("created_at").asText()));
    assertThat(message(bob, root).at("/thread/reply_count").asInt()).isEqualTo(2);
    assertThat(message(bob, root).get("thread_id").isNull()).isTrue();
  }

  @Test
  void theThreadRouteListsRepliesOldestFirstAndHistoryKeepsOneStream() {
    String root = say(alice, "root");
    say(alice, "not in the thread");
    List<String> replies = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      replies.add(reply(i % 2 == 0 ? bob : alice, root, "reply " + i).get("id").asText());
    }

    JsonNode t = thread(bob, root);
    assertThat(t.at("/root/id").asText()).isEqualTo(root);
    assertThat(t.at("/root/thread/reply_count").asInt()).isEqualTo(5);
    List<String> listed = new ArrayList<>();
    t.get("messages").forEach(m -> listed.add(m.get("id").asText()));
    assertThat(listed).containsExactlyElementsOf(replies);
    assertThat(t.get("has_more").asBoolean()).isFalse();

    long thirdSeq = t.at("/messages/2/seq").asLong();
    JsonNode page =
        expect(
                api.get(
                    "/api/v1/rooms/"
                        + room
                        + "/threads/"
                        + root
                        + "/messages?after="
                        + thirdSeq
                        + "&limit=1",
                    alice.accessToken()),
                200)
            .json();
    assertThat(page.at("/messages/0/id").asText()).isEqualTo(replies.get(3));
    assertThat(page.get("has_more").asBoolean()).isTrue();
    assertThat(message(alice, replies.get(4)).get("thread_id").asText()).isEqualTo(root);
  }

  @Test
  void aReplyMustNameATopLevelMessageOfTheSameRoomAndARefusalStoresNothing() {
    String root = say(alice, "root");
    String inThread = reply(bob, root, "a reply").get("id").asText();
    String elsewhere = api.createRoom(alice, "private");
    String foreign = api.say(alice, elsewhere, "another room").get("id").asText();
    String state = state();

    for (String bad : List.of(inThread, foreign, "no-such-message")) {
      Reply r = post(alice, room, Map.of("body", "nested?", "thread_id", bad));
      assertThat(r.status()).as(bad).isEqualTo(422);
      assertThat(r.errorCode()).isEqualTo("validation_failed");
      assertThat(r.errorField()).isEqualTo("thread_id");
    }
    Reply wrongType = post(alice, room, Map.of("body", "typed", "thread_id", 7));
    assertThat(wrongType.status()).isEqualTo(400);
    assertThat(wrongType.errorCode()).isEqualTo("bad_request");
    WsClient alices = ws(alice);
    JsonNode wsRefusal =
        alices.request(
            Map.of(
                "type",
                "send_message",
                "room_id",
                room,
                "body",
                "x",
                "client_id",
                "c9",
                "thread_id",
                inThread));
    assertThat(wsRefusal.at("/error/code").asText()).isEqualTo("validation_failed");
    assertThat(wsRefusal.at("/error/details/field").asText()).isEqualTo("thread_id");
    assertThat(state()).isEqualTo(state);
  }

  @Test
  void deletingAReplyTakesItOutOfTheSummaryLive() {
    String root = say(alice, "root");
    String mine = reply(bob, root, "soon gone").get("id").asText();
    reply(alice, root, "stays");
    WsClient alices = ws(alice);
    alices.join(room, null, null);

    expect(api.delete("/api/v1/rooms/" + room + "/messages/" + mine, bob.accessToken()), 204);

    JsonNode updated =
        alices.await(
            f ->
                f.path("type").asText().equals("message_updated")
                    && f.at("/message/id").asText().equals(root)
                    && f.at("/message/thread/reply_count").asInt() == 1);
    assertThat(updated.at("/message/thread/participants").toString())
        .isEqualTo("[\"" + alice.username() + "\"]");
    assertThat(thread(alice, root).get("messages").size()).isEqualTo(2); // the tombstone stays
  }

  @Test
  void aResumeSinceRevShowsTheRootsNewSummary() {
    String root = say(alice, "root");
    WsClient before = ws(bob);
    JsonNode seen = before.join(room, null, null);
    before.close();

    String r = reply(alice, root, "while you were away").get("id").asText();

    WsClient back = ws(bob);
    JsonNode joined = back.join(room, seen.get("last_seq").asLong(), seen.get("last_rev").asLong());
    List<JsonNode> frames = back.frames();
    List<String> replay =
        frames.subList(0, frames.indexOf(joined)).stream()
            .filter(f -> f.has("message"))
            .map(f -> f.get("type").asText() + " " + f.at("/message/id").asText())
            .toList();
    assertThat(replay).containsExactly("new_message " + r, "message_updated " + root);
  }

  @Test
  void followersAreTheStarterRepliersAndMentionedAndCountWhatTheyHaveNotRead() {
    api.invite(alice, room, carol);
    String root = say(alice, "root");
    reply(bob, root, "first from bob");
    reply(bob, root, "pinging @" + carol.username());

    JsonNode alicesThreads = followed(alice);
    assertThat(alicesThreads.size()).isEqualTo(1);
    assertThat(alicesThreads.at("/0/root/id").asText()).isEqualTo(root);
    assertThat(alicesThreads.at("/0/room_id").asText()).isEqualTo(room);
    assertThat(alicesThreads.at("/0/unread_count").asLong()).isEqualTo(2);
    assertThat(followed(bob).at("/0/unread_count").asLong()).isZero();
    assertThat(followed(carol).at("/0/unread_count").asLong()).isEqualTo(2);

    JsonNode last = reply(alice, root, "thanks");
    assertThat(followed(alice).at("/0/unread_count").asLong())
        .as("one's own reply reads the thread up to it")
        .isZero();
    assertThat(followed(bob).at("/0/unread_count").asLong()).isEqualTo(1);
    expect(
        api.post(
            "/api/v1/threads/" + root + "/read",
            Map.of("seq", last.get("seq").asLong()),
            carol.accessToken()),
        204);
    assertThat(followed(carol).at("/0/unread_count").asLong()).isZero();

    String newer = say(alice, "another root");
    reply(bob, newer, "newest activity");
    assertThat(followed(bob).at("/0/root/id").asText())
        .as("newest activity first")
        .isEqualTo(newer);
    assertThat(followed(api.register("dave")).size()).isZero();
  }

  @Test
  void threadRoutesRefuseOutsidersAndBadInputAndChangeNothing() {
    String root = say(alice, "root");
    String r = reply(bob, root, "reply").get("id").asText();
    Account outsider = api.register("outsider");
    String state = state();

    record Refusal(Reply reply, int status, String code) {}
    String base = "/api/v1/rooms/" + room + "/threads/";
    List<Refusal> refusals =
        List.of(
            new Refusal(
                api.get(base + root + "/messages", outsider.accessToken()), 403, "forbidden"),
            new Refusal(api.get(base + r + "/messages", bob.accessToken()), 404, "not_found"),
            new Refusal(api.get(base + "nope/messages", bob.accessToken()), 404, "not_found"),
            new Refusal(
                api.get(base + root + "/messages?limit=0", bob.accessToken()),
                422,
                "validation_failed"),
            new Refusal(
                api.get(base + root + "/messages?after=x", bob.accessToken()), 400, "bad_request"),
            new Refusal(api.get(base + root + "/messages", null), 401, "unauthorized"),
            new Refusal(
                api.get("/api/v1/threads?limit=500", bob.accessToken()), 422, "validation_failed"),
            new Refusal(api.get("/api/v1/threads", null), 401, "unauthorized"),
            new Refusal(
                api.post(
                    "/api/v1/threads/" + root + "/read", Map.of("seq", 1), outsider.accessToken()),
                404,
                "not_found"),
            new Refusal(
                api.post("/api/v1/threads/nope/read", Map.of("seq", 1), bob.accessToken()),
                404,
                "not_found"),
            new Refusal(
                api.post("/api/v1/threads/" + root + "/read", Map.of(), bob.accessToken()),
                400,
                "bad_request"),
            new Refusal(
                api.post("/api/v1/threads/" + root + "/read", Map.of("seq", -1), bob.accessToken()),
                422,
                "validation_failed"),
            new Refusal(
                api.post(
                    "/api/v1/threads/" + root + "/read", Map.of("seq", "x"), bob.accessToken()),
                400,
                "bad_request"));
    for (Refusal x : refusals) {
      assertThat(x.reply().status()).as(String.valueOf(x.reply().json())).isEqualTo(x.status());
      assertThat(x.reply().errorCode()).isEqualTo(x.code());
      assertThat(x.reply().json().toString()).doesNotContain("reply\"");
    }
    assertThat(state()).isEqualTo(state);
  }

  @Test
  void searchResultsCarryTheThreadAndMentionFields() {
    String root = say(alice, "root of the findable thread");
    String r = reply(bob, root, "zanzibar answer for @" + alice.username()).get("id").asText();
    reply(alice, root, "zanzibar again");

    JsonNode results =
        expect(api.get("/api/v1/search?q=zanzibar&room_id=" + room, alice.accessToken()), 200)
            .json()
            .get("results");
    JsonNode hit = null;
    for (JsonNode x : results) {
      if (x.at("/message/id").asText().equals(r)) {
        hit = x.get("message");
      }
    }
    assertThat(hit).as("the reply is found").isNotNull();
    assertThat(hit.get("thread_id").asText()).isEqualTo(root);
    assertThat(hit.get("mentions").toString()).isEqualTo("[\"" + alice.username() + "\"]");
    JsonNode rootHit =
        expect(api.get("/api/v1/search?q=findable&room_id=" + room, alice.accessToken()), 200)
            .json()
            .at("/results/0/message");
    assertThat(rootHit.at("/thread/reply_count").asInt()).isEqualTo(2);
  }

  // ---- mentions ----

  @Test
  void mentionsNameMembersOnlyOutsideCodeAndCountUntilRead() {
    JsonNode m = api.say(alice, room, "hey @" + bob.username() + " and @nobody-here");
    assertThat(m.get("mentions").toString()).isEqualTo("[\"" + bob.username() + "\"]");
    assertThat(m.get("mentions_room").asBoolean()).isFalse();
    assertThat(mentionCount(bob)).isEqualTo(1);
    assertThat(mentionCount(alice)).as("one's own mention of others").isZero();

    JsonNode code =
        api.say(alice, room, "run `@" + bob.username() + "` or\n```\n@" + bob.username() + "\n```");
    assertThat(code.get("mentions").size()).isZero();
    JsonNode everyone = api.say(alice, room, "@room standup now");
    assertThat(everyone.get("mentions_room").asBoolean()).isTrue();
    assertThat(mentionCount(bob)).isEqualTo(2);
    JsonNode both = api.say(alice, room, "@room and @" + bob.username());
    assertThat(mentionCount(bob)).as("a message counts once").isEqualTo(3);

    expect(
        api.post(
            "/api/v1/rooms/" + room + "/read",
            Map.of("seq", both.get("seq").asLong()),
            bob.accessToken()),
        204);
    assertThat(mentionCount(bob)).isZero();
    assertThat(roomOf(bob, room).get("unread_count").asLong()).isZero();
  }

  @Test
  void editsAndDeletesKeepTheMentionCountExact() {
    String id = say(alice, "no one yet");
    String path = "/api/v1/rooms/" + room + "/messages/" + id;
    assertThat(mentionCount(bob)).isZero();

    JsonNode added =
        expect(api.patch(path, Map.of("body", "now @" + bob.username()), alice.accessToken()), 200)
            .json();
    assertThat(added.get("mentions").toString()).contains(bob.username());
    assertThat(mentionCount(bob)).isEqualTo(1);
    expect(
        api.patch(path, Map.of("body", "again @" + bob.username() + "!"), alice.accessToken()),
        200);
    assertThat(mentionCount(bob)).isEqualTo(1);
    expect(api.patch(path, Map.of("body", "never mind"), alice.accessToken()), 200);
    assertThat(mentionCount(bob)).isZero();
    expect(api.patch(path, Map.of("body", "@room after all"), alice.accessToken()), 200);
    assertThat(mentionCount(bob)).isEqualTo(1);

    String other = say(alice, "@" + bob.username() + " look");
    assertThat(mentionCount(bob)).isEqualTo(2);
    expect(api.delete("/api/v1/rooms/" + room + "/messages/" + other, alice.accessToken()), 204);
    expect(api.delete(path, alice.accessToken()), 204);
    assertThat(mentionCount(bob)).isZero();
    assertThat(message(bob, id).get("mentions_room").asBoolean()).isFalse();
  }

  @Test
  void mentioningSomeoneOutsideAPrivateRoomTellsThemNothing() {
    WsClient carols = ws(carol);
    String secret = say(alice, "@" + carol.username() + " is not here, the plan is secret");
    JsonNode m = message(alice, secret);
    assertThat(m.get("mentions").size()).isZero();

    String dm =
        expect(
                api.post("/api/v1/dms", Map.of("username", carol.username()), alice.accessToken()),
                200)
            .json()
            .get("id")
            .asText();
    String witness = api.say(alice, dm, "a witness").get("id").asText();
    carols.notified(witness);
    assertThat(notifiedIds(carols)).doesNotContain(secret);
    assertThat(carols.frames().toString()).doesNotContain("secret").doesNotContain(room);
  }

  // ---- notifications ----

  @Test
  void aMentionNotifiesEveryConnectionOfTheUserAndNeverTheAuthor() {
    WsClient phone = ws(bob);
    WsClient laptop = ws(bob);
    WsClient alices = ws(alice);
    String id = say(alice, "@" + bob.username() + " ping");

    for (WsClient c : List.of(phone, laptop)) {
      JsonNode n = c.notified(id);
      assertThat(n.get("room_id").asText()).isEqualTo(room);
      assertThat(n.get("reason").asText()).isEqualTo("mention");
      assertThat(n.at("/message/body").asText()).isEqualTo("@" + bob.username() + " ping");
    }
    String back = say(bob, "@" + alice.username() + " pong");
    alices.notified(back);
    assertThat(notifiedIds(alices)).containsExactly(back);
  }

  @Test
  void hereReachesTheMembersOnlineNowAndCountsForThemOnly() {
    api.invite(alice, room, carol); // carol stays offline
    WsClient bobs = ws(bob);

    JsonNode here = api.say(alice, room, "@here quick question");
    String id = here.get("id").asText();

    assertThat(here.get("mentions_here").asBoolean()).isTrue();
    assertThat(bobs.notified(id).get("reason").asText()).isEqualTo("mention");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> mentionCount(bob) == 1);
    assertThat(mentionCount(carol)).as("offline when it was posted").isZero();
    assertThat(mentionCount(alice)).isZero();
  }

  @Test
  void anEditNotifiesOnlyWhomItNewlyNames() {
    WsClient bobs = ws(bob);
    String id = say(alice, "draft");
    String path = "/api/v1/rooms/" + room + "/messages/" + id;

    expect(
        api.patch(path, Map.of("body", "draft for @" + bob.username()), alice.accessToken()), 200);
    JsonNode n = bobs.notified(id);
    assertThat(n.get("reason").asText()).isEqualTo("mention");
    assertThat(n.at("/message/body").asText()).isEqualTo("draft for @" + bob.username());
    expect(
        api.patch(path, Map.of("body", "final for @" + bob.username()), alice.accessToken()), 200);
    String witness = say(alice, "@" + bob.username() + " witness");
    bobs.notified(witness);
    assertThat(notifiedIds(bobs)).containsExactly(id, witness);
  }

  @Test
  void levelsMuteAndDirectRoomsDecideWhoIsNotified() {
    WsClient bobs = ws(bob);
    String plain = say(alice, "plain message in a channel");
    String mention = say(alice, "@" + bob.username() + " witness");
    bobs.notified(mention);
    assertThat(notifiedIds(bobs)).as("channels default to mentions").doesNotContain(plain);
    assertThat(roomOf(bob, room).get("notification_level").asText()).isEqualTo("mentions");

    JsonNode all = expect(settings(bob, room, Map.of("level", "all")), 200).json();
    assertThat(all.get("notification_level").asText()).isEqualTo("all");
    String everything = say(alice, "now every message");
    assertThat(bobs.notified(everything).get("reason").asText()).isEqualTo("room");

    Instant until = Instant.now().plus(1, ChronoUnit.HOURS);
    Map<String, Object> mute = new LinkedHashMap<>();
    mute.put("level", "all");
    mute.put("muted_until", until.toString());
    JsonNode muted = expect(settings(bob, room, mute), 200).json();
    assertThat(Instant.parse(muted.get("muted_until").asText()))
        .isEqualTo(until.truncatedTo(ChronoUnit.MILLIS));
    // The notifier decides when it takes a message, so each setting must stay until it has.
    String side = api.createRoom(alice, "private");
    api.invite(alice, side, bob);
    String whileMuted = say(alice, "@" + bob.username() + " you are muted");
    passed(bobs, side);
    expect(settings(bob, room, Map.of("level", "none")), 200);
    String whileNone = say(alice, "@" + bob.username() + " level none");
    passed(bobs, side);
    expect(settings(bob, room, Map.of("level", "mentions")), 200);
    String witness = say(alice, "@" + bob.username() + " back");
    bobs.notified(witness);
    assertThat(notifiedIds(bobs)).doesNotContain(whileMuted, whileNone);
    assertThat(roomOf(bob, room).get("muted_until").isNull()).isTrue();

    String dm =
        expect(
                api.post("/api/v1/dms", Map.of("username", bob.username()), alice.accessToken()),
                200)
            .json()
            .get("id")
            .asText();
    assertThat(roomOf(bob, dm).get("notification_level").asText()).isEqualTo("all");
    String direct = api.say(alice, dm, "just us").get("id").asText();
    assertThat(bobs.notified(direct).get("reason").asText()).isEqualTo("direct");
  }

  @Test
  void aMemberAtLevelAllWhoLeftIsNotNotifiedAnyMore() {
    WsClient bobs = ws(bob);
    expect(settings(bob, room, Map.of("level", "all")), 200);
    String seen = say(alice, "bob hears this");
    assertThat(bobs.notified(seen).get("reason").asText()).isEqualTo("room");

    expect(api.post("/api/v1/rooms/" + room + "/leave", Map.of(), bob.accessToken()), 204);
    String gone = say(alice, "bob left before this");
    String dm =
        expect(
                api.post("/api/v1/dms", Map.of("username", bob.username()), alice.accessToken()),
                200)
            .json()
            .get("id")
            .asText();
    String witness = api.say(alice, dm, "a witness").get("id").asText();
    bobs.notified(witness);
    assertThat(notifiedIds(bobs)).doesNotContain(gone);
  }

  @Test
  void aReplyNotifiesTheThreadsFollowersAndABlockedAuthorNotifiesNoOne() {
    String root = say(bob, "bob's question");
    WsClient bobs = ws(bob);
    String answer = reply(alice, root, "alice's answer").get("id").asText();
    assertThat(bobs.notified(answer).get("reason").asText()).isEqualTo("thread");

    expect(api.put("/api/v1/users/me/blocks/" + alice.username(), null, bob.accessToken()), 204);
    String blocked = say(alice, "@" + bob.username() + " from someone you block");
    api.invite(alice, room, carol);
    String witness = say(carol, "@" + bob.username() + " witness");
    bobs.notified(witness);
    assertThat(notifiedIds(bobs)).doesNotContain(blocked);
  }

  @Test
  void blocksAreListedUndoneAndRefusedWhenTheyMakeNoSense() {
    String blocks = "/api/v1/users/me/blocks";
    expect(api.put(blocks + "/" + alice.username(), null, bob.accessToken()), 204);
    expect(api.put(blocks + "/" + alice.username().toUpperCase(), null, bob.accessToken()), 204);
    expect(api.put(blocks + "/" + carol.username(), null, bob.accessToken()), 204);
    JsonNode listed = expect(api.get(blocks, bob.accessToken()), 200).json().get("users");
    assertThat(listed.findValuesAsText("username"))
        .containsExactlyInAnyOrder(alice.username(), carol.username());
    assertThat(expect(api.get(blocks, alice.accessToken()), 200).json().get("users").size())
        .isZero();

    Reply self = api.put(blocks + "/" + bob.username(), null, bob.accessToken());
    assertThat(self.status()).isEqualTo(422);
    assertThat(self.errorField()).isEqualTo("username");
    assertThat(api.put(blocks + "/no-such-user", null, bob.accessToken()).status()).isEqualTo(404);
    assertThat(api.put(blocks + "/" + "x".repeat(300), null, bob.accessToken()).status())
        .isEqualTo(404);
    assertThat(api.put(blocks + "/" + alice.username(), null, null).status()).isEqualTo(401);
    assertThat(api.get(blocks, null).status()).isEqualTo(401);

    expect(api.delete(blocks + "/" + alice.username(), bob.accessToken()), 204);
    expect(api.delete(blocks + "/" + alice.username(), bob.accessToken()), 204);
    assertThat(expect(api.get(blocks, bob.accessToken()), 200).json().findValuesAsText("username"))
        .containsExactly(carol.username());
  }

  @Test
  void aUserBlocksAtMostAThousand() {
    Account busy = api.register("busy");
    server
        .db()
        .useTransaction(
            h -> {
              for (int i = 0; i < Blocks.MAX_BLOCKS; i++) {
                String id = busy.id() + "-b" + i;
                h.execute(
                    "INSERT INTO users (id, username, display_name, created_at) VALUES (?, ?, ?, 0)",
                    id,
                    "blk" + i + "-" + busy.id().substring(0, 8).toLowerCase(),
                    "x");
                h.execute(
                    "INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, 0)",
                    busy.id(),
                    id);
              }
            });

    Reply over = api.put("/api/v1/users/me/blocks/" + alice.username(), null, busy.accessToken());

    assertThat(over.status()).isEqualTo(409);
    assertThat(over.json().at("/error/details/limit").asInt()).isEqualTo(Blocks.MAX_BLOCKS);
    long blocked =
        server
            .db()
            .withHandle(
                h ->
                    h.createQuery(
                            "SELECT count(*) FROM blocks WHERE blocker_id = :b AND blocked_id = :a")
                        .bind("b", busy.id())
                        .bind("a", alice.id())
                        .mapTo(Long.class)
                        .one());
    assertThat(blocked).isZero();
  }

  @Test
  void notificationSettingsRefuseBadInputAndOutsidersAndChangeNothing() {
    Account outsider = api.register("outsider");
    String state = state();
    Map<String, Object> past = new LinkedHashMap<>();
    past.put("level", "all");
    past.put("muted_until", Instant.now().minusSeconds(60).toString());
    Map<String, Object> farFuture = new LinkedHashMap<>();
    farFuture.put("level", "all");
    farFuture.put("muted_until", "9999-01-01T00:00:00Z");

    record Refusal(Reply reply, int status, String code, String field) {}
    List<Refusal> refusals =
        List.of(
            new Refusal(
                settings(bob, room, Map.of("level", "loud")), 422, "validation_failed", "level"),
            new Refusal(settings(bob, room, Map.of()), 400, "bad_request", "level"),
            new Refusal(settings(bob, room, Map.of("level", 3)), 400, "bad_request", null),
            new Refusal(settings(bob, room, past), 422, "validation_failed", "muted_until"),
            new Refusal(settings(bob, room, farFuture), 422, "validation_failed", "muted_until"),
            new Refusal(
                settings(bob, room, Map.of("level", "all", "muted_until", "tomorrow")),
                422,
                "validation_failed",
                "muted_until"),
            new Refusal(settings(outsider, room, Map.of("level", "all")), 403, "forbidden", null),
            new Refusal(
                settings(bob, "no-such-room", Map.of("level", "all")), 404, "not_found", null),
            new Refusal(
                api.put("/api/v1/rooms/" + room + "/notifications", Map.of("level", "all"), null),
                401,
                "unauthorized",
                null));
    for (Refusal r : refusals) {
      assertThat(r.reply().status()).as(String.valueOf(r.reply().json())).isEqualTo(r.status());
      assertThat(r.reply().errorCode()).isEqualTo(r.code());
      if (r.field() != null) {
        assertThat(r.reply().errorField()).isEqualTo(r.field());
      }
    }
    assertThat(state()).isEqualTo(state);
    assertThat(roomOf(bob, room).get("notification_level").asText()).isEqualTo("mentions");
  }

  @Test
  void aGuestInAPublicRoomGetsMentionedAndSetsTheirLevel() {
    Account guest =
        Api.account(
            expect(
                api.post("/api/v1/auth/guest", Map.of("username", Api.uniqueName("visitor")), null),
                201),
            null);
    String lobby = api.createRoom(alice, "public");
    expect(api.post("/api/v1/rooms/" + lobby + "/join", Map.of(), guest.accessToken()), 200);
    WsClient guests = ws(guest);

    String id = api.say(alice, lobby, "welcome @" + guest.username()).get("id").asText();

    assertThat(guests.notified(id).get("reason").asText()).isEqualTo("mention");
    assertThat(roomOf(guest, lobby).get("mention_count").asLong()).isEqualTo(1);
    expect(settings(guest, lobby, Map.of("level", "none")), 200);
    assertThat(roomOf(guest, lobby).get("notification_level").asText()).isEqualTo("none");
  }
}
