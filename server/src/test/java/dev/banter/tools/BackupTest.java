package dev.banter.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.banter.support.Api;
import dev.banter.support.Backend;
import dev.banter.support.BanterCommand;
import dev.banter.support.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code banter backup}: a copy of a running node's database; the data dir wiped and restored as
 * docs/operations.md says (the backup in place of banter.db, the uploads folder copied back), the
 * node shows every member what they saw before.
 */
class BackupTest {
  @TempDir Path dir;

  @Test
  void aBackupTakenWhileTheServerRunsRestoresTheSameHistory() throws IOException {
    Path node = dir.resolve("node");
    Path backup = dir.resolve("backup.db");
    Path uploads = dir.resolve("uploads-backup");
    Map<String, String> env = Map.of("BANTER_DATA_DIR", node.toString());
    Community community;
    Community.Snapshot before;
    try (TestServer server = TestServer.start(Backend.SQLITE, env)) {
      community = Community.populate(server.api(), 20);
      // a room deleted with its messages leaves a gap in the rowids, which a copy that renumbers
      // rows would close (and the search index would then point at the wrong messages)
      Api api = server.api();
      String doomed = api.createRoom(community.alice, "public");
      api.say(community.alice, doomed, "soon gone, with its room");
      api.say(community.bob, community.lobby, "posted after it, about a zebra");
      Api.expect(api.delete("/api/v1/rooms/" + doomed, community.alice.accessToken()), 204);
      before = community.snapshot(api);

      BanterCommand.Outcome o = Tool.run(env, "backup", "--to", backup.toString());

      assertThat(o.code()).as(o.toString()).isZero();
      assertThat(o.out()).contains("backup: " + backup).contains("quick_check ok");
      copyTree(node.resolve("uploads"), uploads);
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)))
        .isEqualTo("rw-------");
    List<String> rowids = rowids(node.resolve("banter.db"));
    assertThat(Long.parseLong(rowids.get(rowids.size() - 1).split(" ")[0]))
        .isGreaterThan(rowids.size());

    deleteTree(node);
    Files.createDirectories(
        node, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Files.copy(backup, node.resolve("banter.db"));
    copyTree(uploads, node.resolve("uploads"));

    try (TestServer restored = TestServer.start(Backend.SQLITE, env)) {
      assertThat(community.snapshot(restored.api())).isEqualTo(before);
      assertThat(Community.download(restored.api(), community.alice, community.upload))
          .isEqualTo(Community.UPLOAD_TEXT);
      // the search index refers to messages by rowid: the copy kept them
      assertThat(rowids(node.resolve("banter.db"))).isEqualTo(rowids);
      assertThatCode(
              () ->
                  Jdbi.create("jdbc:sqlite:" + node.resolve("banter.db"))
                      .useHandle(
                          h ->
                              h.execute(
                                  "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)")))
          .doesNotThrowAnyException();
    }
  }

  @Test
  void anExistingFileIsNeitherOverwrittenNorAppendedTo() throws IOException {
    Path node = Files.createDirectories(dir.resolve("node"));
    Flyway.configure()
        .dataSource("jdbc:sqlite:" + node.resolve("banter.db"), null, null)
        .locations("classpath:db/migration/sqlite")
        .load()
        .migrate();
    Path existing = Files.writeString(dir.resolve("yesterday.db"), "yesterday's backup");

    BanterCommand.Outcome o =
        Tool.run(Map.of("BANTER_DATA_DIR", node.toString()), "backup", "--to", existing.toString());

    assertThat(o.code()).as(o.toString()).isEqualTo(2);
    assertThat(o.err()).contains(existing + " already exists");
    assertThat(Files.readString(existing)).isEqualTo("yesterday's backup");
  }

  @Test
  void aNodeOnPostgresqlIsToldToUsePgDump() {
    BanterCommand.Outcome o =
        Tool.run(
            Map.of(
                "BANTER_DATA_DIR",
                dir.toString(),
                "BANTER_DATABASE_URL",
                "postgresql://banter@127.0.0.1:5432/banter"),
            "backup",
            "--to",
            dir.resolve("backup.db").toString());

    assertThat(o.code()).as(o.toString()).isEqualTo(2);
    assertThat(o.err()).contains("pg_dump");
    assertThat(Files.exists(dir.resolve("backup.db"))).isFalse();
  }

  private static List<String> rowids(Path db) {
    return Jdbi.create("jdbc:sqlite:" + db)
        .withHandle(
            h ->
                h.createQuery("SELECT rowid || ' ' || id FROM messages ORDER BY rowid")
                    .mapTo(String.class)
                    .list());
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      List<Path> all = files.sorted(Comparator.reverseOrder()).toList();
      for (Path p : all) {
        Files.delete(p);
      }
    }
  }
}
