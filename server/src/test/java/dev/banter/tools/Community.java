package dev.banter.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Api.Reply;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small community made through the API of a running server — three members, a public channel, a
 * private one, a direct conversation and {@code general}; posts, a reply, edits, tombstones,
 * reactions, read markers and an attached upload — and what its members see of it.
 */
final class Community {
  static final String UPLOAD_TEXT = "notes from the single node\n";

  /** Words that each find a few messages (below one page of results). */
  static final List<String> SEARCHES = List.of("zebra", "quokka", "report", "北京", "draft");

  private static final String BOUNDARY = "----banter-tools-boundary";

  final Account alice;
  final Account bob;
  final Account carol;
  final String lobby;
  final String backroom;
  final String dm;
  final String upload;

  /** What each member sees: their room list, every room's whole history, search results. */
  record Snapshot(
      Map<String, JsonNode> rooms,
      Map<String, List<JsonNode>> histories,
      Map<String, Set<JsonNode>> searches) {}

  private Community(
      Account alice,
      Account bob,
      Account carol,
      String lobby,
      String backroom,
      String dm,
      String upload) {
    this.alice = alice;
    this.bob = bob;
    this.carol = carol;
    this.lobby = lobby;
    this.backroom = backroom;
    this.dm = dm;
    this.upload = upload;
  }

  /** Populates the server behind {@code api}, with {@code filler} more posts in the lobby. */
  static Community populate(Api api, int filler) {
    Account alice = api.register("alice");
    Account bob = api.register("bob");
    Account carol = api.register("carol");
    String lobby = api.createRoom(alice, "public");
    for (Account a : List.of(bob, carol)) {
      Api.expect(api.post("/api/v1/rooms/" + lobby + "/join", Map.of(), a.accessToken()), 200);
    }
    String backroom = api.createRoom(alice, "private");
    api.invite(alice, backroom, carol);
    String dm =
        Api.expect(
                api.post("/api/v1/dms", Map.of("username", bob.username()), alice.accessToken()),
                200)
            .json()
            .get("id")
            .asText();
    String upload = upload(api, alice, "notes.txt", UPLOAD_TEXT);

    api.say(alice, "general", "welcome, a zebra walked in");
    String question =
        api.say(bob, lobby, "has anyone seen the quarterly report?").get("id").asText();
    post(api, alice, lobby, Map.of("body", "the report is in the backroom", "reply_to", question));
    post(
        api,
        carol,
        lobby,
        Map.of("body", "@" + bob.username() + " I have a copy", "thread_id", question));
    Api.expect(
        api.put(
            "/api/v1/rooms/" + lobby + "/notifications",
            Map.of("level", "all"),
            carol.accessToken()),
        200);
    Api.expect(
        api.put("/api/v1/users/me/blocks/" + alice.username(), null, bob.accessToken()), 204);
    String typo = api.say(carol, lobby, "a quokka smiled at me").get("id").asText();
    String gone = api.say(bob, lobby, "this one will be deleted, zebra").get("id").asText();
    api.say(alice, backroom, "我爱北京天安门");
    post(
        api,
        alice,
        backroom,
        Map.of("body", "the draft, attached", "attachments", List.of(upload)));
    String secret = api.say(carol, backroom, "the draft is secret").get("id").asText();
    api.say(alice, dm, "psst, bob: the zebra is mine");
    api.say(bob, dm, "ok");
    for (int i = 1; i <= filler; i++) {
      api.say(i % 2 == 0 ? alice : bob, lobby, "filler message number " + i);
    }

    Api.expect(
        api.patch(
            "/api/v1/rooms/" + lobby + "/messages/" + typo,
            Map.of("body", "a quokka smiled at me, twice"),
            carol.accessToken()),
        200);
    Api.expect(
        api.patch(
            "/api/v1/rooms/" + backroom + "/messages/" + secret,
            Map.of("body", "the draft is no longer secret"),
            carol.accessToken()),
        200);
    Api.expect(api.delete("/api/v1/rooms/" + lobby + "/messages/" + gone, bob.accessToken()), 204);
    react(api, alice, lobby, question, "👍");
    react(api, carol, lobby, question, "👍");
    react(api, bob, lobby, typo, "🎉");
    react(api, bob, dm, dmFirst(api, alice, dm), "❤️");
    read(api, bob, lobby, 2);
    read(api, carol, backroom, 2);
    read(api, alice, dm, 1);
    return new Community(alice, bob, carol, lobby, backroom, dm, upload);
  }

