package dev.banter.tools;

import dev.banter.support.Postgres;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * Whole tables read straight from either database, in a form both give alike: every row as one line
 * of its values (SQLite's 0/1 and PostgreSQL's booleans alike), the lines sorted.
 */
final class Tables {
  private Tables() {}

  /** The database behind a {@code postgresql://} URL of {@link Postgres#createDatabase()}. */
  static Jdbi postgres(String url) {
    return Jdbi.create(
        "jdbc:" + url.replace("postgresql://" + Postgres.USER + "@", "postgresql://"),
        Postgres.USER,
        "");
  }

  /**
   * The tables of a Banter SQLite file with their columns, but for SQLite's search (the FTS5 index
   * and its queue) and Flyway's history.
   */
  static Map<String, List<String>> sqlite(Jdbi db) {
    List<String> names =
        db.withHandle(
            h ->
                h.createQuery(
                        """
                        SELECT name FROM sqlite_master
                         WHERE type = 'table' AND name NOT LIKE 'sqlite%'
                           AND name NOT LIKE 'messages_fts%'
                           AND name NOT IN ('search_pending', 'flyway_schema_history')
                         ORDER BY name
                        """)
                    .mapTo(String.class)
                    .list());
    Map<String, List<String>> tables = new LinkedHashMap<>();
    for (String name : names) {
      tables.put(
          name,
          db.withHandle(
              h ->
                  h.createQuery("SELECT name FROM pragma_table_info(:t) ORDER BY cid")
                      .bind("t", name)
                      .mapTo(String.class)
                      .list()));
    }
    return tables;
  }

  /** The columns of {@code tables} in a PostgreSQL database. */
  static Map<String, List<String>> columnsOf(Jdbi pg, List<String> tables) {
    Map<String, List<String>> columns = new LinkedHashMap<>();
    for (String table : tables) {
      columns.put(
          table,
          pg.withHandle(
              h ->
                  h.createQuery(
                          """
                          SELECT column_name FROM information_schema.columns
                           WHERE table_schema = current_schema() AND table_name = :t
                           ORDER BY ordinal_position
                          """)
                      .bind("t", table)
                      .mapTo(String.class)
                      .list()));
    }
    return columns;
  }

  /** Every row of each table (those columns), as sorted lines. */
  static Map<String, List<String>> rows(Jdbi db, Map<String, List<String>> tables) {
    Map<String, List<String>> all = new LinkedHashMap<>();
    tables.forEach(
        (table, columns) -> {
          String sql =
              "SELECT "
                  + String.join(", ", columns.stream().map(c -> "\"" + c + "\"").toList())
                  + " FROM \""
                  + table
                  + "\"";
          List<String> lines =
              new ArrayList<>(
                  db.withHandle(
                      h -> h.createQuery(sql).map((rs, ctx) -> line(rs, columns)).list()));
          lines.sort(null);
          all.put(table, lines);
        });
    return all;
  }

  private static String line(ResultSet rs, List<String> columns) throws SQLException {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < columns.size(); i++) {
      Object v = rs.getObject(i + 1);
      String text =
          switch (v) {
            case null -> "null";
            case Boolean bool -> bool ? "1" : "0";
            case Number n -> Long.toString(n.longValue());
            default -> v.toString();
          };
      b.append(columns.get(i)).append('=').append(text).append(" | ");
    }
    return b.toString();
  }

  /** Each room's {@code [last_seq, last_rev]}. */
  static Map<String, long[]> roomCounters(Jdbi db) {
    Map<String, long[]> rooms = new HashMap<>();
    db.withHandle(
            h ->
                h.createQuery("SELECT id, last_seq, last_rev FROM rooms")
                    .map(
                        (rs, ctx) ->
                            Map.entry(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)}))
                    .list())
        .forEach(e -> rooms.put(e.getKey(), e.getValue()));
    return rooms;
  }
}
