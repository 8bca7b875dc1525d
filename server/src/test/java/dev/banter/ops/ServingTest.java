package dev.banter.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.banter.support.Api.Reply;
import dev.banter.support.Backend;
import dev.banter.support.Postgres;
import dev.banter.support.SelfSignedCert;
import dev.banter.support.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readiness follows the database; TLS (with HSTS) is served when a certificate is configured. */
class ServingTest {
  @TempDir Path tmp;

  @Test
  void readinessTurns503WhenTheDatabaseGoesAway() {
    try (TestServer server = TestServer.start(Backend.POSTGRES)) {
      assertThat(server.api().get("/ready", null).status()).isEqualTo(200);
      String url =
          server
              .db()
              .withHandle(
                  h -> h.createQuery("SELECT current_database()").mapTo(String.class).one());
      Postgres.dropDatabase("x/" + url);
      Reply ready = server.api().get("/ready", null);
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.errorCode()).isEqualTo("unavailable");
      assertThat(ready.json().at("/error/details/database").asText()).isEqualTo("down");
      assertThat(server.api().get("/health", null).status()).isEqualTo(200);
    }
  }

  @Test
  void withACertificateTheServerSpeaksHttps() throws Exception {
    SelfSignedCert tls = SelfSignedCert.create(tmp);
    Path cert = tls.cert();
    Path key = tls.key();

    try (TestServer server =
        TestServer.start(
            Backend.SQLITE,
            Map.of("BANTER_TLS_CERT", cert.toString(), "BANTER_TLS_KEY", key.toString()))) {
      HttpClient client = HttpClient.newBuilder().sslContext(tls.trusting()).build();
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/health"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("up");
      assertThat(r.headers().firstValue("Strict-Transport-Security"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("max-age="));
    }
  }
}
