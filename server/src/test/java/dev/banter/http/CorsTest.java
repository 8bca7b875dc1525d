package dev.banter.http;

import static dev.banter.http.TrustedProxiesTest.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.banter.support.Api.Account;
import dev.banter.support.Backend;
import dev.banter.support.RawHttp;
import dev.banter.support.TestServer;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * SPEC §11: the REST API answers CORS preflights and adds {@code Access-Control-Allow-Origin} for
 * the origins in BANTER_ALLOWED_ORIGINS only; {@code Strict-Transport-Security} goes out when the
 * client speaks HTTPS to a trusted proxy (TLS on the server's own socket: {@code ServingTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CorsTest {
  private static final String ALLOWED = "https://chat.example";
  TestServer server;

  @BeforeAll
  void start() {
    server =
        TestServer.start(
            Backend.SQLITE,
            Map.of(
                "BANTER_ALLOWED_ORIGINS",
                ALLOWED + ", http://localhost:3000",
                "BANTER_TRUSTED_PROXIES",
                "127.0.0.1"));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void aPreflightFromAnAllowedOriginIsAnswered204WithWhatItMaySend() throws Exception {
    RawHttp.Reply r =
        send(
            "127.0.0.1",
            "OPTIONS",
            "/api/v1/rooms",
            "Origin: " + ALLOWED,
            "Access-Control-Request-Method: POST",
            "Access-Control-Request-Headers: authorization, content-type");
    assertThat(r.status()).isEqualTo(204);
    assertThat(r.headers().get("access-control-allow-origin")).isEqualTo(ALLOWED);
    assertThat(r.headers().get("vary")).containsIgnoringCase("origin");
    assertThat(r.headers().get("access-control-allow-methods")).contains("GET", "POST");
    assertThat(r.headers().get("access-control-allow-headers"))
        .contains("Authorization", "Content-Type");
    assertThat(Integer.parseInt(r.headers().get("access-control-max-age"))).isPositive();
    assertThat(r.headers()).doesNotContainKey("access-control-allow-credentials");
  }

  @Test
  void aPreflightFromAnotherOriginGetsNoCorsHeaders() throws Exception {
    RawHttp.Reply r =
        send(
            "127.0.0.1",
            "OPTIONS",
            "/api/v1/rooms",
            "Origin: https://evil.example",
            "Access-Control-Request-Method: POST");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.headers().keySet()).noneMatch(h -> h.startsWith("access-control-"));
  }

  @Test
  void answersToAnAllowedOriginCarryItsOriginErrorsIncluded() throws Exception {
    Account alice = server.api().register("alice");
    RawHttp.Reply ok =
        send(
            "127.0.0.1",
            "GET",
            "/api/v1/rooms",
            "Origin: http://localhost:3000",
            "Authorization: Bearer " + alice.accessToken());
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.headers().get("access-control-allow-origin")).isEqualTo("http://localhost:3000");
    assertThat(ok.headers().get("access-control-expose-headers")).contains("X-Request-Id");
    assertThat(ok.headers().get("vary")).containsIgnoringCase("origin");
    RawHttp.Reply refused = send("127.0.0.1", "GET", "/api/v1/rooms", "Origin: " + ALLOWED);
    assertThat(refused.status()).isEqualTo(401); // the page can read why
    assertThat(refused.headers().get("access-control-allow-origin")).isEqualTo(ALLOWED);
  }

  @Test
  void answersToAnotherOriginCarryNoCorsHeaders() throws Exception {
    RawHttp.Reply r = send("127.0.0.1", "GET", "/api/v1/rooms", "Origin: https://evil.example");
    assertThat(r.headers().keySet()).noneMatch(h -> h.startsWith("access-control-"));
    assertThat(r.headers().get("vary"))
        .as("caches keep the answers apart")
        .containsIgnoringCase("origin");
    RawHttp.Reply health = send("127.0.0.1", "GET", "/health", "Origin: " + ALLOWED);
    assertThat(health.headers().keySet())
        .as("only the REST API")
        .noneMatch(h -> h.startsWith("access-control-"));
  }

  @Test
  void aWildcardIsAnsweredWithTheCallersOriginNeverAStar() throws Exception {
    try (TestServer open =
        TestServer.start(Backend.SQLITE, Map.of("BANTER_ALLOWED_ORIGINS", "*"))) {
      try (RawHttp c = RawHttp.connect(null, open.port(), 0)) {
        c.send(
            request(
                "OPTIONS",
                "/api/v1/rooms",
                "Origin: https://anyone.example",
                "Access-Control-Request-Method: GET"));
        RawHttp.Reply r = c.read();
        assertThat(r.status()).isEqualTo(204);
        assertThat(r.headers().get("access-control-allow-origin"))
            .isEqualTo("https://anyone.example");
      }
    }
  }

  @Test
  void hstsGoesOutWhenATrustedProxySaysTheClientSpokeHttps() throws Exception {
    String hsts = "strict-transport-security";
    assertThat(send("127.0.0.1", "GET", "/health", "X-Forwarded-Proto: https").headers().get(hsts))
        .startsWith("max-age=");
    assertThat(
            send("127.0.0.1", "GET", "/api/v1/rooms", "Forwarded: for=203.0.113.9;proto=https")
                .headers())
        .containsKey(hsts);
    assertThat(send("127.0.0.1", "GET", "/health", "X-Forwarded-Proto: http").headers())
        .doesNotContainKey(hsts);
    assertThat(send("127.0.0.1", "GET", "/health").headers()).doesNotContainKey(hsts);
    assertThat(send("127.0.0.2", "GET", "/health", "X-Forwarded-Proto: https").headers())
        .as("an untrusted peer's word counts for nothing")
        .doesNotContainKey(hsts);
  }

  private RawHttp.Reply send(String peer, String method, String path, String... headers)
      throws IOException {
    try (RawHttp c = RawHttp.connect(peer, server.port(), 0)) {
      c.send(request(method, path, headers));
      return c.read();
    }
  }
}
