package dev.banter.ops;

import dev.banter.core.Metrics;
import dev.banter.http.HttpServer;
import dev.banter.http.Request;
import dev.banter.http.Response;
import dev.banter.http.Routes;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics}: the Prometheus text exposition of {@link Metrics}. Rendering every series
 * costs milliseconds of CPU and the route needs no login, so one rendering serves every scrape for
 * {@link #FRESH_FOR_NANOS}: a flood of scrapes costs one rendering a second (Prometheus scrapes
 * every 15 s or so; a second-old answer tells it nothing different).
 */
public final class MetricsRoutes {
  private static final Logger log = LoggerFactory.getLogger(MetricsRoutes.class);
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  static final long FRESH_FOR_NANOS = 1_000_000_000L;
  private final Metrics metrics;

  private record Rendered(byte[] bytes, long at) {}

  private volatile Rendered last =
      new Rendered(new byte[0], System.nanoTime() - 2 * FRESH_FOR_NANOS);

  public MetricsRoutes(Metrics metrics) {
    this.metrics = metrics;
  }

  /**
   * {@code /metrics} on the main port: for loopback and trusted-proxy peers only (SPEC §11),
   * whether or not it has a port of its own too, since the main port is the one the world reaches.
   */
  public void mount(Routes r) {
    // the per-IP API budget: a scrape renders every series (CPU), and /metrics needs no login
    r.get("/metrics", this::scrape).open().insideOnly();
  }

  /**
   * BANTER_METRICS_PORT: a listener of its own that serves {@code /metrics} and nothing else, to
   * whoever reaches its port (keep that port off the internet: the network decides here). It shares
   * this instance's rendering, so scrapes of both ports cost one rendering a second, and is not
   * limited per IP for that reason.
   */
  public HttpServer listen(HttpServer.Listen listen, HttpServer.Limits limits, Executor blocking)
      throws InterruptedException {
    Routes own = new Routes();
    own.get("/metrics", this::scrape).open().unlimited();
    HttpServer server =
        HttpServer.startBeside(
            listen,
            new HttpServer.Handlers(own, null, null, null, blocking, null, null, null),
            limits,
            metrics);
    log.info("/metrics has a port of its own: {}", server.port());
    return server;
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
