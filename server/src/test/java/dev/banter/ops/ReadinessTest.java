package dev.banter.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.banter.cluster.LocalBus;
import dev.banter.config.ConfigLoader;
import dev.banter.core.Metrics;
import dev.banter.core.RateLimiter;
import dev.banter.http.HttpServer;
import dev.banter.http.Routes;
import dev.banter.store.Database;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readiness turns 503 as soon as a graceful shutdown starts, while liveness stays 200. */
class ReadinessTest {
  @TempDir Path dir;

  @Test
  void drainingMakesReadinessFailFirst() throws Exception {
    AtomicBoolean draining = new AtomicBoolean();
    try (Database db =
            Database.open(
                new ConfigLoader(Map.of("BANTER_DATA_DIR", dir.toString()), false).load());
        var blocking = Executors.newVirtualThreadPerTaskExecutor()) {
      Routes routes = new Routes();
      new HealthRoutes(db, new LocalBus(), () -> null, draining::get).mount(routes);
      HttpServer server =
          HttpServer.start(
              new HttpServer.Listen("127.0.0.1", 0, null),
              new HttpServer.Handlers(
                  routes,
                  token -> null,
                  RateLimiter.perPeriod(1000, Duration.ofMinutes(1)),
                  RateLimiter.perPeriod(1000, Duration.ofMinutes(1)),
                  blocking,
                  null,
                  null,
                  null),
              new HttpServer.Limits(0, Duration.ofSeconds(10)),
              HttpServer.Edge.DIRECT,
              new Metrics("test"));
      try {
        HttpClient http = HttpClient.newHttpClient();
        URI ready = URI.create("http://127.0.0.1:" + server.port() + "/ready");
        URI health = URI.create("http://127.0.0.1:" + server.port() + "/health");
        assertThat(
                http.send(
                        HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode())
            .isEqualTo(200);
        draining.set(true);
        HttpResponse<String> r =
            http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(new ObjectMapper().readTree(r.body()).at("/error/details/draining").asBoolean())
            .isTrue();
        assertThat(
                http.send(
                        HttpRequest.newBuilder(health).build(),
                        HttpResponse.BodyHandlers.ofString())
                    .statusCode())
            .isEqualTo(200);
      } finally {
        server.close();
      }
    }
  }
}
