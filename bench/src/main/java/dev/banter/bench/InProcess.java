package dev.banter.bench;

import dev.banter.auth.AccessTokens;
import dev.banter.auth.AuthService;
import dev.banter.auth.DisabledUsers;
import dev.banter.cluster.LocalBus;
import dev.banter.config.Config;
import dev.banter.config.ConfigLoader;
import dev.banter.core.Principal;
import dev.banter.core.RateLimiter;
import dev.banter.rooms.RoomService;
import dev.banter.store.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Banter's storage and services in this process — SQLite in a temp dir, or a given PostgreSQL — for in-process scenarios. */
final class InProcess implements AutoCloseable {
  final Clock clock = Clock.systemUTC();
  final LocalBus bus = new LocalBus();
  final Database db;
  final RoomService rooms;
  final AuthService auth;

  /** @param databaseUrl a PostgreSQL URL, or null for SQLite in a temporary data directory */
  InProcess(String databaseUrl) throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("BANTER_DATA_DIR", Files.createTempDirectory("banter-bench-").toString());
    env.put("BANTER_JWT_SECRET", "bench-secret-bench-secret-bench-secret-00");
    if (databaseUrl != null) {
      env.put("BANTER_DATABASE_URL", databaseUrl);
    }
    Config config = new ConfigLoader(env, false).load();
    db = Database.open(config);
    rooms = new RoomService(db, bus, clock, u -> false);
    rooms.ensureDefaultRoom();
    auth = new AuthService(db, new AccessTokens(config.jwtSecret().orElseThrow(), Duration.ofMinutes(15), clock),
        Duration.ofDays(1), Set.of(), false, RateLimiter.perPeriod(1_000_000, Duration.ofMinutes(1)), clock,
        (h, u) -> { }, bus, new DisabledUsers(db, bus));
  }

  String store() {
    return db.dialect() == dev.banter.store.Dialect.SQLITE ? "sqlite" : "postgresql";
  }

  /** A new user, as the caller of services. */
  Principal register(String username) {
    var s = auth.register(username, "bench-password", null);
    return new Principal(s.user().id(), s.user().username(), s.user().role(), false);
  }

  @Override
  public void close() {
    db.close();
  }
}
