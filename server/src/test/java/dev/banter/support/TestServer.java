package dev.banter.support;

import dev.banter.Banter;
import dev.banter.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;

/**
 * A real Banter started in this JVM on a free port, with its own data dir and (for PostgreSQL)
 * database.
 */
public final class TestServer implements AutoCloseable {
  /**
   * The JWT secret every test server uses, so tests can forge and inspect tokens (random-looking:
   * start-up refuses placeholders and low-entropy secrets).
   */
  public static final String JWT_SECRET = "kswyF4jpJlEC5fAEn+SfQzd/ie3RzcDiJVkIVobAVQyr";

  private final Backend backend;
  private final Path dataDir;
  private final String databaseUrl;
  private final boolean sharedDatabase;
  private final Map<String, String> env;
  private Banter banter;
  private Jdbi jdbi;
  private final Events events = new Events();

  private TestServer(Backend backend, Map<String, String> overrides) {
    this.backend = backend;
    try {
      this.dataDir = Files.createTempDirectory("banter-test-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // A given BANTER_DATABASE_URL is shared with another test server (a second node): not ours to
    // drop.
    this.sharedDatabase = overrides.get("BANTER_DATABASE_URL") != null;
    this.databaseUrl =
        sharedDatabase
            ? overrides.get("BANTER_DATABASE_URL")
            : backend == Backend.POSTGRES ? Postgres.createDatabase() : null;
    env = new HashMap<>();
    env.put("BANTER_HOST", "127.0.0.1");
    env.put("BANTER_PORT", "0");
    env.put("BANTER_DATA_DIR", dataDir.toString());
    env.put("BANTER_JWT_SECRET", JWT_SECRET);
    env.put("BANTER_AUTH_RATE", "100000");
    env.put("BANTER_HTTP_RATE", "100000");
    // the per-user budgets (sends included: REST posts spend them too) have tests of their own
    env.put("BANTER_USER_RATE_SCALE", "1000");
    env.put("BANTER_MESSAGE_RATE", "100000");
    env.put("BANTER_MESSAGE_BURST", "100000");
    env.put("BANTER_LOG_FORMAT", "text");
    if (databaseUrl != null) {
      env.put("BANTER_DATABASE_URL", databaseUrl);
    }
    env.putAll(overrides);
    env.values().removeIf(v -> v == null);
  }

  public static TestServer start(Backend backend) {
    return start(backend, Map.of());
  }

  public static TestServer start(Backend backend, Map<String, String> overrides) {
    TestServer s = new TestServer(backend, overrides);
    s.boot();
    return s;
  }

  private void boot() {
    try {
      banter = Banter.start(new ConfigLoader(env, false).load());
      banter.bus().subscribe(events::record);
    } catch (Exception e) {
      throw new IllegalStateException("test server did not start", e);
    }
  }

  /** Stops and starts the server again on the same data (a restart). */
  public void restart() {
    banter.close();
    if (jdbi != null) {
      jdbi = null;
    }
    boot();
  }

  /** Every event this server published since it started. */
  public Events events() {
    return events;
  }

  /** The postgresql:// URL of this server's database (PostgreSQL only), for a second node. */
  public String databaseUrl() {
    return databaseUrl;
  }

  public Banter banter() {
    return banter;
  }

  public Backend backend() {
    return backend;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + banter.port();
  }

  public int port() {
    return banter.port();
  }

  public Path dataDir() {
    return dataDir;
  }

  public Api api() {
    return new Api(baseUrl());
  }

  /** A direct connection to the server's database, to check what was (not) stored. */
  public Jdbi db() {
    if (jdbi == null) {
      jdbi =
          backend == Backend.POSTGRES
              ? Jdbi.create(
                  "jdbc:"
                      + databaseUrl.replace("postgresql://" + Postgres.USER + "@", "postgresql://"),
                  Postgres.USER,
                  "")
              : Jdbi.create("jdbc:sqlite:" + dataDir.resolve("banter.db"));
    }
    return jdbi;
  }

  public long count(String table) {
    return db().withHandle(
            h -> h.createQuery("SELECT count(*) FROM " + table).mapTo(Long.class).one());
  }

  @Override
  public void close() {
    if (banter != null) {
      banter.close();
    }
    if (databaseUrl != null && !sharedDatabase) {
      Postgres.dropDatabase(databaseUrl);
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // temp files; nothing to do
    }
  }

  /** The test DSL for a server running elsewhere (another process). */
  public record RemoteApi(String baseUrl) {
    public Api api() {
      return new Api(baseUrl);
    }
  }
}
