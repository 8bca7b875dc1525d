package dev.banter.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database whose messages were indexed in their own transactions (schema 3) moves to indexing
 * after commit (schema 4): what was indexed stays found, and edits and deletes of it keep the index
 * exact.
 */
class SearchIndexMigrationTest {

  @Test
  void messagesIndexedBeforeTheUpgradeStayFoundAndEditable(@TempDir Path dir) {
    String url = "jdbc:sqlite:" + dir.resolve("banter.db");
    migrate(url, "3");
    Jdbi db = Jdbi.create(url);
    db.useTransaction(
        h -> {
          h.execute(
              """
          INSERT INTO users (id, username, display_name, password_hash, role, created_at)
          VALUES ('u1', 'alice', 'Alice', 'x', 'user', 0)""");
          h.execute(
              """
          INSERT INTO rooms (id, kind, name, name_key, visibility, created_by, created_at, last_seq, last_activity_at)
          VALUES ('r1', 'channel', 'zoo', 'zoo', 'public', 'u1', 0, 3, 0)""");
          insert(h, "m1", 1, "the lion roars");
          insert(h, "m2", 2, "the tiger naps");
          insert(h, "m3", 3, "the lynx hunts");
        });
    migrate(url, "latest");
    db.useHandle(
        h -> {
          assertThat(h.createQuery("SELECT count(*) FROM search_pending").mapTo(Long.class).one())
              .isZero();
          assertThat(matches(h, "lion")).isEqualTo(1);
          h.execute(
              "UPDATE messages SET body = 'the puma roars', search_terms = 'the puma roars' WHERE id = 'm1'");
          h.execute("DELETE FROM messages WHERE id = 'm2'");
          assertThat(matches(h, "lion")).isZero();
          assertThat(matches(h, "puma")).isEqualTo(1);
          assertThat(matches(h, "tiger")).isZero();
          assertThat(matches(h, "lynx")).isEqualTo(1);
          assertThatCode(
                  () ->
                      h.execute(
                          "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)"))
              .doesNotThrowAnyException();
        });
  }

  private static void migrate(String url, String target) {
    Flyway.configure()
        .dataSource(url, null, null)
        .locations("classpath:db/migration/sqlite")
        .target(target)
        .load()
        .migrate();
  }

  private static void insert(Handle h, String id, long seq, String body) {
    h.createUpdate(
            """
        INSERT INTO messages (id, room_id, seq, author_id, body, created_at, deleted, search_terms)
        VALUES (:id, 'r1', :seq, 'u1', :body, 0, 0, :terms)
        """)
        .bind("id", id)
        .bind("seq", seq)
        .bind("body", body)
        .bind("terms", SearchTerms.index(body))
        .execute();
  }

  private static long matches(Handle h, String word) {
    return h.createQuery("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH :w")
        .bind("w", word)
        .mapTo(Long.class)
        .one();
  }
}
