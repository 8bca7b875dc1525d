package dev.banter.store;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Small helpers for what the two JDBC drivers report differently. */
public final class Sql {
  private static final int SQLITE_CONSTRAINT = 19;

  private Sql() {}

  /** An {@link SQLException} of a statement run on plain JDBC, unchecked (as Jdbi's are). */
  public static final class Failed extends RuntimeException {
    public Failed(SQLException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** The value of a nullable integer column. */
  public static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }

  /** True when {@code e} (or a cause) is a unique or primary-key violation on either database. */
  public static boolean isUniqueViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s) {
        if ("23505".equals(s.getSQLState())) {
          return true;
        }
        String message = String.valueOf(s.getMessage());
        if ((s.getErrorCode() & 0xff) == SQLITE_CONSTRAINT
            && (message.contains("UNIQUE") || message.contains("PRIMARYKEY"))) {
          return true;
        }
      }
    }
    return false;
  }
}
