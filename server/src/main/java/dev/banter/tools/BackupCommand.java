package dev.banter.tools;

import dev.banter.config.Config;
import dev.banter.config.ConfigException;
import dev.banter.store.DataDir;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.sqlite.SQLiteConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code banter backup --to FILE}: a consistent copy of a node's SQLite database, written while the
 * server runs (docs/operations.md, "Backups and restore").
 */
@Command(
    name = "backup",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a consistent copy of this node's SQLite database (in BANTER_DATA_DIR) to FILE with"
          + " SQLite's VACUUM INTO, and checks it; safe while the server runs. To restore: stop"
          + " the server, delete banter.db-wal and banter.db-shm, put FILE in place of banter.db.",
      "Exit codes: 0 written and checked; 2 refused (PostgreSQL configured, no database, FILE"
          + " exists); 1 failed."
    })
public final class BackupCommand implements Callable<Integer> {
  static final int EXIT_FAILED = 1;
  static final int EXIT_REFUSED = 2;

  /** How long the copy may wait for SQLite's locks (a checkpoint) before it fails. */
  private static final int BUSY_TIMEOUT_MS = 10_000;

  @Spec CommandSpec spec;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "FILE",
      description = "the backup file to write; must not exist yet")
  Path to;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "the data directory to back up (default: BANTER_DATA_DIR, else ./data)")
  Path dataDir;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "YAML file of BANTER_* settings (or BANTER_CONFIG)")
  Path configFile;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Config config;
    try {
      config = ToolConfig.load(spec, configFile, dataDir);
    } catch (ConfigException e) {
      err.println("banter backup: configuration error: " + e.getMessage());
      return EXIT_REFUSED;
    }
    if (config.usesPostgres()) {
      err.println(
          "banter backup: BANTER_DATABASE_URL is set, so the data is in PostgreSQL: back it up"
              + " with pg_dump (docs/operations.md, \"Backups and restore\")");
      return EXIT_REFUSED;
    }
    Path db = config.dataDir().resolve(SqliteSource.FILE).toAbsolutePath();
    Path file = to.toAbsolutePath();
    try {
      if (!Files.isRegularFile(db)) {
        err.println("banter backup: no SQLite database at " + db);
        return EXIT_REFUSED;
      }
      if (Files.exists(file) && (Files.isDirectory(file) || Files.size(file) > 0)) {
        err.println("banter backup: " + file + " already exists; name a new file");
        return EXIT_REFUSED;
      }
      if (!Files.isDirectory(file.getParent())) {
        err.println("banter backup: no folder " + file.getParent());
        return EXIT_REFUSED;
      }
      // the copy holds every password hash: 0600 before SQLite writes a byte of it
      DataDir.privateFile(file);
    } catch (IOException | UncheckedIOException e) {
      err.println("banter backup: cannot prepare " + file + ": " + e.getMessage());
      return EXIT_FAILED;
    }
    long started = System.nanoTime();
    try {
      vacuumInto(db, file);
      long messages = check(file);
      out.printf(
          Locale.ROOT,
          "backup: %s (%,d KiB, %,d messages) in %.1f s; quick_check ok%n",
          file,
          Files.size(file) / 1024,
          messages,
          (System.nanoTime() - started) / 1e9);
    } catch (SQLException | IOException e) {
      err.println("banter backup: failed: " + e.getMessage());
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // the message above says the backup failed; a partial file is not mistaken for one
      }
      return EXIT_FAILED;
    }
    out.println(
        "keep with it: "
            + config.dataDir().resolve("jwt-secret").toAbsolutePath()
            + " (unless BANTER_JWT_SECRET is set), "
            + config.dataDir().resolve("vapid-keys").toAbsolutePath()
            + " (unless BANTER_VAPID_PRIVATE_KEY is set) and the uploaded files ("
            + (config.s3().isPresent()
                ? "bucket " + config.s3().get().bucket()
                : config.uploadDir().toAbsolutePath())
            + ")");
    return 0;
  }

  /** One read transaction: the file is the database as it was when the copy began. */
  private static void vacuumInto(Path db, Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(BUSY_TIMEOUT_MS);
    try (Connection c = config.createConnection("jdbc:sqlite:" + db);
        PreparedStatement s = c.prepareStatement("VACUUM INTO ?")) {
      s.setString(1, file.toString());
      s.execute();
    }
  }

  /** Runs SQLite's quick_check on the copy; returns its messages. */
  private static long check(Path file) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("PRAGMA quick_check")) {
        rs.next();
        if (!"ok".equals(rs.getString(1))) {
          throw new SQLException("quick_check of the copy says: " + rs.getString(1));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM messages")) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