  List<Account> members() {
    return List.of(alice, bob, carol);
  }

  /** Everything the members see, read through {@code api}. */
  Snapshot snapshot(Api api) {
    Map<String, JsonNode> rooms = new LinkedHashMap<>();
    Map<String, List<JsonNode>> histories = new LinkedHashMap<>();
    Map<String, Set<JsonNode>> searches = new LinkedHashMap<>();
    for (Account a : members()) {
      JsonNode mine = Api.expect(api.get("/api/v1/rooms", a.accessToken()), 200).json();
      rooms.put(a.username(), mine);
      for (JsonNode room : mine.get("rooms")) {
        String id = room.get("id").asText();
        histories.put(a.username() + " " + id, history(api, a, id));
      }
      for (String q : SEARCHES) {
        JsonNode found =
            Api.expect(
                    api.get(
                        "/api/v1/search?limit=100&q="
                            + URLEncoder.encode(q, StandardCharsets.UTF_8),
                        a.accessToken()),
                    200)
                .json();
        Set<JsonNode> results = new HashSet<>();
        found.get("results").forEach(results::add);
        searches.put(a.username() + " " + q, results);
      }
    }
    return new Snapshot(rooms, histories, searches);
  }

  /** A room's whole history, oldest first, as {@code who} pages it. */
  static List<JsonNode> history(Api api, Account who, String room) {
    List<JsonNode> all = new ArrayList<>();
    long after = 0;
    while (true) {
      JsonNode page =
          Api.expect(
                  api.get(
                      "/api/v1/rooms/" + room + "/messages?limit=200&after=" + after,
                      who.accessToken()),
                  200)
              .json();
      page.get("messages").forEach(all::add);
      if (!page.get("has_more").asBoolean() || all.isEmpty()) {
        return all;
      }
      after = all.get(all.size() - 1).get("seq").asLong();
    }
  }

  private static String dmFirst(Api api, Account who, String dm) {
    return history(api, who, dm).get(0).get("id").asText();
  }

  private static void post(Api api, Account who, String room, Map<String, Object> body) {
    Api.expect(api.post("/api/v1/rooms/" + room + "/messages", body, who.accessToken()), 201);
  }

  private static void react(Api api, Account who, String room, String message, String emoji) {
    Api.expect(
        api.put(
            "/api/v1/rooms/"
                + room
                + "/messages/"
                + message
                + "/reactions/"
                + URLEncoder.encode(emoji, StandardCharsets.UTF_8),
            null,
            who.accessToken()),
        200);
  }

  private static void read(Api api, Account who, String room, long seq) {
    Api.expect(
        api.post("/api/v1/rooms/" + room + "/read", Map.of("seq", seq), who.accessToken()), 204);
  }

  /** Uploads a text file as {@code who} (multipart, field {@code file}); returns its id. */
  static String upload(Api api, Account who, String name, String text) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(
        ("--"
                + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + name
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                + text
                + "\r\n--"
                + BOUNDARY
                + "--\r\n")
            .getBytes(StandardCharsets.UTF_8));
    Reply r =
        api.send(
            api.builder("/api/v1/uploads", who.accessToken())
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    return Api.expect(r, 201).json().get("id").asText();
  }

  /** The bytes of an upload as {@code who} downloads them. */
  static String download(Api api, Account who, String id) {
    Reply r = api.get("/api/v1/uploads/" + id, who.accessToken());
    if (r.status() != 200) {
      throw new AssertionError("download of " + id + ": " + r.status() + " " + r.raw().body());
    }
    return r.raw().body();
  }
}
