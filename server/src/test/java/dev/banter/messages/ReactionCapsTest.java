package dev.banter.messages;

import static org.assertj.core.api.Assertions.assertThat;

import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Api.Reply;
import dev.banter.support.Backend;
import dev.banter.support.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A message holds at most 50 different emoji, and at most 20 reactions of any one user. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReactionCapsTest {
  TestServer server;
  Api api;

  @BeforeAll
  void start() {
    server = TestServer.start(Backend.SQLITE);
    api = server.api();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private static String emoji(int i) {
    return new String(Character.toChars(0x1F600 + i)); // 😀 and the faces after it
  }

  private Reply react(Account who, String room, String id, String emoji) {
    return api.put(
        "/api/v1/rooms/"
            + room
            + "/messages/"
            + id
            + "/reactions/"
            + URLEncoder.encode(emoji, StandardCharsets.UTF_8),
        Map.of(),
        who.accessToken());
  }

  private long stored(String id) {
    return server
        .db()
        .withHandle(
            h ->
                h.createQuery("SELECT count(*) FROM reactions WHERE message_id = :m")
                    .bind("m", id)
                    .mapTo(Long.class)
                    .one());
  }

  @Test
  void oneUserAddsAtMostTwentyReactionsToAMessage() {
    Account a = api.register("collector");
    String room = api.createRoom(a, "public");
    String id = api.say(a, room, "so many faces").get("id").asText();
    for (int i = 0; i < 20; i++) {
      assertThat(react(a, room, id, emoji(i)).status()).isEqualTo(200);
    }
    Reply over = react(a, room, id, emoji(20));
    assertThat(over.status()).isEqualTo(422);
    assertThat(over.errorField()).isEqualTo("emoji");
    assertThat(stored(id)).isEqualTo(20);
    assertThat(react(a, room, id, emoji(3)).status())
        .as("one already there is no new reaction")
        .isEqualTo(200);
  }

  @Test
  void aMessageHoldsAtMostFiftyDifferentEmojiButOthersMayJoinOneThatIsThere() {
    Account owner = api.register("crowd");
    String room = api.createRoom(owner, "public");
    String id = api.say(owner, room, "react").get("id").asText();
    Account[] users = new Account[3];
    for (int u = 0; u < 3; u++) {
      users[u] = api.register("reactor");
      Api.expect(
          api.post("/api/v1/rooms/" + room + "/join", Map.of(), users[u].accessToken()), 200);
    }
    for (int i = 0; i < 50; i++) {
      assertThat(react(users[i / 20], room, id, emoji(i)).status()).isEqualTo(200);
    }
    Reply over = react(users[2], room, id, emoji(50));
    assertThat(over.status()).isEqualTo(422);
    assertThat(stored(id)).isEqualTo(50);
    assertThat(react(users[2], room, id, emoji(0)).status()).isEqualTo(200);
    assertThat(stored(id)).isEqualTo(51);
  }
}
