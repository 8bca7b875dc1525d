package dev.banter.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Backend;
import dev.banter.support.TestServer;
import dev.banter.support.WsClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every subscriber gets every seq: a message that was stored but whose event never came (its node
 * died between the commit and the publish, or Redis dropped it) is filled in from the store for
 * every subscriber before anything later, even when another client's join has already replayed it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EverySeqTest {
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

  /** A message committed as the writer would, whose event nobody publishes (its node died). */
  private long storeWithoutPublishing(String roomId, Account author, String body) {
    return server
        .db()
        .inTransaction(
            h -> {
              long seq =
                  h.createQuery(
                          "UPDATE rooms SET last_seq = last_seq + 1 WHERE id = :r RETURNING last_seq")
                      .bind("r", roomId)
                      .mapTo(Long.class)
                      .one();
              h.createUpdate(
                      """
          INSERT INTO messages (id, room_id, seq, author_id, body, created_at, deleted, search_terms)
          VALUES (:id, :r, :seq, :a, :b, :now, 0, '')
          """)
                  .bind("id", "lost-" + seq + "-" + roomId)
                  .bind("r", roomId)
                  .bind("seq", seq)
                  .bind("a", author.id())
                  .bind("b", body)
                  .bind("now", System.currentTimeMillis())
                  .execute();
              return seq;
            });
  }

  private static List<Long> seqs(WsClient c) {
    return c.ofType("new_message").stream().map(f -> f.at("/message/seq").asLong()).toList();
  }

  @Test
  void aStoredMessageWhoseEventWasLostReachesTheOldSubscribersAfterANewClientsJoinReplayedIt() {
    Account alice = api.register("early");
    Account bob = api.register("late");
    String room = api.createRoom(alice, "public");
    Api.expect(api.post("/api/v1/rooms/" + room + "/join", Map.of(), bob.accessToken()), 200);
    api.say(alice, room, "one");
    try (WsClient early = WsClient.connect(server.baseUrl(), alice.accessToken())) {
      early.request(Map.of("type", "join_room", "room_id", room, "since_seq", 0));
      early.await(f -> f.at("/message/seq").asLong() == 1);
      long lost = storeWithoutPublishing(room, alice, "two, never announced");
      try (WsClient late = WsClient.connect(server.baseUrl(), bob.accessToken())) {
        late.request(
            Map.of("type", "join_room", "room_id", room, "since_seq", 0)); // replays 1 and 2
        assertThat(seqs(late)).containsExactly(1L, lost);
        api.say(alice, room, "three");
        late.await(f -> f.at("/message/seq").asLong() == lost + 1);
        early.await(f -> f.at("/message/seq").asLong() == lost + 1);
        assertThat(seqs(early)).containsExactly(1L, lost, lost + 1);
        assertThat(seqs(late)).containsExactly(1L, lost, lost + 1);
      }
    }
  }
}
