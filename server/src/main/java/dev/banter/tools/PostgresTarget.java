package dev.banter.tools;

import dev.banter.config.DatabaseUrl;
import dev.banter.tools.TableCopy.Column;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;

/**
 * The PostgreSQL database the copy writes: checked to hold no data, given this version's schema
 * (Flyway, as a node does at start), then written in one transaction that the caller commits only
 * when the copy checks out.
 */
final class PostgresTarget implements AutoCloseable {
  private static final String TABLES =
      """
      SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
       ORDER BY c.relname
      """;

  private static final String COLUMNS =
      """
      SELECT table_name, column_name, data_type, is_generated
        FROM information_schema.columns
       WHERE table_schema = current_schema()
       ORDER BY table_name, ordinal_position
      """;

  private static final String FOREIGN_KEYS =
      """
      SELECT child.relname AS child, parent.relname AS parent
        FROM pg_constraint f
        JOIN pg_class child ON child.oid = f.conrelid
        JOIN pg_class parent ON parent.oid = f.confrelid
        JOIN pg_namespace n ON n.oid = child.relnamespace
       WHERE f.contype = 'f' AND n.nspname = current_schema()
      """;

  /** Columns that draw from a sequence (serial or identity); Banter's schema has none today. */
  private static final String SEQUENCES =
      """
      SELECT table_name, column_name,
             pg_get_serial_sequence(quote_ident(table_name), column_name) AS sequence
        FROM information_schema.columns
       WHERE table_schema = current_schema()
         AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')
       ORDER BY table_name, column_name
      """;

  private final DatabaseUrl url;
  private final Connection connection;
  private final String schema;

  private PostgresTarget(DatabaseUrl url, Connection connection, String schema) {
    this.url = url;
    this.connection = connection;
    this.schema = schema;
  }

