package dev.banter.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Api.Reply;
import dev.banter.support.Backend;
import dev.banter.support.TestServer;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Account rules that need a server of their own: admins, guests, rate limits, the generated secret.
 */
class AccountPolicyTest {

  @ParameterizedTest
  @EnumSource(Backend.class)
  void theFirstRegisteredUserIsAnAdminAndLaterOnesAreNot(Backend backend) {
    try (TestServer server = TestServer.start(backend)) {
      Api api = server.api();
      assertThat(api.register("first").user().get("role").asText()).isEqualTo("admin");
      assertThat(api.register("second").user().get("role").asText()).isEqualTo("user");
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void configuredAdminsAreAdmins(Backend backend) {
    try (TestServer server =
        TestServer.start(backend, Map.of("BANTER_ADMINS", "boss_one,Boss_Two"))) {
      Api api = server.api();
      api.register("someone");
      Reply boss =
          api.post(
              "/api/v1/auth/register",
              Map.of("username", "boss_two", "password", "long-enough"),
              null);
      assertThat(boss.json().at("/user/role").asText()).isEqualTo("admin");
      assertThat(JWT.decode(boss.json().get("access_token").asText()).getClaim("role").asString())
          .isEqualTo("admin");
      assertThat(api.register("plain").user().get("role").asText()).isEqualTo("user");
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void guestsEnterWithANameWhenEnabledButCannotLogInWithAPassword(Backend backend) {
    try (TestServer server = TestServer.start(backend, Map.of("BANTER_GUEST_ACCESS", "true"))) {
      Api api = server.api();
      api.register("owner");
      String name = Api.uniqueName("visitor");
      Reply guest = api.post("/api/v1/auth/guest", Map.of("username", name), null);
      assertThat(guest.status()).isEqualTo(201);
      assertThat(guest.json().at("/user/guest").asBoolean()).isTrue();
      assertThat(guest.json().at("/user/role").asText()).isEqualTo("user");
      Account g = Api.account(guest, null);
      assertThat(api.get("/api/v1/auth/me", g.accessToken()).status()).isEqualTo(200);
      assertThat(
              api.post("/api/v1/auth/refresh", Map.of("refresh_token", g.refreshToken()), null)
                  .status())
          .isEqualTo(200);
      assertThat(
              api.post(
                      "/api/v1/auth/login",
                      Map.of("username", name, "password", "anything-at-all"),
                      null)
                  .status())
          .isEqualTo(401);
      assertThat(api.post("/api/v1/auth/guest", Map.of("username", name), null).status())
          .isEqualTo(409);
      Reply invalid = api.post("/api/v1/auth/guest", Map.of("username", "x"), null);
      assertThat(invalid.status()).isEqualTo(422);
      assertThat(invalid.errorField()).isEqualTo("username");
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void loginAttemptsAreLimitedPerUsername(Backend backend) {
    Map<String, String> env = new HashMap<>();
    env.put("BANTER_AUTH_RATE", "5");
    try (TestServer server = TestServer.start(backend, env)) {
      Api api = server.api();
      Account a = api.register("target");
      Reply last = null;
      for (int i = 0; i < 6; i++) {
        last =
            api.post(
                "/api/v1/auth/login",
                Map.of("username", a.username(), "password", "guess-" + i),
                null);
      }
      assertThat(last.status()).isEqualTo(429);
      assertThat(last.errorCode()).isEqualTo("rate_limited");
      assertThat(last.json().at("/error/details/retry_after_ms").asLong()).isPositive();
      assertThat(Long.parseLong(last.header("Retry-After"))).isPositive();
      // even the right password is refused while the username is limited
      assertThat(
              api.post(
                      "/api/v1/auth/login",
                      Map.of("username", a.username(), "password", a.password()),
                      null)
                  .status())
          .isEqualTo(429);
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void authenticationCallsAreLimitedPerIp(Backend backend) {
    try (TestServer server = TestServer.start(backend, Map.of("BANTER_AUTH_RATE", "3"))) {
      Api api = server.api();
      long users = server.count("users");
      int limited = 0;
      for (int i = 0; i < 4; i++) {
        Reply r =
            api.post(
                "/api/v1/auth/login",
                Map.of("username", Api.uniqueName("nobody"), "password", "whatever1"),
                null);
        if (r.status() == 429) {
          limited++;
          assertThat(r.errorCode()).isEqualTo("rate_limited");
        }
      }
      assertThat(limited).isEqualTo(1);
      Reply register =
          api.post(
              "/api/v1/auth/register",
              Map.of("username", Api.uniqueName("late"), "password", "long-enough"),
              null);
      assertThat(register.status()).isEqualTo(429);
      assertThat(server.count("users")).isEqualTo(users);
      assertThat(api.get("/health", null).status()).isEqualTo(200);
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void otherApiCallsAreLimitedPerIp(Backend backend) {
    try (TestServer server = TestServer.start(backend, Map.of("BANTER_HTTP_RATE", "3"))) {
      Api api = server.api();
      Account a = api.register("busy");
      for (int i = 0; i < 3; i++) {
        assertThat(api.get("/api/v1/auth/me", a.accessToken()).status()).isEqualTo(200);
      }
      Reply limited = api.get("/api/v1/auth/me", a.accessToken());
      assertThat(limited.status()).isEqualTo(429);
      assertThat(limited.header("Retry-After")).isNotBlank();
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aGeneratedSecretIsKeptPrivatelyAndTokensSurviveARestart(Backend backend) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("BANTER_JWT_SECRET", null);
    try (TestServer server = TestServer.start(backend, env)) {
      Account a = server.api().register("restart");
      var secret = server.dataDir().resolve("jwt-secret");
      assertThat(Files.getPosixFilePermissions(secret))
          .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
      String before = Files.readString(secret);
      server.restart();
      assertThat(Files.readString(secret)).isEqualTo(before);
      assertThat(server.api().get("/api/v1/auth/me", a.accessToken()).status()).isEqualTo(200);
      assertThat(
              server
                  .api()
                  .post("/api/v1/auth/refresh", Map.of("refresh_token", a.refreshToken()), null)
                  .status())
          .isEqualTo(200);
    }
  }
}
