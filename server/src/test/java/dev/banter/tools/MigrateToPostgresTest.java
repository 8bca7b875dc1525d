package dev.banter.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Backend;
import dev.banter.support.BanterCommand;
import dev.banter.support.Postgres;
import dev.banter.support.TestServer;
import dev.banter.support.WsClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code banter migrate}: a single node's SQLite data dir, filled through the API, copied into a
 * fresh PostgreSQL database by the command run as its own process; then a server on PostgreSQL
 * (same upload folder, same JWT secret) shows every member what they saw before and goes on from
 * there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MigrateToPostgresTest {
  /** Lobby posts beyond the community's own, so the lobby spans several batches of 100. */
  private static final int FILLER = 250;

  @TempDir static Path dir;

  private Path dataDir;
  private String pgUrl;
  private Community community;
  private Community.Snapshot before;
  private Community.Snapshot after;
  private Map<String, List<String>> sourceRows;
  private Map<String, List<String>> copiedRows;
  private Map<String, long[]> sourceCounters;
  private BanterCommand.Outcome migrated;
  private TestServer pg;

  @BeforeAll
  void migrateAPopulatedNode() {
    pgUrl = Postgres.createDatabase();
    dataDir = dir.resolve("node");
    try (TestServer sqlite =
        TestServer.start(Backend.SQLITE, Map.of("BANTER_DATA_DIR", dataDir.toString()))) {
      community = Community.populate(sqlite.api(), FILLER);
      before = community.snapshot(sqlite.api());
    }
    Jdbi source = Jdbi.create("jdbc:sqlite:" + dataDir.resolve("banter.db"));
    sourceRows = Tables.rows(source, Tables.sqlite(source));
    sourceCounters = Tables.roomCounters(source);

    migrated =
        Tool.run(
            Map.of("BANTER_DATA_DIR", dataDir.toString()),
            "migrate",
            "--to",
            pgUrl,
            "--batch",
            "100");
    assertThat(migrated.code()).as(migrated.toString()).isZero();
    copiedRows = Tables.rows(Tables.postgres(pgUrl), Tables.sqlite(source));

    pg =
        TestServer.start(
            Backend.POSTGRES,
            Map.of(
                "BANTER_DATABASE_URL",
                pgUrl,
                "BANTER_UPLOAD_DIR",
                dataDir.resolve("uploads").toString()));
    after = community.snapshot(pg.api());
  }

  @AfterAll
  void stop() {
    if (pg != null) {
      pg.close();
    }
    if (pgUrl != null) {
      Postgres.dropDatabase(pgUrl);
    }
  }

  @Test
  void theCommandReportsEachTableThenTheCheckThenWhereTheUploadsAre() {
    for (String table : sourceRows.keySet()) {
      assertThat(migrated.out()).containsPattern("(?m)^" + table + ": [\\d,]+ rows in ");
    }
    assertThat(migrated.out())
        .contains("verified: the rows of " + sourceRows.size() + " tables")
        .contains("done: ")
        .contains(
            "uploads: 1 record copied; the files stay in "
                + dataDir.resolve("uploads").toAbsolutePath()
                + ":")
        .doesNotContain("are not there");
    assertThat(migrated.err()).isEmpty();
  }

  @Test
  void everyTableHoldsTheSameRowsAsTheSource() {
    assertThat(sourceRows.keySet())
        .contains("users", "token_families", "refresh_tokens", "rooms", "room_members")
        .contains("messages", "reactions", "uploads", "message_attachments")
        .contains("thread_follows", "message_mentions", "blocks");
    assertThat(sourceRows.get("thread_follows")).isNotEmpty();
    assertThat(sourceRows.get("message_mentions")).isNotEmpty();
    assertThat(copiedRows).isEqualTo(sourceRows);
  }

  @Test
  void everyMemberSeesTheSameRoomsAndHistoriesAsOnTheSingleNode() {
    assertThat(after.rooms()).isEqualTo(before.rooms());
    assertThat(after.histories().keySet()).isEqualTo(before.histories().keySet());
    before
        .histories()
        .forEach(
            (key, messages) -> assertThat(after.histories().get(key)).as(key).isEqualTo(messages));
    List<JsonNode> lobby =
        before.histories().get(community.alice.username() + " " + community.lobby);
    assertThat(lobby).extracting(m -> m.get("seq").asLong()).doesNotHaveDuplicates().isSorted();
    assertThat(lobby).anyMatch(m -> m.get("deleted").asBoolean());
    assertThat(lobby).anyMatch(m -> !m.get("edited_at").isNull());
    assertThat(lobby).anyMatch(m -> m.get("reactions").size() > 0);
    assertThat(lobby).anyMatch(m -> !m.get("reply_to").isNull());
    assertThat(lobby).anyMatch(m -> !m.get("thread").isNull());
    assertThat(lobby).anyMatch(m -> m.get("mentions").size() > 0);
  }

  @Test
  void searchFindsWhatItFoundOnTheSingleNode() {
    assertThat(after.searches()).isEqualTo(before.searches());
    assertThat(before.searches().get(community.alice.username() + " zebra")).hasSize(2);
    assertThat(before.searches().get(community.carol.username() + " 北京")).hasSize(1);
  }

  @Test
  void membersSignInWithTheirOldPasswordsAndOldRefreshTokens() {
    Api api = pg.api();
    for (Account a : community.members()) {
      Api.expect(
          api.post(
              "/api/v1/auth/login",
              Map.of("username", a.username(), "password", a.password()),
              null),
          200);
    }
    Api.expect(
        api.post(
            "/api/v1/auth/refresh", Map.of("refresh_token", community.carol.refreshToken()), null),
        200);
  }

  @Test
  void aNewMessageContinuesAfterTheMigratedSeqAndRev() {
    long[] counters = sourceCounters.get(community.backroom);
    JsonNode posted =
        pg.api().say(community.carol, community.backroom, "the first post on PostgreSQL");
    assertThat(posted.get("seq").asLong()).isEqualTo(counters[0] + 1);
    assertThat(posted.get("rev").asLong()).isEqualTo(counters[1] + 1);
  }

  @Test
  void aClientResumesFromASeqItSawOnTheSingleNode() {
    List<JsonNode> lobby = before.histories().get(community.bob.username() + " " + community.lobby);
    long lastSeq = lobby.get(lobby.size() - 1).get("seq").asLong();
    try (WsClient ws = WsClient.connect(pg.baseUrl(), community.bob.accessToken())) {
      Map<String, Object> join = new HashMap<>();
      join.put("type", "join_room");
      join.put("room_id", community.lobby);
      join.put("since_seq", lastSeq - 5);
      JsonNode joined = ws.request(join);
      List<JsonNode> frames = ws.frames();
      List<String> replayed = new ArrayList<>();
      for (JsonNode f : frames.subList(0, frames.indexOf(joined))) {
        if (f.path("type").asText().equals("new_message")) {
          replayed.add(f.at("/message/id").asText());
        }
      }
      assertThat(replayed)
          .isEqualTo(
              lobby.stream()
                  .filter(m -> m.get("seq").asLong() > lastSeq - 5)
                  .map(m -> m.get("id").asText())
                  .toList());
      assertThat(joined.get("last_seq").asLong()).isEqualTo(lastSeq);
    }
  }

  @Test
  void theUploadIsServedFromTheFolderItWasIn() {
    assertThat(Community.download(pg.api(), community.alice, community.upload))
        .isEqualTo(Community.UPLOAD_TEXT);
  }

  @Test
  void migratingIntoTheMigratedDatabaseAgainIsRefusedAndChangesNothing() {
    Jdbi target = Tables.postgres(pgUrl);
    List<String> tables = new ArrayList<>(sourceRows.keySet());
    tables.add("flyway_schema_history");
    Map<String, List<String>> rowsBefore = Tables.rows(target, Tables.columnsOf(target, tables));

    BanterCommand.Outcome again =
        Tool.run(Map.of("BANTER_DATA_DIR", dataDir.toString()), "migrate", "--to", pgUrl);

    assertThat(again.code()).as(again.toString()).isEqualTo(2);
    assertThat(again.err()).contains("the target is not empty").contains("users");
    assertThat(Tables.rows(target, Tables.columnsOf(target, tables))).isEqualTo(rowsBefore);
  }
}
