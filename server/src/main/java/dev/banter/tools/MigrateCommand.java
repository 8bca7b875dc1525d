package dev.banter.tools;

import dev.banter.config.Config;
import dev.banter.config.ConfigException;
import dev.banter.config.DatabaseUrl;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code banter migrate --to URL}: moves a single node's SQLite data into an empty PostgreSQL
 * database, for a cluster to run on (docs/operations.md, "Scaling from one node to many").
 */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description = {
      "Copies this node's SQLite database (in BANTER_DATA_DIR, as the server opens it) into an"
          + " empty PostgreSQL database, checks the copy, and commits it. Stop the server first;"
          + " an older SQLite schema is brought up to date first, as the server would at start.",
      "Exit codes: 0 copied and checked; 2 refused, nothing copied (bad URL, target not empty,"
          + " no or newer source database); 1 the copy failed or did not check out (rolled"
          + " back)."
    })
public final class MigrateCommand implements Callable<Integer> {
  static final int EXIT_FAILED = 1;
  static final int EXIT_REFUSED = 2;

  @Spec CommandSpec spec;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "URL",
      description =
          "the PostgreSQL database: postgresql://user:pass@host:port/db or jdbc:postgresql:…")
  String to;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "the data directory to copy (default: BANTER_DATA_DIR, else ./data)")
  Path dataDir;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "YAML file of BANTER_* settings (or BANTER_CONFIG)")
  Path configFile;

  @Option(
      names = "--batch",
      paramLabel = "ROWS",
      defaultValue = "1000",
      description = "rows per INSERT batch (default: ${DEFAULT-VALUE})")
  int batch;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (batch < 1) {
      err.println("banter migrate: --batch must be at least 1");
      return EXIT_REFUSED;
    }
    Config config;
    DatabaseUrl url;
    try {
      config = ToolConfig.load(spec, configFile, dataDir);
    } catch (ConfigException e) {
      err.println("banter migrate: configuration error: " + e.getMessage());
      return EXIT_REFUSED;
    }
    try {
      url = DatabaseUrl.parse(to);
    } catch (IllegalArgumentException e) {
      err.println(
          "banter migrate: --to: cannot parse the database URL: "
              + e.getMessage()
              + " (expected postgresql://user:pass@host:port/db or jdbc:postgresql://host:port/db)");
      return EXIT_REFUSED;
    }
    Path uploads = config.s3().isPresent() ? null : config.uploadDir().toAbsolutePath();
    Migration.Result result;
    try {
      result = new Migration(config.dataDir(), url, batch, uploads, out).run();
    } catch (Refusal e) {
      err.println("banter migrate: " + e.getMessage());
      return EXIT_REFUSED;
    } catch (Migration.CopyMismatch e) {
      err.println("banter migrate: the copy does not match the source; it was rolled back:");
      e.differences().forEach(d -> err.println("  " + d));
      return EXIT_FAILED;
    } catch (SQLException | RuntimeException e) {
      err.println(
          "banter migrate: the copy failed and was rolled back (the target holds no data; run"
              + " again once the cause is fixed): "
              + e.getMessage());
      return EXIT_FAILED;
    }
    out.printf(
        Locale.ROOT,
        "done: %,d rows in %.1f s (%,d rows/s), committed to %s%n",
        result.rows(),
        result.nanos() / 1e9,
        (long) (result.rows() * 1e9 / Math.max(1, result.nanos())),
        url.redacted());
    nextSteps(config, uploads, result, out);
    return 0;
  }

  private static void nextSteps(
      Config config, Path uploads, Migration.Result result, PrintWriter out) {
    String records =
        String.format(
            Locale.ROOT,
            "uploads: %,d %s copied; the files stay in ",
            result.uploads(),
            result.uploads() == 1 ? "record" : "records");
    if (uploads == null) {
      out.println(
          records
              + "the bucket "
              + config.s3().get().bucket()
              + ": give every node the same BANTER_S3_* settings");
    } else {
      out.println(
          records
              + uploads
              + (result.missingFiles() > 0
                  ? " (" + result.missingFiles() + " of them are not there)"
                  : "")
              + ": every node must read and write that folder; set BANTER_UPLOAD_DIR on every node"
              + " to it on a shared mount, or copy it to one and point BANTER_UPLOAD_DIR there");
    }
    out.println(
        "next: start the nodes with BANTER_DATABASE_URL set to the target (and BANTER_REDIS_URL,"
            + " one BANTER_JWT_SECRET); sessions were copied: clients refresh their tokens and"
            + " stay signed in; keep "
            + config.dataDir().toAbsolutePath()
            + " until the cluster runs");
  }
}
