package dev.banter.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.banter.support.Api;
import dev.banter.support.Api.Reply;
import dev.banter.support.Backend;
import dev.banter.support.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The web client is served from the jar, with a CSP that forbids inline scripts and with ETags. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StaticFilesTest {
  TestServer server;
  Api api;

  @BeforeAll
  void start() {
    server = TestServer.start(Backend.SQLITE);
    api = server.api();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void theClientIsServedAtTheRootWithAContentSecurityPolicy() {
    Reply r = api.get("/", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("text/html");
    assertThat(r.raw().body()).contains("<title>Banter</title>");
    String csp = r.header("Content-Security-Policy");
    assertThat(csp).contains("script-src 'self'").doesNotContain("unsafe-inline").contains("object-src 'none'");
    assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
    assertThat(r.header("ETag")).isNotBlank();
  }

  @Test
  void anUnchangedFileIsA304() throws Exception {
    String etag = api.get("/", null).header("ETag");
    HttpResponse<String> again = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(server.baseUrl() + "/")).header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
  }

  @Test
  void missingFilesAndEscapesAre404AndApiPathsStayJson() {
    assertThat(api.get("/nope.js", null).status()).isEqualTo(404);
    assertThat(api.get("/..%2f..%2fetc/passwd", null).status()).isEqualTo(404);
    assertThat(api.get("/%2e%2e/banter.db", null).status()).isEqualTo(404);
    assertThat(api.get("/db/migration/sqlite/V1__schema.sql", null).status()).isEqualTo(404);
    Reply api404 = api.get("/api/v1/nothing", null);
    assertThat(api404.status()).isEqualTo(404);
    assertThat(api404.errorCode()).isEqualTo("not_found");
  }
}