  static PostgresTarget connect(DatabaseUrl url) {
    Properties p = new Properties();
    if (url.user() != null) {
      p.setProperty("user", url.user());
    }
    if (url.password() != null) {
      p.setProperty("password", url.password());
    }
    // the driver sends a batch as multi-row INSERTs instead of one statement per row
    p.setProperty("reWriteBatchedInserts", "true");
    p.setProperty("ApplicationName", "banter migrate");
    p.setProperty("connectTimeout", "10");
    Connection c;
    try {
      c = DriverManager.getConnection(url.jdbcUrl(), p);
    } catch (SQLException e) {
      throw new Refusal("cannot connect to " + url.redacted() + ": " + e.getMessage(), e);
    }
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_schema()")) {
      rs.next();
      String schema = rs.getString(1);
      if (schema == null) {
        throw new Refusal(url.redacted() + " has no schema to write in (see its search_path)");
      }
      return new PostgresTarget(url, c, schema);
    } catch (SQLException | RuntimeException e) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // nothing was written through it
      }
      throw e instanceof Refusal r ? r : new Refusal("cannot read " + url.redacted(), e);
    }
  }

  String describe() {
    return url.redacted() + ", schema " + schema;
  }

  Connection connection() {
    return connection;
  }

  /**
   * Refuses a target holding anything but Banter's empty tables (as a database a node has never
   * used holds them, or a fresh one none at all); reads only, so a refused target is unchanged.
   */
  void requireEmpty() throws SQLException {
    List<String> tables = names(TABLES);
    if (tables.isEmpty()) {
      return;
    }
    if (!tables.contains(SqliteSource.HISTORY)) {
      throw new Refusal(
          "the target already holds tables that are not Banter's ("
              + String.join(", ", tables)
              + "): migrate into an empty database");
    }
    List<String> withRows = new ArrayList<>();
    for (String table : tables) {
      if (table.equals(SqliteSource.HISTORY)) {
        continue;
      }
      try (Statement s = connection.createStatement();
          ResultSet rs =
              s.executeQuery("SELECT EXISTS (SELECT 1 FROM " + TableCopy.quoted(table) + ")")) {
        rs.next();
        if (rs.getBoolean(1)) {
          withRows.add(table);
        }
      }
    }
    if (!withRows.isEmpty()) {
      throw new Refusal(
          "the target is not empty ("
              + String.join(", ", withRows)
              + " hold rows; a node that ever started on it made the general room): migrate into"
              + " an empty database, e.g. dropdb and createdb");
    }
  }

  /** Applies this version's PostgreSQL migrations; returns the schema version reached. */
  String migrateSchema() {
    Flyway flyway =
        Flyway.configure()
            .dataSource(url.jdbcUrl(), url.user(), url.password())
            .locations("classpath:db/migration/postgresql")
            .loggers("slf4j")
            .load();
    try {
      MigrationInfoService info = flyway.info();
      if (Arrays.stream(info.all())
          .anyMatch(
              i ->
                  i.getState() == MigrationState.FUTURE_SUCCESS
                      || i.getState() == MigrationState.FUTURE_FAILED)) {
        throw new Refusal("the target's schema is newer than this Banter's: use the newer jar");
      }
      flyway.migrate();
      return flyway.info().current().getVersion().toString();
    } catch (FlywayException e) {
      throw new Refusal("cannot migrate the target's schema: " + e.getMessage(), e);
    }
  }

  /**
   * The tables to fill, parents before children (by their foreign keys), each with the columns the
   * copy writes: generated columns (the search vector) are PostgreSQL's own.
   */
  Map<String, List<Column>> tables() throws SQLException {
    List<String> names = new ArrayList<>(names(TABLES));
    names.remove(SqliteSource.HISTORY);
    Map<String, List<Column>> columns = new HashMap<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery(COLUMNS)) {
      while (rs.next()) {
        if (!"ALWAYS".equals(rs.getString("is_generated"))) {
          columns
              .computeIfAbsent(rs.getString("table_name"), t -> new ArrayList<>())
              .add(new Column(rs.getString("column_name"), rs.getString("data_type")));
        }
      }
    }
    Map<String, Set<String>> parents = new HashMap<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery(FOREIGN_KEYS)) {
      while (rs.next()) {
        parents
            .computeIfAbsent(rs.getString("child"), t -> new HashSet<>())
            .add(rs.getString("parent"));
      }
    }
    Map<String, List<Column>> ordered = new LinkedHashMap<>();
    for (String table : parentsFirst(names, parents)) {
      ordered.put(table, columns.getOrDefault(table, List.of()));
    }
    return ordered;
  }

  /** {@code tables} (sorted by name) reordered so that no table comes before one it refers to. */
  static List<String> parentsFirst(List<String> tables, Map<String, Set<String>> parents) {
    List<String> pending = new ArrayList<>(tables);
    pending.sort(null);
    List<String> order = new ArrayList<>();
    while (!pending.isEmpty()) {
      String next =
          pending.stream()
              .filter(
                  t ->
                      parents.getOrDefault(t, Set.of()).stream()
                          .allMatch(p -> p.equals(t) || order.contains(p) || !tables.contains(p)))
              .findFirst()
              .orElseThrow(
                  () -> new IllegalStateException("foreign keys form a cycle among " + pending));
      order.add(next);
      pending.remove(next);
    }
    return order;
  }

  /**
   * Moves every sequence past the largest value copied into its column, so new rows do not collide
   * with copied ones; returns one line per sequence.
   */
  List<String> advanceSequences() throws SQLException {
    List<String> done = new ArrayList<>();
    Map<String, String[]> sequences = new LinkedHashMap<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery(SEQUENCES)) {
      while (rs.next()) {
        if (rs.getString("sequence") != null) {
          sequences.put(
              rs.getString("sequence"),
              new String[] {rs.getString("table_name"), rs.getString("column_name")});
        }
      }
    }
    for (Map.Entry<String, String[]> e : sequences.entrySet()) {
      String sql =
          "SELECT setval(?::regclass, COALESCE((SELECT max("
              + TableCopy.quoted(e.getValue()[1])
              + ") FROM "
              + TableCopy.quoted(e.getValue()[0])
              + "), 0) + 1, false)";
      try (PreparedStatement s = connection.prepareStatement(sql)) {
        s.setString(1, e.getKey());
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          done.add(e.getKey() + ": next value " + rs.getLong(1));
        }
      }
    }
    return done;
  }

  long count(String table) throws SQLException {
    return TableCopy.count(connection, table);
  }

  private List<String> names(String sql) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  @Override
  public void close() {
    try {
      if (!connection.getAutoCommit()) {
        connection.rollback(); // a copy not committed leaves nothing behind
      }
      connection.close();
    } catch (SQLException e) {
      // closing an uncommitted transaction rolls it back anyway
    }
  }
}
