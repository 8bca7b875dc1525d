package dev.banter.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Backend;
import dev.banter.support.TestServer;
import dev.banter.support.WsClient;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * SPEC §9 "Sessions": ending a session ends it at once — its refresh token, its access tokens and
 * its WebSockets (closed 4001) — and a WebSocket lives no longer than its access token unless the
 * client hands it a fresh one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionEndingTest {
  TestServer server;
  Api api;

  @BeforeAll
  void start() {
    // a short ping interval: the heartbeat is where a socket's token is re-checked
    server = TestServer.start(Backend.SQLITE, Map.of("BANTER_WS_PING_INTERVAL", "300ms"));
    api = server.api();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private Account signIn(Account a) {
    return Api.account(
        Api.expect(
            api.post(
                "/api/v1/auth/login",
                Map.of("username", a.username(), "password", a.password()),
                null),
            200),
        a.password());
  }

  private int meStatus(Account a) {
    return api.get("/api/v1/auth/me", a.accessToken()).status();
  }

  @Test
  void loggingOutRefusesTheSessionsAccessTokenAndClosesItsSocketAt4001() {
    Account alice = api.register("leaver");
    Account elsewhere = signIn(alice);
    try (WsClient mine = WsClient.connect(server.baseUrl(), alice.accessToken());
        WsClient other = WsClient.connect(server.baseUrl(), elsewhere.accessToken())) {
      Api.expect(
          api.post("/api/v1/auth/logout", Map.of("refresh_token", alice.refreshToken()), null),
          204);

      assertThat(mine.closeCode()).isEqualTo(4001);
      assertThat(meStatus(alice)).isEqualTo(401);
      assertThat(
              api.post("/api/v1/auth/refresh", Map.of("refresh_token", alice.refreshToken()), null)
                  .status())
          .isEqualTo(401);
      // the other sign-in of the same user goes on
      assertThat(meStatus(elsewhere)).isEqualTo(200);
      assertThat(other.request(Map.of("type", "ping")).path("type").asText()).isEqualTo("pong");
      assertThat(other.isClosed()).isFalse();
    }
  }

  @Test
  void changingThePasswordEndsEveryOtherSessionButNotTheOneThatChangedIt() {
    Account bob = api.register("changer");
    Account laptop = signIn(bob);
    Account phone = signIn(bob);
    try (WsClient current = WsClient.connect(server.baseUrl(), bob.accessToken());
        WsClient onLaptop = WsClient.connect(server.baseUrl(), laptop.accessToken());
        WsClient onPhone = WsClient.connect(server.baseUrl(), phone.accessToken())) {
      Api.expect(
          api.post(
              "/api/v1/users/me/password",
              Map.of("current_password", bob.password(), "new_password", "a brand new one"),
              bob.accessToken()),
          204);

      assertThat(onLaptop.closeCode()).isEqualTo(4001);
      assertThat(onPhone.closeCode()).isEqualTo(4001);
      assertThat(meStatus(laptop)).isEqualTo(401);
      assertThat(meStatus(phone)).isEqualTo(401);
      assertThat(
              api.post("/api/v1/auth/refresh", Map.of("refresh_token", laptop.refreshToken()), null)
                  .status())
          .isEqualTo(401);
      assertThat(meStatus(bob)).isEqualTo(200);
      assertThat(current.request(Map.of("type", "ping")).path("type").asText()).isEqualTo("pong");
      assertThat(
              api.post("/api/v1/auth/refresh", Map.of("refresh_token", bob.refreshToken()), null)
                  .status())
          .isEqualTo(200);
    }
  }

  @Test
  void reusingASpentRefreshTokenClosesTheSocketsOfThatSession() {
    Account carol = api.register("stolen");
    try (WsClient ws = WsClient.connect(server.baseUrl(), carol.accessToken())) {
      Api.expect(
          api.post("/api/v1/auth/refresh", Map.of("refresh_token", carol.refreshToken()), null),
          200);
      assertThat(
              api.post("/api/v1/auth/refresh", Map.of("refresh_token", carol.refreshToken()), null)
                  .status())
          .isEqualTo(401); // reuse: the whole family is revoked
      assertThat(ws.closeCode()).isEqualTo(4001);
      assertThat(meStatus(carol)).isEqualTo(401);
    }
  }

  @Test
  void aSessionEndedWhereThisNodeMissedTheEventIsRefusedAfterThePollAndItsSocketCloses() {
    Account dave = api.register("missed");
    try (WsClient ws = WsClient.connect(server.baseUrl(), dave.accessToken())) {
      // as if another node revoked it and Redis dropped the event: only the database knows
      server
          .db()
          .useHandle(
              h ->
                  h.execute(
                      "UPDATE token_families SET revoked_at = ? WHERE user_id = ?",
                      System.currentTimeMillis(),
                      dave.id()));
      assertThat(meStatus(dave)).isEqualTo(200);
      server.banter().revocations().pollNow();
      assertThat(meStatus(dave)).isEqualTo(401);
      assertThat(ws.closeCode()).isEqualTo(4001); // at its next heartbeat
    }
  }

  @Test
  void anEndedSessionStaysEndedAfterARestart() {
    Account erin = api.register("restarted");
    Api.expect(
        api.post("/api/v1/auth/logout", Map.of("refresh_token", erin.refreshToken()), null), 204);
    server.restart();
    api = server.api();
    assertThat(meStatus(erin)).isEqualTo(401);
  }

  @Test
  void aTokenWithoutASessionIsRefused() {
    Account frank = api.register("sessionless");
    String forged =
        JWT.create()
            .withIssuer("banter")
            .withSubject(frank.id())
            .withClaim("usr", frank.username())
            .withIssuedAt(Instant.now())
            .withExpiresAt(Instant.now().plusSeconds(600))
            .sign(Algorithm.HMAC256(TestServer.JWT_SECRET));
    assertThat(api.get("/api/v1/auth/me", forged).status()).isEqualTo(401);
  }

  @Test
  void reauthenticatingWithAnotherUsersTokenIsRefusedAndChangesNothing() {
    Account gina = api.register("owner");
    Account hank = api.register("intruder");
    try (WsClient ws = WsClient.connect(server.baseUrl(), gina.accessToken())) {
      JsonNode reply = ws.request(Map.of("type", "auth", "token", hank.accessToken()));
      assertThat(reply.at("/error/code").asText()).isEqualTo("forbidden");
      JsonNode bad = ws.request(Map.of("type", "auth", "token", "not-a-token"));
      assertThat(bad.at("/error/code").asText()).isEqualTo("unauthorized");
      assertThat(ws.request(Map.of("type", "ping")).path("type").asText()).isEqualTo("pong");
      assertThat(ws.isClosed()).isFalse();
    }
  }
}
