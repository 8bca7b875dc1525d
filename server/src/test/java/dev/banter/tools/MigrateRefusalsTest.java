package dev.banter.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.banter.support.BanterCommand;
import dev.banter.support.Postgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/**
 * {@code banter migrate} where it must not copy, or must not keep what it copied: bad input, a
 * target that holds something, a source of another schema or still being written, and a copy that
 * does not check out. Each runs the command as its own process on a SQLite file made without a
 * server.
 */
class MigrateRefusalsTest {
  @TempDir Path dir;
  private final List<String> databases = new ArrayList<>();

  @AfterEach
  void dropDatabases() {
    databases.forEach(Postgres::dropDatabase);
  }

  private String freshDatabase() {
    String url = Postgres.createDatabase();
    databases.add(url);
    return url;
  }

  private BanterCommand.Outcome migrate(Path dataDir, String url) {
    return Tool.run(Map.of("BANTER_DATA_DIR", dataDir.toString()), "migrate", "--to", url);
  }

  /**
   * A data dir whose database has schema {@code version} and one room with three messages, a
   * reaction and a read marker.
   */
  private Path seeded(String version) throws IOException {
    Path dataDir = Files.createDirectories(dir.resolve("node-" + version));
    String url = "jdbc:sqlite:" + dataDir.resolve("banter.db");
    Flyway.configure()
        .dataSource(url, null, null)
        .locations("classpath:db/migration/sqlite")
        .target(version)
        .load()
        .migrate();
    Jdbi.create(url)
        .useTransaction(
            h -> {
              h.execute(
                  """
                  INSERT INTO users (id, username, display_name, password_hash, role, created_at)
                  VALUES ('u1', 'alice', 'Alice', 'x', 'user', 0)""");
              h.execute(
                  """
                  INSERT INTO rooms (id, kind, name, name_key, visibility, created_by, created_at,
                                     last_seq, last_activity_at)
                  VALUES ('r1', 'channel', 'zoo', 'zoo', 'public', 'u1', 0, 3, 3)""");
              h.execute(
                  """
                  INSERT INTO room_members (room_id, user_id, role, joined_at, last_read_seq)
                  VALUES ('r1', 'u1', 'owner', 0, 2)""");
              for (int i = 1; i <= 3; i++) {
                h.createUpdate(
                        """
                        INSERT INTO messages (id, room_id, seq, author_id, body, created_at, deleted,
                                              search_terms)
                        VALUES (:id, 'r1', :seq, 'u1', :body, :seq, 0, :body)""")
                    .bind("id", "m" + i)
                    .bind("seq", i)
                    .bind("body", "message " + i)
                    .execute();
              }
              h.execute(
                  """
                  INSERT INTO reactions (message_id, user_id, emoji, created_at)
                  VALUES ('m1', 'u1', '👍', 5)""");
            });
    return dataDir;
  }

