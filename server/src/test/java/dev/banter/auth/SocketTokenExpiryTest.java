package dev.banter.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Backend;
import dev.banter.support.TestServer;
import dev.banter.support.WsClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A WebSocket lives as long as its access token: past it, 4001, unless the client sent a fresh one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SocketTokenExpiryTest {
  TestServer server;
  Api api;

  @BeforeAll
  void start() {
    server =
        TestServer.start(
            Backend.SQLITE,
            Map.of("BANTER_ACCESS_TOKEN_TTL", "2s", "BANTER_WS_PING_INTERVAL", "200ms"));
    api = server.api();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void aSocketWhoseTokenExpiresIsClosed4001() {
    Account alice = api.register("expiring");
    try (WsClient ws = WsClient.connect(server.baseUrl(), alice.accessToken())) {
      Instant opened = Instant.now();
      assertThat(ws.closeCode()).isEqualTo(4001);
      assertThat(Duration.between(opened, Instant.now())).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void aSocketGivenAFreshTokenBeforeExpiryLivesOnUntilThatOneExpires() {
    Account bob = api.register("renewing");
    Instant firstExpiry = JWT.decode(bob.accessToken()).getExpiresAtAsInstant();
    try (WsClient ws = WsClient.connect(server.baseUrl(), bob.accessToken())) {
      // renew late, as the web client does (at 80% of the lifetime)
      Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> Instant.now().isAfter(firstExpiry.minusMillis(600)));
      Account renewed =
          Api.account(
              Api.expect(
                  api.post(
                      "/api/v1/auth/refresh", Map.of("refresh_token", bob.refreshToken()), null),
                  200),
              bob.password());
      JsonNode reply = ws.request(Map.of("type", "auth", "token", renewed.accessToken()));
      assertThat(reply.path("type").asText()).isEqualTo("authenticated");
      assertThat(Instant.parse(reply.path("expires_at").asText())).isAfter(firstExpiry);
      // past the first token's expiry (and a few heartbeats) the socket is still open and answers
      Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> Instant.now().isAfter(firstExpiry.plusMillis(700)));
      assertThat(ws.isClosed()).isFalse();
      assertThat(ws.request(Map.of("type", "ping")).path("type").asText()).isEqualTo("pong");
      // and it too ends with the token it was given
      assertThat(ws.closeCode()).isEqualTo(4001);
    }
  }
}
