package dev.banter.ops;

import dev.banter.cluster.EventBus;
import dev.banter.cluster.LocalBus;
import dev.banter.core.ApiError;
import dev.banter.http.Request;
import dev.banter.http.Routes;
import dev.banter.store.Database;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Liveness ({@code /health}, {@code /healthz}) and readiness ({@code /ready}) of SPEC §6. */
public final class HealthRoutes {
  private final Database db;
  private final EventBus bus;
  private final Supplier<String> uploads;
  private final BooleanSupplier draining;

  /**
   * @param uploads why uploads cannot be stored now (naming the setting), or null when they can
   * @param draining true once a graceful shutdown started: readiness turns 503 first
   */
  public HealthRoutes(
      Database db, EventBus bus, Supplier<String> uploads, BooleanSupplier draining) {
    this.db = db;
    this.bus = bus;
    this.uploads = uploads;
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
    List<String> degraded = new ArrayList<>();
    String busProblem = bus.problem();
    if (!(bus instanceof LocalBus)) {
      checks.put("redis", busProblem == null ? "up" : "down");
    }
    if (busProblem != null) {
      degraded.add(busProblem);
    }
    String uploadProblem = uploads.get();
    checks.put("uploads", uploadProblem == null ? "up" : "down");
    if (uploadProblem != null) {
      checks.put("upload_store", uploadProblem);
      degraded.add("uploads cannot be stored (" + uploadProblem + ")");
    }
    if (!database || !degraded.isEmpty()) {
      // Degraded: this node still serves its own clients, but a load balancer should prefer others.
      throw ApiError.unavailable(
          database ? "degraded: " + String.join("; ", degraded) : "not ready", checks);
    }
    return Map.of("status", "ready", "checks", checks);
  }
}
