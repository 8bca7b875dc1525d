package dev.banter.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The machine's PostgreSQL (127.0.0.1:5432, trust auth) for tests: each test server gets a database
 * of its own, dropped afterwards. Unreachable → the test fails under CI=true, is skipped otherwise.
 */
public final class Postgres {
  public static final String HOST =
      System.getenv().getOrDefault("BANTER_TEST_PG_HOST", "127.0.0.1");
  public static final String PORT = System.getenv().getOrDefault("BANTER_TEST_PG_PORT", "5432");
  public static final String USER = System.getenv().getOrDefault("BANTER_TEST_PG_USER", "postgres");
  private static final String ADMIN_DB = System.getenv().getOrDefault("BANTER_TEST_PG_DB", "test");

  private Postgres() {}

  public static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  private static Connection admin() throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://" + HOST + ":" + PORT + "/" + ADMIN_DB, USER, "");
  }

  /** Creates a fresh database and returns its postgresql:// URL. */
  public static String createDatabase() {
    String name =
        "banter_test_"
            + UUID.randomUUID()
                .toString()
                .replace("-", "")
                .substring(0, 12)
                .toLowerCase(Locale.ROOT);
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      String why = "PostgreSQL at " + HOST + ":" + PORT + " is unreachable: " + e.getMessage();
      if (inCi()) {
        fail(why + " (CI=true: PostgreSQL tests must run)");
      }
      Assumptions.abort(why);
    }
    return "postgresql://" + USER + "@" + HOST + ":" + PORT + "/" + name;
  }

  public static void dropDatabase(String url) {
    String name = url.substring(url.lastIndexOf('/') + 1);
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      // best effort: a leftover test database is harmless
    }
  }
}
