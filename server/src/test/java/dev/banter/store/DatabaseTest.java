package dev.banter.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.banter.config.Config;
import dev.banter.config.ConfigLoader;
import dev.banter.support.Backend;
import dev.banter.support.Postgres;
import io.netty.channel.DefaultEventLoop;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Storage on both databases: migrations, constraints the spec relies on, and the event-loop rule.
 */
class DatabaseTest {
  private static final List<String> TABLES =
      List.of(
          "users",
          "token_families",
          "refresh_tokens",
          "rooms",
          "room_members",
          "messages",
          "reactions",
          "uploads",
          "message_attachments");

  @TempDir Path dataDir;
  private String pgUrl;
  private Database db;

  private Database open(Backend backend) {
    Map<String, String> env = new HashMap<>();
    env.put("BANTER_DATA_DIR", dataDir.toString());
    if (backend == Backend.POSTGRES) {
      if (pgUrl == null) {
        pgUrl = Postgres.createDatabase();
      }
      env.put("BANTER_DATABASE_URL", pgUrl);
    }
    Config config = new ConfigLoader(env, false).load();
    db = Database.open(config);
    return db;
  }

  @AfterEach
  void cleanUp() {
    if (db != null) {
      db.close();
    }
    if (pgUrl != null) {
      Postgres.dropDatabase(pgUrl);
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void migrationsCreateTheWholeSchemaAndRunAgainHarmlessly(Backend backend) {
    open(backend).close();
    Database again = open(backend);
    for (String table : TABLES) {
      long rows =
          again
              .jdbi()
              .withHandle(
                  h -> h.createQuery("SELECT count(*) FROM " + table).mapTo(Long.class).one());
      assertThat(rows).as(table).isZero();
    }
    assertThat(again.dialect())
        .isEqualTo(backend == Backend.SQLITE ? Dialect.SQLITE : Dialect.POSTGRESQL);
    assertThat(again.isHealthy()).isTrue();
  }

  @Test
  void sqliteRunsInWalModeWithForeignKeysAndABusyTimeout() {
    Database d = open(Backend.SQLITE);
    d.jdbi()
        .useHandle(
            h -> {
              assertThat(h.createQuery("PRAGMA journal_mode").mapTo(String.class).one())
                  .isEqualToIgnoringCase("wal");
              assertThat(h.createQuery("PRAGMA foreign_keys").mapTo(Integer.class).one())
                  .isEqualTo(1);
              assertThat(h.createQuery("PRAGMA busy_timeout").mapTo(Integer.class).one())
                  .isGreaterThanOrEqualTo(5000);
              assertThat(h.createQuery("PRAGMA synchronous").mapTo(Integer.class).one())
                  .isEqualTo(2); // FULL
            });
  }

  private static void user(Handle h, String id) {
    h.execute(
        "INSERT INTO users (id, username, display_name, role, guest, created_at) VALUES (?, ?, ?, 'user', ?, 0)",
        id,
        id,
        id,
        false);
  }

  private static void message(Handle h, String id, long seq, String clientId) {
    h.execute(
        "INSERT INTO messages (id, room_id, seq, author_id, body, client_id, created_at, deleted)"
            + " VALUES (?, 'r1', ?, 'u1', 'hi', ?, 0, ?)",
        id,
        seq,
        clientId,
        false);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aRoomSeqAndAnAuthorsClientIdAreUnique(Backend backend) {
    Database d = open(backend);
    d.jdbi()
        .useHandle(
            h -> {
              user(h, "u1");
              h.execute(
                  "INSERT INTO rooms (id, kind, name, name_key, visibility, created_at, last_activity_at)"
                      + " VALUES ('r1', 'channel', 'General', 'general', 'public', 0, 0)");
              message(h, "m1", 1, "c1");
            });
    Throwable sameSeq = catchThrowable(() -> d.jdbi().useHandle(h -> message(h, "m2", 1, "c2")));
    assertThat(Sql.isUniqueViolation(sameSeq)).as(String.valueOf(sameSeq)).isTrue();
    Throwable sameClientId =
        catchThrowable(() -> d.jdbi().useHandle(h -> message(h, "m3", 2, "c1")));
    assertThat(Sql.isUniqueViolation(sameClientId)).as(String.valueOf(sameClientId)).isTrue();
    d.jdbi().useHandle(h -> message(h, "m4", 2, null));
    d.jdbi().useHandle(h -> message(h, "m5", 3, null)); // messages without client_id never collide
    Throwable sameName =
        catchThrowable(
            () ->
                d.jdbi()
                    .useHandle(
                        h ->
                            h.execute(
                                "INSERT INTO rooms (id, kind, name, name_key, visibility, created_at, last_activity_at)"
                                    + " VALUES ('r2', 'channel', 'GENERAL', 'general', 'public', 0, 0)")));
    assertThat(Sql.isUniqueViolation(sameName)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void foreignKeysAreEnforced(Backend backend) {
    Database d = open(backend);
    assertThatThrownBy(
            () ->
                d.jdbi()
                    .useHandle(
                        h ->
                            h.execute(
                                "INSERT INTO room_members (room_id, user_id, role, joined_at) VALUES ('nope', 'nobody', 'member', 0)")))
        .isNotNull();
    assertThat(
            Sql.isUniqueViolation(
                catchThrowable(
                    () ->
                        d.jdbi()
                            .useHandle(
                                h ->
                                    h.execute(
                                        "INSERT INTO room_members (room_id, user_id, role, joined_at) VALUES ('nope', 'nobody', 'member', 0)")))))
        .isFalse();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void jdbcIsRefusedOnAnEventLoopThread(Backend backend) throws Exception {
    Database d = open(backend);
    DefaultEventLoop loop = new DefaultEventLoop();
    try {
      Throwable t =
          loop.submit(
                  () ->
                      catchThrowable(
                          () ->
                              d.jdbi()
                                  .withHandle(
                                      h -> h.select("SELECT 1").mapTo(Integer.class).one())))
              .get();
      assertThat(t).isInstanceOf(IllegalStateException.class).hasMessageContaining("event-loop");
      Integer one = d.jdbi().withHandle(h -> h.select("SELECT 1").mapTo(Integer.class).one());
      assertThat(one).isEqualTo(1);
    } finally {
      loop.shutdownGracefully().sync();
    }
  }

  @Test
  void sqliteCheckpointsFromItsOwnThreadNotInTheWritersCommit() {
    Database d = open(Backend.SQLITE);
    d.jdbi()
        .useHandle(
            h ->
                assertThat(h.createQuery("PRAGMA wal_autocheckpoint").mapTo(Integer.class).one())
                    .isGreaterThanOrEqualTo(10_000));
    d.jdbi()
        .useTransaction(
            h ->
                h.execute(
                    "INSERT INTO users (id, username, display_name, role, guest, created_at, "
                        + "last_seen_at) VALUES ('c1', 'checkpointed', 'checkpointed', 'user', false, 0, 0)"));
    long before = d.checkpoints();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> d.checkpoints() > before);
  }

  @Test
  void aJdbcStylePostgresUrlWorksToo() {
    pgUrl = Postgres.createDatabase();
    String name = pgUrl.substring(pgUrl.lastIndexOf('/') + 1);
    Map<String, String> env =
        Map.of(
            "BANTER_DATA_DIR",
            dataDir.toString(),
            "BANTER_DATABASE_URL",
            "jdbc:postgresql://"
                + Postgres.HOST
                + ":"
                + Postgres.PORT
                + "/"
                + name
                + "?user="
                + Postgres.USER);
    db = Database.open(new ConfigLoader(env, false).load());
    assertThat(db.dialect()).isEqualTo(Dialect.POSTGRESQL);
    assertThat(db.isHealthy()).isTrue();
  }

  /**
   * Many virtual threads writing to SQLite at once, each pausing inside its transaction (which
   * unmounts it). Left to SQLite's busy handler, the waiters would sleep in native code holding
   * every carrier thread, the paused writer could not come back to commit, and the waiters would
   * fail with "database is locked" after the busy timeout; queued in Java, all of them commit.
   */
  @Test
  void concurrentSqliteWritersFromVirtualThreadsAllCommit() throws Exception {
    Database sqlite = open(Backend.SQLITE);
    int writers = 4 * Runtime.getRuntime().availableProcessors() + 8;
    List<Future<?>> done = new ArrayList<>();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < writers; i++) {
        String name = "writer" + i;
        done.add(
            pool.submit(
                () -> {
                  sqlite
                      .jdbi()
                      .useTransaction(
                          h -> {
                            h.createUpdate(
                                    "INSERT INTO users (id, username, display_name, created_at) "
                                        + "VALUES (:id, :name, :name, 0)")
                                .bind("id", name)
                                .bind("name", name)
                                .execute();
                            Thread.sleep(
                                20); // unmounts this virtual thread while it holds SQLite's write
                            // lock
                          });
                  return null;
                }));
      }
      for (var f : done) {
        f.get(); // rethrows "database is locked" if a writer gave up
      }
    }
    long stored =
        sqlite
            .jdbi()
            .withHandle(
                h ->
                    h.createQuery("SELECT count(*) FROM users WHERE username LIKE 'writer%'")
                        .mapTo(Long.class)
                        .one());
    assertThat(stored).isEqualTo(writers);
  }
}
