package dev.banter.tools;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.sqlite.SQLiteConfig;

/**
 * The SQLite database of a data directory as the copy reads it: first brought to this version's
 * schema (as the server does at start), then held in one transaction that also keeps every other
 * writer out, so the copy is one consistent snapshot and a server still running on the file fails
 * its writes instead of acknowledging messages the copy would never see.
 */
final class SqliteSource implements AutoCloseable {
  static final String FILE = "banter.db";
  static final String HISTORY = "flyway_schema_history";

  /**
   * SQLite's search: the queue of messages waiting for the FTS5 index (the index itself, a virtual
   * table, and its shadow tables are recognised as such). PostgreSQL indexes {@code search_terms}
   * by itself: a generated tsvector column with a GIN index.
   */
  private static final Set<String> SQLITE_ONLY = Set.of("search_pending");

  /** How long taking the write lock may wait for a writer to finish before the copy refuses. */
  private static final int BUSY_TIMEOUT_MS = 5_000;

  private static final String TABLES =
      """
      SELECT name, sql FROM sqlite_master
       WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
       ORDER BY name
      """;

  private static final String COLUMNS = "SELECT name FROM pragma_table_info(?) ORDER BY cid";

  private final Connection connection;

  private SqliteSource(Connection connection) {
    this.connection = connection;
  }

  /**
   * Opens the database of {@code dataDir}, migrates its schema if it is older than this version's,
   * and takes the write lock.
   */
  static SqliteSource open(Path dataDir, PrintWriter out) {
    Path file = dataDir.resolve(FILE).toAbsolutePath();
    if (!Files.isRegularFile(file)) {
      throw new Refusal(
          "no SQLite database at " + file + " (set BANTER_DATA_DIR or --data-dir to the node's)");
    }
    bringSchemaUpToDate(file, out);
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(BUSY_TIMEOUT_MS);
    // BEGIN IMMEDIATE takes the write lock at once: no one writes while the copy reads.
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    Connection c = null;
    try {
      c = config.createConnection(url(file));
      c.setAutoCommit(false);
      return new SqliteSource(c);
    } catch (SQLException e) {
      closeQuietly(c);
      throw new Refusal(
          "cannot lock "
              + file
              + " against writers ("
              + e.getMessage()
              + "): stop the server that runs on it first",
          e);
    }
  }

  private static String url(Path file) {
    return "jdbc:sqlite:" + file;
  }

  /**
   * Applies the migrations this version has and the file lacks, as the server would at start;
   * refuses a file that is not Banter's or was written by a newer Banter.
   */
  private static void bringSchemaUpToDate(Path file, PrintWriter out) {
    Flyway flyway =
        Flyway.configure()
            .dataSource(url(file) + "?foreign_keys=true", null, null)
            .locations("classpath:db/migration/sqlite")
            .loggers("slf4j")
            .load();
    try {
      MigrationInfoService info = flyway.info();
      MigrationInfo current = info.current();
      if (current == null) {
        throw new Refusal(file + " has no Banter schema history: it is not a Banter database");
      }
      if (Arrays.stream(info.all())
          .anyMatch(
              i ->
                  i.getState() == MigrationState.FUTURE_SUCCESS
                      || i.getState() == MigrationState.FUTURE_FAILED)) {
        throw new Refusal(
            file
                + " has schema "
                + current.getVersion()
                + ", newer than this Banter's: migrate with the jar that wrote it");
      }
      MigrationInfo[] pending = info.pending();
      if (pending.length == 0) {
        out.println("source: " + file + " (schema " + current.getVersion() + ")");
        return;
      }
      out.println(
          "source: "
              + file
              + " (schema "
              + current.getVersion()
              + "; bringing it to "
              + pending[pending.length - 1].getVersion()
              + " first, as the server does at start)");
      flyway.migrate();
    } catch (FlywayException e) {
      throw new Refusal("cannot read or migrate the schema of " + file + ": " + e.getMessage(), e);
    }
  }

  Connection connection() {
    return connection;
  }

  /**
   * Every table the copy reads, with its columns in order; the schema history and SQLite's search
   * tables are left out.
   */
  Map<String, List<String>> tables() throws SQLException {
    Map<String, String> all = new LinkedHashMap<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery(TABLES)) {
      while (rs.next()) {
        all.put(rs.getString("name"), rs.getString("sql"));
      }
    }
    List<String> virtual = new ArrayList<>();
    all.forEach(
        (name, sql) -> {
          if (sql != null
              && sql.stripLeading().toUpperCase(Locale.ROOT).startsWith("CREATE VIRTUAL TABLE")) {
            virtual.add(name);
          }
        });
    Map<String, List<String>> tables = new LinkedHashMap<>();
    for (String name : all.keySet()) {
      boolean searchOnly =
          SQLITE_ONLY.contains(name)
              || virtual.contains(name)
              || virtual.stream().anyMatch(v -> name.startsWith(v + "_"));
      if (!searchOnly && !name.equals(HISTORY)) {
        tables.put(name, columns(name));
      }
    }
    return tables;
  }

  private List<String> columns(String table) throws SQLException {
    List<String> columns = new ArrayList<>();
    try (PreparedStatement s = connection.prepareStatement(COLUMNS)) {
      s.setString(1, table);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          columns.add(rs.getString(1));
        }
      }
    }
    return columns;
  }

  /** Ends the transaction without writing (releasing the lock) and closes the file. */
  @Override
  public void close() {
    try {
      connection.rollback();
    } catch (SQLException e) {
      // closing ends the transaction too
    }
    closeQuietly(connection);
  }

  private static void closeQuietly(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException e) {
      // nothing was written through it
    }
  }
}
