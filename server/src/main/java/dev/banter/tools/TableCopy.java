package dev.banter.tools;

import java.nio.charset.StandardCharsets;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;

/**
 * Copies one table's rows from SQLite to PostgreSQL in batches, column by column as the target's
 * catalogue names them: SQLite's 0/1 become booleans where PostgreSQL has them, its integers
 * bigints, and so on. Every value passes through a bound parameter.
 */
final class TableCopy {
  /** A column the copy writes, with its PostgreSQL type ({@code information_schema} spelling). */
  record Column(String name, String type) {}

  private TableCopy() {}

  /**
   * Copies every row of {@code table}, in SQLite's storage (rowid) order — a row that refers to
   * another of its table, a reply to the message it answers, was stored after it — calling {@code
   * progress} with the rows copied so far after each batch. Returns the rows copied.
   */
  static long copy(
      Connection source,
      Connection target,
      String table,
      List<Column> columns,
      int batch,
      LongConsumer progress)
      throws SQLException {
    String names = columns.stream().map(c -> quoted(c.name())).collect(Collectors.joining(", "));
    String select = "SELECT " + names + " FROM " + quoted(table) + " ORDER BY rowid";
    String insert =
        "INSERT INTO "
            + quoted(table)
            + " ("
            + names
            + ") VALUES ("
            + "?, ".repeat(columns.size() - 1)
            + "?)";
    long rows = 0;
    try (Statement read = source.createStatement();
        ResultSet rs = read.executeQuery(select);
        PreparedStatement write = target.prepareStatement(insert)) {
      while (rs.next()) {
        for (int i = 0; i < columns.size(); i++) {
          bind(write, i + 1, columns.get(i).type(), rs.getObject(i + 1));
        }
        write.addBatch();
        rows++;
        if (rows % batch == 0) {
          send(write, table, rows);
          progress.accept(rows);
        }
      }
      if (rows % batch != 0) {
        send(write, table, rows);
      }
    }
    return rows;
  }

  /**
   * Runs the batch; a failure names the table and the server's reason, not the driver's text, which
   * repeats the rows' values (password hashes among them).
   */
  private static void send(PreparedStatement write, String table, long rows) throws SQLException {
    try {
      write.executeBatch();
    } catch (BatchUpdateException e) {
      SQLException reason = e.getNextException() != null ? e.getNextException() : e;
      String message =
          reason == e
              ? "SQL state " + e.getSQLState()
              : String.valueOf(reason.getMessage()).lines().findFirst().orElse("");
      throw new SQLException(
          "writing " + table + " (rows up to " + rows + ") failed: " + message,
          reason.getSQLState());
    }
  }

  static void bind(PreparedStatement s, int index, String type, Object value) throws SQLException {
    switch (type) {
      case "boolean" -> {
        if (value == null) {
          s.setNull(index, Types.BOOLEAN);
        } else {
          s.setBoolean(
              index,
              value instanceof Number n
                  ? n.longValue() != 0
                  : "1".equals(value.toString()) || Boolean.parseBoolean(value.toString()));
        }
      }
      case "bigint", "integer", "smallint" -> {
        if (value == null) {
          s.setNull(index, Types.BIGINT);
        } else {
          s.setLong(
              index, value instanceof Number n ? n.longValue() : Long.parseLong(value.toString()));
        }
      }
      case "text", "character varying", "character" -> {
        if (value == null) {
          s.setNull(index, Types.VARCHAR);
        } else {
          s.setString(
              index,
              value instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : value.toString());
        }
      }
      case "bytea" -> {
        if (value == null) {
          s.setNull(index, Types.BINARY);
        } else {
          s.setBytes(
              index,
              value instanceof byte[] b ? b : value.toString().getBytes(StandardCharsets.UTF_8));
        }
      }
      default -> s.setObject(index, value, Types.OTHER);
    }
  }

  static long count(Connection c, String table) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + quoted(table))) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * {@code identifier} as a quoted SQL name (both databases). Names come from the catalogues of
   * Banter's own schema, never from input.
   */
  static String quoted(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }
}
