package dev.banter.bench;

import dev.banter.Services;
import dev.banter.auth.AccessTokens;
import dev.banter.auth.AuthService;
import dev.banter.cluster.Cluster;
import dev.banter.cluster.EventBus;
import dev.banter.cluster.LocalBus;
import dev.banter.cluster.LocalPresence;
import dev.banter.config.Config;
import dev.banter.config.ConfigLoader;
import dev.banter.core.Metrics;
import dev.banter.core.Principal;
import dev.banter.rooms.RoomService;
import dev.banter.store.Database;
import dev.banter.store.Dialect;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Banter's storage and services in this process — SQLite in a temp dir, or a given PostgreSQL — for
 * in-process scenarios: the server's own assembly ({@link Services}) on one node, with the per-user
 * and per-IP budgets out of the way (a benchmark is one very busy user).
 */
public final class InProcess implements AutoCloseable {
  public final Clock clock = Clock.systemUTC();
  public final Config config;
  public final Database db;
  public final Cluster cluster = new Cluster(new LocalBus(), new LocalPresence());
  public final EventBus bus = cluster.bus();
  public final Services services;
  public final RoomService rooms;
  public final AccessTokens tokens;
  public final AuthService auth;

  /** The temporary data directory, removed on close. */
  private final Path dataDir;

  /**
   * @param databaseUrl a PostgreSQL URL, or null for SQLite in a temporary data directory
   */
  public InProcess(String databaseUrl) throws IOException {
    this(databaseUrl, Map.of());
  }

  /**
   * @param settings BANTER_* settings on top of the bench's own
   */
  public InProcess(String databaseUrl, Map<String, String> settings) throws IOException {
    dataDir = Files.createTempDirectory("banter-bench-");
    Map<String, String> env = new HashMap<>();
    env.put("BANTER_DATA_DIR", dataDir.toString());
    env.put("BANTER_JWT_SECRET", "A0BSdMjOB6Zv/vosEnygUqWwNsXM00oWkSAgR3aSo/tJ");
    env.put("BANTER_USER_RATE_SCALE", "1000000");
    env.put("BANTER_MESSAGE_RATE", "1000000");
    env.put("BANTER_MESSAGE_BURST", "1000000");
    env.put("BANTER_AUTH_RATE", "1000000");
    if (databaseUrl != null) {
      env.put("BANTER_DATABASE_URL", databaseUrl);
    }
    env.putAll(settings);
    config = new ConfigLoader(env, false).load();
    db = Database.open(config);
    try {
      services = Services.start(config, db, cluster, clock, new Metrics("bench"));
    } catch (Exception e) {
      db.close();
      throw new IOException("could not start the services", e);
    }
    rooms = services.rooms();
    tokens = services.tokens();
    auth = services.auth();
  }

  String store() {
    return db.dialect() == Dialect.SQLITE ? "sqlite" : "postgresql";
  }

  /** A new user, as the caller of services. */
  public Principal register(String username) {
    var s = auth.register(username, "bench-password", null, null);
    return new Principal(s.user().id(), s.user().username(), s.user().role(), false);
  }

  /** A new user's access token (for a WebSocket's {@code auth}). */
  public String registerForToken(String username) {
    return auth.register(username, "bench-password", null, null).accessToken();
  }

  @Override
  public void close() {
    services.close();
    cluster.close();
    db.close();
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      System.err.println("banter-bench: could not remove " + dataDir + ": " + e);
    }
  }
}