  /** The newest schema version this build's SQLite migrations reach (no literal to bump). */
  private String latestSqliteVersion() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("versions"));
    var pending =
        Flyway.configure()
            .dataSource("jdbc:sqlite:" + empty.resolve("probe.db"), null, null)
            .locations("classpath:db/migration/sqlite")
            .load()
            .info()
            .pending();
    return pending[pending.length - 1].getVersion().toString();
  }

  private static List<String> tablesOf(String url) {
    return Tables.postgres(url)
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT table_name FROM information_schema.tables"
                            + " WHERE table_schema = current_schema() ORDER BY table_name")
                    .mapTo(String.class)
                    .list());
  }

  private static long count(String url, String table) {
    return Tables.postgres(url)
        .withHandle(h -> h.createQuery("SELECT count(*) FROM " + table).mapTo(Long.class).one());
  }

  /** Banter's schema and no rows: Flyway alone, no node started on it. */
  private static void schemaOnly(String url) {
    Flyway.configure()
        .dataSource(
            "jdbc:" + url.replace("postgresql://" + Postgres.USER + "@", "postgresql://"),
            Postgres.USER,
            "")
        .locations("classpath:db/migration/postgresql")
        .load()
        .migrate();
  }

  @Test
  void anUnparseableUrlIsRefusedWithExitCode2() {
    for (String bad : List.of("mysql://db.example/chat", "postgresql://db.example", "banter")) {
      BanterCommand.Outcome o = migrate(dir, bad);
      assertThat(o.code()).as(o.toString()).isEqualTo(2);
      assertThat(o.err()).contains("--to: cannot parse the database URL").contains("postgresql://");
      assertThat(o.err().lines()).hasSize(1);
    }
  }

  @Test
  void anUnreachableServerIsRefusedWithExitCode2() {
    BanterCommand.Outcome o = migrate(dir, "postgresql://postgres@127.0.0.1:1/banter");
    assertThat(o.code()).as(o.toString()).isEqualTo(2);
    assertThat(o.err()).contains("cannot connect to jdbc:postgresql://127.0.0.1:1/banter");
  }

  @Test
  void aDataDirWithoutADatabaseIsRefusedAndNothingIsCreated() {
    String url = freshDatabase();
    BanterCommand.Outcome o = migrate(dir, url);
    assertThat(o.code()).as(o.toString()).isEqualTo(2);
    assertThat(o.err()).contains("no SQLite database at " + dir.resolve("banter.db"));
    assertThat(Files.exists(dir.resolve("banter.db"))).isFalse();
    assertThat(tablesOf(url)).isEmpty();
  }

  @Test
  void aTargetHoldingTablesOfItsOwnIsRefusedAndLeftAsItWas() throws IOException {
    String url = freshDatabase();
    Tables.postgres(url)
        .useHandle(
            h -> {
              h.execute("CREATE TABLE notes (id INT PRIMARY KEY, text TEXT)");
              h.execute("INSERT INTO notes VALUES (1, 'keep me')");
            });
    BanterCommand.Outcome o = migrate(seeded("latest"), url);
    assertThat(o.code()).as(o.toString()).isEqualTo(2);
    assertThat(o.err()).contains("tables that are not Banter's (notes)");
    assertThat(tablesOf(url)).containsExactly("notes");
    assertThat(count(url, "notes")).isEqualTo(1);
  }

  @Test
  void anOlderSqliteSchemaIsBroughtUpToDateThenCopied() throws IOException {
    String url = freshDatabase();
    Path node = seeded("7");
    BanterCommand.Outcome o = migrate(node, url);
    assertThat(o.code()).as(o.toString()).isZero();
    assertThat(o.out())
        .contains(
            "(schema 7; bringing it to "
                + latestSqliteVersion()
                + " first, as the server does at start)");
    // V8 gave existing messages rev = seq and the room last_rev = last_seq; the copy kept them
    List<String> seqAndRev =
        Tables.postgres(url)
            .withHandle(
                h ->
                    h.createQuery("SELECT seq || ':' || rev FROM messages ORDER BY seq")
                        .mapTo(String.class)
                        .list());
    assertThat(seqAndRev).containsExactly("1:1", "2:2", "3:3");
    assertThat(Tables.roomCounters(Tables.postgres(url)).get("r1")).containsExactly(3, 3);
    assertThat(count(url, "reactions")).isEqualTo(1);
  }

  @Test
  void aSqliteSchemaNewerThanThisBanterIsRefused() throws IOException {
    String url = freshDatabase();
    Path node = seeded("latest");
    Jdbi.create("jdbc:sqlite:" + node.resolve("banter.db"))
        .useHandle(
            h ->
                h.execute(
                    """
                    INSERT INTO flyway_schema_history (installed_rank, version, description, type,
                        script, checksum, installed_by, execution_time, success)
                    VALUES (99, '99', 'from a later release', 'SQL', 'V99__later.sql', 0, 'test', 0, 1)
                    """));
    BanterCommand.Outcome o = migrate(node, url);
    assertThat(o.code()).as(o.toString()).isEqualTo(2);
    assertThat(o.err()).contains("newer than this Banter's");
    assertThat(tablesOf(url)).isEmpty();
  }

  @Test
  void aDatabaseBeingWrittenIsRefused() throws Exception {
    String url = freshDatabase();
    Path node = seeded("latest");
    SQLiteConfig writer = new SQLiteConfig();
    writer.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    try (Connection c = writer.createConnection("jdbc:sqlite:" + node.resolve("banter.db"))) {
      c.setAutoCommit(false); // BEGIN IMMEDIATE: holds the write lock, as a server mid-commit does
      BanterCommand.Outcome o = migrate(node, url);
      assertThat(o.code()).as(o.toString()).isEqualTo(2);
      assertThat(o.err()).contains("against writers").contains("stop the server");
    }
    assertThat(tablesOf(url)).isEmpty();
  }

  @Test
  void aCopyMissingRowsIsRolledBackWithExitCode1() throws IOException {
    String url = freshDatabase();
    schemaOnly(url);
    Tables.postgres(url)
        .useHandle(
            h -> {
              h.execute(
                  "CREATE FUNCTION drop_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$");
              h.execute(
                  "CREATE TRIGGER lose BEFORE INSERT ON reactions FOR EACH ROW EXECUTE FUNCTION drop_row()");
            });
    BanterCommand.Outcome o = migrate(seeded("latest"), url);
    assertThat(o.code()).as(o.toString()).isEqualTo(1);
    assertThat(o.err())
        .contains("the copy does not match the source; it was rolled back")
        .contains("reactions: 1 rows in the source, 0 in the target");
    assertThat(count(url, "users")).isZero();
    assertThat(count(url, "messages")).isZero();
  }

  @Test
  void aCopyWithOtherRoomCountersIsRolledBackWithExitCode1() throws IOException {
    String url = freshDatabase();
    schemaOnly(url);
    Tables.postgres(url)
        .useHandle(
            h -> {
              h.execute(
                  """
                  CREATE FUNCTION skew() RETURNS trigger LANGUAGE plpgsql AS $$
                  BEGIN NEW.last_seq := NEW.last_seq + 1; RETURN NEW; END $$""");
              h.execute(
                  "CREATE TRIGGER skew BEFORE INSERT ON rooms FOR EACH ROW EXECUTE FUNCTION skew()");
            });
    BanterCommand.Outcome o = migrate(seeded("latest"), url);
    assertThat(o.code()).as(o.toString()).isEqualTo(1);
    assertThat(o.err()).contains("room r1: Counters[lastSeq=3");
    assertThat(count(url, "rooms")).isZero();
  }
}
