package dev.banter.ops;

import dev.banter.core.Metrics;
import dev.banter.http.Request;
import dev.banter.http.Response;
import dev.banter.http.Routes;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code GET /metrics}: the Prometheus text exposition of {@link Metrics}. Rendering every series
 * costs milliseconds of CPU and the route needs no login, so one rendering serves every scrape for
 * {@link #FRESH_FOR_NANOS}: a flood of scrapes costs one rendering a second (Prometheus scrapes
 * every 15 s or so; a second-old answer tells it nothing different).
 */
public final class MetricsRoutes {
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  static final long FRESH_FOR_NANOS = 1_000_000_000L;
  private final Metrics metrics;

  private record Rendered(byte[] bytes, long at) {}

  private volatile Rendered last =
      new Rendered(new byte[0], System.nanoTime() - 2 * FRESH_FOR_NANOS);

  public MetricsRoutes(Metrics metrics) {
    this.metrics = metrics;
  }

  public void mount(Routes r) {
    // the per-IP API budget: a scrape renders every series (CPU), and /metrics needs no login
    r.get("/metrics", this::scrape).open();
  }

  Object scrape(Request req) {
    return Response.bytes(200, rendered(), PROMETHEUS_TEXT, Map.of());
  }

  private byte[] rendered() {
    Rendered r = last;
    if (System.nanoTime() - r.at() < FRESH_FOR_NANOS) {
      return r.bytes();
    }
    synchronized (this) { // one rendering at a time; the others take what it made
      r = last;
      if (System.nanoTime() - r.at() >= FRESH_FOR_NANOS) {
        r = new Rendered(metrics.scrape().getBytes(StandardCharsets.UTF_8), System.nanoTime());
        last = r;
      }
      return r.bytes();
    }
  }
}
