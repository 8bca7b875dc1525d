package dev.banter.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.banter.core.Ids;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Backend;
import dev.banter.support.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * SQLite indexes messages for search after the transaction that stores them: a stored message waits
 * in search_pending, and the index stays exact whether a message is edited or deleted before it is
 * indexed or after, even when SQLite gives a deleted message's rowid to a new one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchIndexingTest {
  TestServer server;
  Api api;
  Account alice;
  String room;

  @BeforeAll
  void start() {
    server = TestServer.start(Backend.SQLITE);
    api = server.api();
    alice = api.register("alice");
    room = api.createRoom(alice, "public");
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void aStoredMessageWaitsForTheIndexerAndASearchFindsItAtOnce() {
    server
        .db()
        .useTransaction(
            h -> {
              long rowid = insert(h, "the walrus arrives");
              // stored, not indexed: the insert only queued it
              assertThat(
                      h.createQuery("SELECT count(*) FROM search_pending WHERE message_rowid = :r")
                          .bind("r", rowid)
                          .mapTo(Long.class)
                          .one())
                  .isEqualTo(1);
              assertThat(
                      h.createQuery(
                              "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'walrus'")
                          .mapTo(Long.class)
                          .one())
                  .isZero();
            });
    // a search indexes what is pending before it reads
    assertThat(bodies("walrus")).containsExactly("the walrus arrives");
    assertThat(server.count("search_pending")).isZero();
    assertIndexMatchesMessages();
  }

  @Test
  void messagesEditedOrDeletedBeforeTheyAreIndexedLeaveTheIndexExact() {
    server
        .db()
        .useTransaction(
            h -> {
              long edited = insert(h, "the narwhal swims");
              h.createUpdate("UPDATE messages SET body = :b, search_terms = :t WHERE rowid = :r")
                  .bind("b", "the manatee swims")
                  .bind("t", SearchTerms.index("the manatee swims"))
                  .bind("r", edited)
                  .execute();
              long deleted = insert(h, "the axolotl hides");
              h.createUpdate("DELETE FROM messages WHERE rowid = :r").bind("r", deleted).execute();
              assertThat(
                      h.createQuery("SELECT count(*) FROM search_pending WHERE message_rowid = :r")
                          .bind("r", deleted)
                          .mapTo(Long.class)
                          .one())
                  .isZero();
            });
    assertThat(bodies("narwhal")).isEmpty();
    assertThat(bodies("manatee")).containsExactly("the manatee swims");
    assertThat(bodies("axolotl")).isEmpty();
    assertIndexMatchesMessages();
  }

  @Test
  void aNewMessageGivenADeletedMessagesRowidIsIndexedAsItself() {
    long first = server.db().inTransaction(h -> insert(h, "the pelican lands"));
    assertThat(bodies("pelican")).hasSize(1); // indexed now
    long second =
        server
            .db()
            .inTransaction(
                h -> {
                  h.createUpdate("DELETE FROM messages WHERE rowid = :r")
                      .bind("r", first)
                      .execute();
                  return insert(h, "the heron waits");
                });
    assertThat(second).isEqualTo(first); // SQLite reused the rowid of the newest row, deleted
    assertThat(bodies("pelican")).isEmpty();
    assertThat(bodies("heron")).containsExactly("the heron waits");
    assertIndexMatchesMessages();
  }

  @Test
  void editsAndDeletesThroughTheApiAfterIndexingLeaveTheIndexExact() {
    String id = api.say(alice, room, "the otter sleeps").get("id").asText();
    assertThat(bodies("otter")).hasSize(1);
    api.patch(
        "/api/v1/rooms/" + room + "/messages/" + id,
        Map.of("body", "the beaver sleeps"),
        alice.accessToken());
    assertThat(bodies("otter")).isEmpty();
    assertThat(bodies("beaver")).hasSize(1);
    api.delete("/api/v1/rooms/" + room + "/messages/" + id, alice.accessToken());
    assertThat(bodies("beaver")).isEmpty();
    assertIndexMatchesMessages();
  }

  /** A message row as the writer stores it; returns its rowid. */
  private long insert(Handle h, String body) {
    long seq =
        h.createQuery(
                "UPDATE rooms SET last_seq = last_seq + 1 WHERE id = :room RETURNING last_seq")
            .bind("room", room)
            .mapTo(Long.class)
            .one();
    h.createUpdate(
            """
        INSERT INTO messages (id, room_id, seq, author_id, body, created_at, deleted, search_terms)
        VALUES (:id, :room, :seq, :author, :body, :now, 0, :terms)
        """)
        .bind("id", Ids.newId())
        .bind("room", room)
        .bind("seq", seq)
        .bind("author", alice.id())
        .bind("body", body)
        .bind("now", System.currentTimeMillis())
        .bind("terms", SearchTerms.index(body))
        .execute();
    return h.createQuery("SELECT last_insert_rowid()").mapTo(Long.class).one();
  }

  private List<String> bodies(String q) {
    var r =
        api.get(
            "/api/v1/search?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8),
            alice.accessToken());
    assertThat(r.status()).as(q + " " + r.json()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    r.json().get("results").forEach(x -> out.add(x.at("/message/body").asText()));
    return out;
  }

  /**
   * FTS5's own check of an external-content index against its table (fails on any stray or missing
   * entry).
   */
  private void assertIndexMatchesMessages() {
    assertThat(server.count("search_pending")).isZero();
    assertThatCode(
            () ->
                server
                    .db()
                    .useHandle(
                        h ->
                            h.execute(
                                "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)")))
        .doesNotThrowAnyException();
  }
}
