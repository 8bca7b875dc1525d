package dev.banter.ops;

import dev.banter.cluster.EventBus;
import dev.banter.cluster.LocalBus;
import dev.banter.core.ApiError;
import dev.banter.http.Request;
import dev.banter.http.Routes;
import dev.banter.store.Database;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Liveness ({@code /health}, {@code /healthz}) and readiness ({@code /ready}) of SPEC §6. */
public final class HealthRoutes {
  private final Database db;
  private final EventBus bus;
  private final BooleanSupplier draining;

  /**
   * @param draining true once a graceful shutdown started: readiness turns 503 first
   */
  public HealthRoutes(Database db, EventBus bus, BooleanSupplier draining) {
    this.db = db;
    this.bus = bus;
    this.draining = draining;
  }

  public void mount(Routes r) {
    r.get("/health", this::health).open().unlimited();
    r.get("/healthz", this::health).open().unlimited();
    r.get("/ready", this::ready).open(); // asks storage and Redis: spends the per-IP API budget
  }

  Object health(Request req) {
    return Map.of("status", "up");
  }

  Object ready(Request req) {
    Map<String, Object> checks = new LinkedHashMap<>();
    if (draining.getAsBoolean()) {
      throw ApiError.unavailable("shutting down", Map.of("draining", true));
    }
    boolean database = db.isHealthy();
    checks.put("database", database ? "up" : "down");
    String busProblem = bus.problem();
    if (!(bus instanceof LocalBus)) {
      checks.put("redis", busProblem == null ? "up" : "down");
    }
    if (!database || busProblem != null) {
      // Degraded: this node still serves its own clients, but a load balancer should prefer others.
      throw ApiError.unavailable(database ? "degraded: " + busProblem : "not ready", checks);
    }
    return Map.of("status", "ready", "checks", checks);
  }
}
