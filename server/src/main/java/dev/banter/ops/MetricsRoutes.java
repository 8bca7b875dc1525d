package dev.banter.ops;

import dev.banter.core.Metrics;
import dev.banter.http.Request;
import dev.banter.http.Response;
import dev.banter.http.Routes;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** {@code GET /metrics}: the Prometheus text exposition of {@link Metrics}. */
public final class MetricsRoutes {
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private final Metrics metrics;

  public MetricsRoutes(Metrics metrics) {
    this.metrics = metrics;
  }

  public void mount(Routes r) {
    r.get("/metrics", this::scrape).open().unlimited();
  }

  Object scrape(Request req) {
    return Response.bytes(200, metrics.scrape().getBytes(StandardCharsets.UTF_8), PROMETHEUS_TEXT, Map.of());
  }
}
