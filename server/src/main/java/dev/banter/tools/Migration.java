package dev.banter.tools;

import dev.banter.config.DatabaseUrl;
import dev.banter.tools.CopyCheck.Counters;
import dev.banter.tools.TableCopy.Column;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One run of {@code banter migrate}: a node's SQLite database copied into an empty PostgreSQL
 * database, checked, and only then committed. The whole copy is one PostgreSQL transaction: a run
 * that fails or does not check out leaves the target as it found it, plus at most Banter's empty
 * schema, which a new run accepts.
 */
final class Migration {
  private static final long PROGRESS_EVERY_NANOS = Duration.ofSeconds(2).toNanos();

  private static final String UPLOADED_FILES = "SELECT storage_name FROM uploads";

  /** What was copied; {@code missingFiles} counts upload records whose file was not found. */
  record Result(long rows, long nanos, long uploads, long missingFiles) {}

  private final Path dataDir;
  private final DatabaseUrl url;
  private final int batch;
  private final Path uploadDir;
  private final PrintWriter out;

  /**
   * @param uploadDir the folder holding the uploaded files, to check that each record has its file;
   *     null when they are in a bucket
   */
  Migration(Path dataDir, DatabaseUrl url, int batch, Path uploadDir, PrintWriter out) {
    this.dataDir = dataDir;
    this.url = url;
    this.batch = batch;
    this.uploadDir = uploadDir;
    this.out = out;
  }

  /**
   * Copies and checks; throws {@link Refusal} before anything is copied, {@link CopyMismatch} when
   * the copy does not check out (rolled back), SQLException when a database fails (rolled back).
   */
  Result run() throws SQLException {
    long started = System.nanoTime();
    try (PostgresTarget target = PostgresTarget.connect(url)) {
      out.println("target: " + target.describe());
      target.requireEmpty();
      try (SqliteSource source = SqliteSource.open(dataDir, out)) {
        out.println("target: no data; schema now " + target.migrateSchema());
        Map<String, List<Column>> tables = plan(source.tables(), target.tables());
        Map<String, Long> sourceRows = new LinkedHashMap<>();
        for (String table : tables.keySet()) {
          sourceRows.put(table, TableCopy.count(source.connection(), table));
        }
        Connection to = target.connection();
        to.setAutoCommit(false);
        long rows = 0;
        for (Map.Entry<String, List<Column>> t : tables.entrySet()) {
          rows += copy(source.connection(), to, t.getKey(), t.getValue(), sourceRows);
        }
        List<String> sequences = target.advanceSequences();
        out.println(
            "sequences: "
                + (sequences.isEmpty() ? "none to advance" : String.join("; ", sequences)));
        Map<String, Long> targetRows = new LinkedHashMap<>();
        for (String table : tables.keySet()) {
          targetRows.put(table, target.count(table));
        }
        Map<String, Counters> sourceRooms = CopyCheck.roomCounters(source.connection());
        List<String> differences =
            CopyCheck.differences(sourceRows, targetRows, sourceRooms, CopyCheck.roomCounters(to));
        if (!differences.isEmpty()) {
          throw new CopyMismatch(differences);
        }
        out.printf(
            Locale.ROOT,
            "verified: the rows of %d tables and the last seq and rev of %,d rooms are the same in"
                + " source and target%n",
            tables.size(),
            sourceRooms.size());
        to.commit();
        long nanos = System.nanoTime() - started;
        long uploads = sourceRows.getOrDefault("uploads", 0L);
        return new Result(rows, nanos, uploads, missingFiles(source.connection()));
      }
    }
  }

  private long copy(
      Connection from, Connection to, String table, List<Column> columns, Map<String, Long> rows)
      throws SQLException {
    long total = rows.get(table);
    long started = System.nanoTime();
    long[] shown = {started};
    long copied =
        TableCopy.copy(
            from,
            to,
            table,
            columns,
            batch,
            n -> {
              long now = System.nanoTime();
              if (now - shown[0] >= PROGRESS_EVERY_NANOS) {
                out.printf(Locale.ROOT, "%s: %,d of %,d rows …%n", table, n, total);
                shown[0] = now;
              }
            });
    long nanos = Math.max(1, System.nanoTime() - started);
    out.printf(
        Locale.ROOT,
        "%s: %,d rows in %.1f s (%,d rows/s)%n",
        table,
        copied,
        nanos / 1e9,
        (long) (copied * 1e9 / nanos));
    return copied;
  }

  /**
   * The target's tables in the order to fill them; refuses when the two schemas do not hold the
   * same tables with the same columns (a migration written for one database only).
   */
  static Map<String, List<Column>> plan(
      Map<String, List<String>> source, Map<String, List<Column>> target) {
    Set<String> onlySource = new TreeSet<>(source.keySet());
    onlySource.removeAll(target.keySet());
    Set<String> onlyTarget = new TreeSet<>(target.keySet());
    onlyTarget.removeAll(source.keySet());
    List<String> problems = new ArrayList<>();
    if (!onlySource.isEmpty()) {
      problems.add("tables only in SQLite: " + String.join(", ", onlySource));
    }
    if (!onlyTarget.isEmpty()) {
      problems.add("tables only in PostgreSQL: " + String.join(", ", onlyTarget));
    }
    for (Map.Entry<String, List<Column>> t : target.entrySet()) {
      List<String> from = source.get(t.getKey());
      if (from == null) {
        continue;
      }
      Set<String> to = new HashSet<>();
      t.getValue().forEach(c -> to.add(c.name()));
      if (!to.equals(new HashSet<>(from))) {
        problems.add(
            t.getKey()
                + " has columns "
                + new TreeSet<>(from)
                + " in SQLite, "
                + new TreeSet<>(to)
                + " in PostgreSQL");
      }
    }
    if (!problems.isEmpty()) {
      throw new Refusal(
          "the SQLite and PostgreSQL schemas of this Banter differ ("
              + String.join("; ", problems)
              + "); nothing was copied");
    }
    return target;
  }

  private long missingFiles(Connection source) throws SQLException {
    if (uploadDir == null) {
      return 0;
    }
    long missing = 0;
    try (Statement s = source.createStatement();
        ResultSet rs = s.executeQuery(UPLOADED_FILES)) {
      while (rs.next()) {
        if (!Files.isRegularFile(uploadDir.resolve(rs.getString(1)))) {
          missing++;
        }
      }
    }
    return missing;
  }

  /** The copy does not match its source; it was rolled back. */
  static final class CopyMismatch extends RuntimeException {
    private final List<String> differences;

    CopyMismatch(List<String> differences) {
      super("the copy does not match the source: " + String.join("; ", differences));
      this.differences = List.copyOf(differences);
    }

    List<String> differences() {
      return differences;
    }
  }
}
