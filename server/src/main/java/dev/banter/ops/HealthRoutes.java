package dev.banter.ops;

import dev.banter.core.ApiError;
import dev.banter.http.Request;
import dev.banter.http.Routes;
import dev.banter.store.Database;
import java.util.LinkedHashMap;
import java.util.Map;

/** Liveness ({@code /health}, {@code /healthz}) and readiness ({@code /ready}) of SPEC §6. */
public final class HealthRoutes {
  private final Database db;

  public HealthRoutes(Database db) {
    this.db = db;
  }

  public void mount(Routes r) {
    r.get("/health", this::health).open().unlimited();
    r.get("/healthz", this::health).open().unlimited();
    r.get("/ready", this::ready).open().unlimited();
  }

  Object health(Request req) {
    return Map.of("status", "up");
  }

  Object ready(Request req) {
    Map<String, Object> checks = new LinkedHashMap<>();
    boolean database = db.isHealthy();
    checks.put("database", database ? "up" : "down");
    if (!database) {
      throw ApiError.unavailable("not ready", checks);
    }
    return Map.of("status", "ready", "checks", checks);
  }
}
