package dev.banter.bench;

import dev.banter.core.UserLimits;

import dev.banter.auth.AccessTokens;
import dev.banter.auth.AuthService;
import dev.banter.auth.LoginThrottle;
import dev.banter.auth.Revocations;
import dev.banter.cluster.LocalBus;
import dev.banter.config.Config;
import dev.banter.config.ConfigLoader;
import dev.banter.core.Principal;
import dev.banter.rooms.RoomService;
import dev.banter.store.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** Banter's storage and services in this process — SQLite in a temp dir, or a given PostgreSQL — for in-process scenarios. */
public final class InProcess implements AutoCloseable {
  public final Clock clock = Clock.systemUTC();
  public final LocalBus bus = new LocalBus();
  public final Config config;
  public final Database db;
  public final RoomService rooms;
  public final AccessTokens tokens;
  public final AuthService auth;
  private final Revocations revocations;
  /** The temporary data directory, removed on close. */
  private final Path dataDir;

  /** @param databaseUrl a PostgreSQL URL, or null for SQLite in a temporary data directory */
  public InProcess(String databaseUrl) throws IOException {
    dataDir = Files.createTempDirectory("banter-bench-");
    Map<String, String> env = new HashMap<>();
    env.put("BANTER_DATA_DIR", dataDir.toString());
    env.put("BANTER_JWT_SECRET", "bench-secret-bench-secret-bench-secret-00");
    if (databaseUrl != null) {
      env.put("BANTER_DATABASE_URL", databaseUrl);
    }
    config = new ConfigLoader(env, false).load();
    db = Database.open(config);
    rooms = new RoomService(db, bus, clock, u -> false, UserLimits.unlimited());
    rooms.ensureDefaultRoom();
    revocations = new Revocations(db, bus, clock, Duration.ofMinutes(15));
    tokens = new AccessTokens(config.jwtSecret().orElseThrow(), Duration.ofMinutes(15), clock, revocations);
    auth = new AuthService(db, tokens, Duration.ofDays(1), Set.of(), false,
        LoginThrottle.perMinute(1_000_000, () -> { }), clock, (h, u) -> { }, revocations);
  }

  String store() {
    return db.dialect() == dev.banter.store.Dialect.SQLITE ? "sqlite" : "postgresql";
  }

  /** A new user, as the caller of services. */
  public Principal register(String username) {
    var s = auth.register(username, "bench-password", null);
    return new Principal(s.user().id(), s.user().username(), s.user().role(), false);
  }

  @Override
  public void close() {
    revocations.close();
    db.close();
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      System.err.println("banter-bench: could not remove " + dataDir + ": " + e);
    }
  }
}
