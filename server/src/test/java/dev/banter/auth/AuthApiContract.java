package dev.banter.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Api.Reply;
import dev.banter.support.Backend;
import dev.banter.support.TestServer;
import java.awt.Color;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** SPEC §2 over real HTTP; run once per storage backend by the subclasses. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AuthApiContract {
  TestServer server;
  Api api;

  abstract Backend backend();

  @BeforeAll
  void startServer() {
    server = TestServer.start(backend());
    api = server.api();
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  // ---- register ----

  @Test
  void registeringReturnsTheUserAndATokenPair() {
    String name = Api.uniqueName("Reg");
    Reply r =
        api.post(
            "/api/v1/auth/register",
            Map.of("username", name, "password", "correct horse", "display_name", "Reggie"),
            null);
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.json().at("/user/username").asText()).isEqualTo(name.toLowerCase());
    assertThat(r.json().at("/user/display_name").asText()).isEqualTo("Reggie");
    assertThat(r.json().at("/user/id").asText()).isNotBlank();
    assertThat(r.json().at("/user/created_at").asText())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    assertThat(r.json().get("access_token").asText()).contains(".");
    assertThat(r.json().get("refresh_token").asText()).hasSizeGreaterThan(30);
    assertThat(r.json().get("expires_in").asLong()).isEqualTo(900);
    assertThat(r.json().at("/user/password_hash").isMissingNode()).isTrue();
  }

  @Test
  void usernamesAreUniqueWhateverTheCase() {
    Account alice = api.register("Dup");
    long users = server.count("users");
    Reply r =
        api.post(
            "/api/v1/auth/register",
            Map.of("username", alice.username().toUpperCase(), "password", "another-password"),
            null);
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.errorCode()).isEqualTo("conflict");
    assertThat(server.count("users")).isEqualTo(users);
  }

  @Test
  void malformedJsonIsABadRequestAndStoresNothing() {
    long users = server.count("users");
    Reply r =
        api.postRaw(
            "/api/v1/auth/register", "{\"username\": \"x".getBytes(StandardCharsets.UTF_8), null);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("bad_request");
    assertThat(r.json().at("/error/message").asText()).isNotBlank();
    assertThat(server.count("users")).isEqualTo(users);
  }

  @Test
  void aBodyThatIsNotAnObjectIsABadRequest() {
    long users = server.count("users");
    for (String body : new String[] {"[1,2]", "\"text\"", "42", "", "null", "{} {}"}) {
      Reply r = api.postRaw("/api/v1/auth/register", body.getBytes(StandardCharsets.UTF_8), null);
      assertThat(r.status()).as(body).isEqualTo(400);
      assertThat(r.errorCode()).as(body).isEqualTo("bad_request");
    }
    assertThat(server.count("users")).isEqualTo(users);
  }

  @Test
  void aMissingFieldIsABadRequestNamingIt() {
    long users = server.count("users");
    Reply r = api.post("/api/v1/auth/register", Map.of("username", Api.uniqueName("nopw")), null);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("bad_request");
    assertThat(r.errorField()).isEqualTo("password");
    assertThat(server.count("users")).isEqualTo(users);
  }

  @Test
  void aWronglyTypedFieldIsABadRequestNamingIt() {
    long users = server.count("users");
    Reply r =
        api.post(
            "/api/v1/auth/register", Map.of("username", 12345, "password", "long-enough"), null);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("bad_request");
    assertThat(r.errorField()).isEqualTo("username");
    Reply r2 =
        api.post(
            "/api/v1/auth/register",
            Map.of("username", Api.uniqueName("t"), "password", Map.of()),
            null);
    assertThat(r2.status()).isEqualTo(400);
    assertThat(r2.errorField()).isEqualTo("password");
    assertThat(server.count("users")).isEqualTo(users);
  }

  @Test
  void invalidUsernamesAndPasswordsAreRejectedWithTheField() {
    long users = server.count("users");
    Map<String, Map<String, Object>> cases = new HashMap<>();
    cases.put("username", Map.of("username", "ab", "password", "long-enough"));
    cases.put("username ", Map.of("username", "x".repeat(33), "password", "long-enough"));
    cases.put("username  ", Map.of("username", "bad name!", "password", "long-enough"));
    cases.put("username   ", Map.of("username", "<script>", "password", "long-enough"));
    cases.put("password", Map.of("username", Api.uniqueName("pw"), "password", "short"));
    cases.put("password ", Map.of("username", Api.uniqueName("pw"), "password", "p".repeat(129)));
    cases.put(
        "display_name",
        Map.of(
            "username",
            Api.uniqueName("dn"),
            "password",
            "long-enough",
            "display_name",
            "d".repeat(65)));
    cases.put(
        "display_name ",
        Map.of("username", Api.uniqueName("dn"), "password", "long-enough", "display_name", "   "));
    cases.forEach(
        (field, body) -> {
          Reply r = api.post("/api/v1/auth/register", body, null);
          assertThat(r.status()).as(field + " " + body).isEqualTo(422);
          assertThat(r.errorCode()).isEqualTo("validation_failed");
          assertThat(r.errorField()).isEqualTo(field.strip());
        });
    assertThat(server.count("users")).isEqualTo(users);
  }

  // ---- login ----

  @Test
  void loggingInReturnsANewPair() {
    Account a = api.register("login");
    Reply r =
        api.post(
            "/api/v1/auth/login",
            Map.of("username", a.username().toUpperCase(), "password", a.password()),
            null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().at("/user/id").asText()).isEqualTo(a.id());
    assertThat(r.json().get("refresh_token").asText()).isNotEqualTo(a.refreshToken());
  }

  @Test
  void aWrongPasswordAndAnUnknownUserGetTheSameAnswer() {
    Account a = api.register("wrong");
    long families = server.count("token_families");
    Reply wrong =
        api.post(
            "/api/v1/auth/login",
            Map.of("username", a.username(), "password", "not-the-password"),
            null);
    Reply unknown =
        api.post(
            "/api/v1/auth/login",
            Map.of("username", Api.uniqueName("ghost"), "password", "whatever1"),
            null);
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(wrong.json()).isEqualTo(unknown.json());
    assertThat(server.count("token_families")).isEqualTo(families);
  }

  // ---- access tokens ----

  @Test
  void meReturnsTheCaller() {
    Account a = api.register("me");
    Reply r = api.get("/api/v1/auth/me", a.accessToken());
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("username").asText()).isEqualTo(a.username());
    assertThat(r.json().get("role").asText()).isIn("user", "admin");
  }

  @Test
  void aMissingOrMalformedTokenIsUnauthorized() {
    assertThat(api.get("/api/v1/auth/me", null).status()).isEqualTo(401);
    assertThat(api.get("/api/v1/auth/me", "not-a-jwt").errorCode()).isEqualTo("unauthorized");
    Reply basic =
        api.send(api.builder("/api/v1/auth/me", null).header("Authorization", "Basic YTpi").GET());
    assertThat(basic.status()).isEqualTo(401);
  }

  @Test
  void aTokenWithAForgedSignatureIsRefused() {
    Account a = api.register("forged");
    String forged =
        JWT.create()
            .withIssuer("banter")
            .withSubject(a.id())
            .withClaim("usr", a.username())
            .withClaim("role", "admin")
            .withIssuedAt(Instant.now())
            .withExpiresAt(Instant.now().plusSeconds(600))
            .sign(Algorithm.HMAC256("some-other-secret-some-other-secret-0000"));
    Reply r = api.get("/api/v1/auth/me", forged);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.errorCode()).isEqualTo("unauthorized");
  }

  @Test
  void anUnsignedAlgNoneTokenIsRefused() {
    Account a = api.register("none");
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    long now = Instant.now().getEpochSecond();
    String header =
        b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String payload =
        b64.encodeToString(
            ("{\"iss\":\"banter\",\"sub\":\""
                    + a.id()
                    + "\",\"usr\":\""
                    + a.username()
                    + "\",\"iat\":"
                    + now
                    + ",\"exp\":"
                    + (now + 600)
                    + "}")
                .getBytes(StandardCharsets.UTF_8));
    assertThat(api.get("/api/v1/auth/me", header + "." + payload + ".").status()).isEqualTo(401);
    assertThat(api.get("/api/v1/auth/me", header + "." + payload).status()).isEqualTo(401);
  }

  @Test
  void anExpiredTokenIsRefused() {
    Account a = api.register("expired");
    Instant past = Instant.now().minusSeconds(3600);
    String expired =
        JWT.create()
            .withIssuer("banter")
            .withSubject(a.id())
            .withClaim("usr", a.username())
            .withClaim("sid", "some-session")
            .withIssuedAt(past)
            .withExpiresAt(past.plusSeconds(900))
            .sign(Algorithm.HMAC256(TestServer.JWT_SECRET));
    Reply r = api.get("/api/v1/auth/me", expired);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().at("/error/message").asText()).contains("expired");
  }

  @Test
  void aTokenWithoutAnExpiryIsRefused() {
    Account a = api.register("noexp");
    String eternal =
        JWT.create()
            .withIssuer("banter")
            .withSubject(a.id())
            .withClaim("usr", a.username())
            .withIssuedAt(Instant.now())
            .sign(Algorithm.HMAC256(TestServer.JWT_SECRET));
    assertThat(api.get("/api/v1/auth/me", eternal).status()).isEqualTo(401);
  }

  // ---- refresh rotation ----

  @Test
  void refreshingRotatesThePair() {
    Account a = api.register("rot");
    Reply r = api.post("/api/v1/auth/refresh", Map.of("refresh_token", a.refreshToken()), null);
    assertThat(r.status()).isEqualTo(200);
    String next = r.json().get("refresh_token").asText();
    assertThat(next).isNotEqualTo(a.refreshToken());
    assertThat(api.get("/api/v1/auth/me", r.json().get("access_token").asText()).status())
        .isEqualTo(200);
    assertThat(api.post("/api/v1/auth/refresh", Map.of("refresh_token", next), null).status())
        .isEqualTo(200);
  }

  @Test
  void reusingASpentRefreshTokenRevokesTheWholeFamily() {
    Account a = api.register("reuse");
    String second =
        api.post("/api/v1/auth/refresh", Map.of("refresh_token", a.refreshToken()), null)
            .json()
            .get("refresh_token")
            .asText();
    Reply reuse = api.post("/api/v1/auth/refresh", Map.of("refresh_token", a.refreshToken()), null);
    assertThat(reuse.status()).isEqualTo(401);
    assertThat(reuse.errorCode()).isEqualTo("unauthorized");
    assertThat(api.post("/api/v1/auth/refresh", Map.of("refresh_token", second), null).status())
        .isEqualTo(401);
  }

  @Test
  void reuseInOneFamilyLeavesOtherLoginsAlone() {
    Account a = api.register("families");
    String other =
        api.post(
                "/api/v1/auth/login",
                Map.of("username", a.username(), "password", a.password()),
                null)
            .json()
            .get("refresh_token")
            .asText();
    api.post("/api/v1/auth/refresh", Map.of("refresh_token", a.refreshToken()), null);
    api.post("/api/v1/auth/refresh", Map.of("refresh_token", a.refreshToken()), null);
    assertThat(api.post("/api/v1/auth/refresh", Map.of("refresh_token", other), null).status())
        .isEqualTo(200);
  }

  @Test
  void anUnknownRefreshTokenIsUnauthorizedAndAMissingOneABadRequest() {
    assertThat(api.post("/api/v1/auth/refresh", Map.of("refresh_token", "nope"), null).status())
        .isEqualTo(401);
    Reply missing = api.post("/api/v1/auth/refresh", Map.of(), null);
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.errorField()).isEqualTo("refresh_token");
  }

  @Test
  void refreshingAfterLogoutFails() {
    Account a = api.register("logout");
    Reply out = api.post("/api/v1/auth/logout", Map.of("refresh_token", a.refreshToken()), null);
    assertThat(out.status()).isEqualTo(204);
    assertThat(
            api.post("/api/v1/auth/refresh", Map.of("refresh_token", a.refreshToken()), null)
                .status())
        .isEqualTo(401);
    assertThat(
            api.post("/api/v1/auth/logout", Map.of("refresh_token", a.refreshToken()), null)
                .status())
        .isEqualTo(204);
  }

  // ---- users and profiles ----

  @Test
  void usersAreFoundByUsernameOrDisplayNamePrefix() {
    String stem = "zq" + Long.toString(System.nanoTime() % 1_000_000, 36);
    Account a = api.register(stem + "a");
    api.patch("/api/v1/users/me", Map.of("display_name", "Quentin " + stem), a.accessToken());
    Reply byName =
        api.get("/api/v1/users?query=" + stem.toUpperCase() + "&limit=5", a.accessToken());
    assertThat(byName.status()).isEqualTo(200);
    assertThat(byName.json().get("users"))
        .extracting(u -> u.get("username").asText())
        .contains(a.username());
    Reply byDisplay = api.get("/api/v1/users?query=quentin%20" + stem, a.accessToken());
    assertThat(byDisplay.json().get("users")).hasSize(1);
    Reply wildcard = api.get("/api/v1/users?query=%25", a.accessToken());
    assertThat(wildcard.json().get("users")).isEmpty();
  }

  @Test
  void searchLimitsAreChecked() {
    Account a = api.register("lim");
    assertThat(api.get("/api/v1/users?limit=0", a.accessToken()).errorCode())
        .isEqualTo("validation_failed");
    assertThat(api.get("/api/v1/users?limit=101", a.accessToken()).status()).isEqualTo(422);
    assertThat(api.get("/api/v1/users?limit=abc", a.accessToken()).status()).isEqualTo(400);
    assertThat(api.get("/api/v1/users?limit=2", a.accessToken()).json().get("users").size())
        .isLessThanOrEqualTo(2);
    assertThat(api.get("/api/v1/users", null).status()).isEqualTo(401);
  }

  @Test
  void aProfileIsPublicToSignedInUsers() {
    Account a = api.register("prof");
    Account b = api.register("viewer");
    Reply r = api.get("/api/v1/users/" + a.username().toUpperCase(), b.accessToken());
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("id").asText()).isEqualTo(a.id());
    assertThat(r.json().get("online").asBoolean()).isFalse();
    assertThat(r.json().has("last_seen_at")).isTrue();
    assertThat(api.get("/api/v1/users/nobody_at_all_here", b.accessToken()).status())
        .isEqualTo(404);
  }

  @Test
  void updatingTheProfileChangesOnlyTheGivenFields() {
    Account a = api.register("upd");
    String upload = api.upload(a, "me.png", Api.png(32, 32, Color.BLUE)).json().get("id").asText();
    Reply r =
        api.patch(
            "/api/v1/users/me",
            Map.of("status_text", "on holiday", "avatar_url", "/api/v1/uploads/" + upload),
            a.accessToken());
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("status_text").asText()).isEqualTo("on holiday");
    String avatar = r.json().get("avatar_url").asText();
    assertThat(avatar).matches("/api/v1/avatars/[A-Za-z0-9_-]{24}");
    assertThat(r.json().get("display_name").asText()).isEqualTo(a.username());
    Reply second =
        api.patch("/api/v1/users/me", Map.of("display_name", "New Name"), a.accessToken());
    assertThat(second.json().get("status_text").asText()).isEqualTo("on holiday");
    assertThat(second.json().get("display_name").asText()).isEqualTo("New Name");
    assertThat(second.json().get("avatar_url").asText()).isEqualTo(avatar);
    // sending the current avatar back (a whole-profile save) keeps it, key and all
    Reply same = api.patch("/api/v1/users/me", Map.of("avatar_url", avatar), a.accessToken());
    assertThat(same.json().get("avatar_url").asText()).isEqualTo(avatar);
    Reply cleared = api.patch("/api/v1/users/me", Map.of("avatar_url", ""), a.accessToken());
    assertThat(cleared.json().get("avatar_url").isNull()).isTrue();
  }

  @Test
  void unsafeOrInvalidProfileValuesAreRejectedAndChangeNothing() {
    Account a = api.register("unsafe");
    Account other = api.register("otheruploader");
    String avatar = api.giveAvatar(a);
    api.patch("/api/v1/users/me", Map.of("status_text", "fine"), a.accessToken());
    String theirs = api.upload(other, "x.png", Api.png(8, 8, Color.RED)).json().get("id").asText();
    String text =
        api.upload(a, "notes.txt", "just words".getBytes(StandardCharsets.UTF_8))
            .json()
            .get("id")
            .asText();
    String svg =
        api.upload(
                a,
                "pic.svg",
                "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>".getBytes(StandardCharsets.UTF_8))
            .json()
            .get("id")
            .asText();
    Map<String, Map<String, Object>> cases =
        Map.ofEntries(
            Map.entry("javascript", Map.of("avatar_url", "javascript:alert(1)")),
            Map.entry("http", Map.of("avatar_url", "http://example.com/a.png")),
            Map.entry("private", Map.of("avatar_url", "https://10.0.0.5/a.png")),
            Map.entry("loopback", Map.of("avatar_url", "https://127.0.0.1/a.png")),
            Map.entry("localhost", Map.of("avatar_url", "https://localhost/a.png")),
            Map.entry("data", Map.of("avatar_url", "data:image/png;base64,AAAA")),
            Map.entry("another host", Map.of("avatar_url", "https://example.com/a.png")),
            Map.entry(
                "another host's upload path",
                Map.of("avatar_url", "https://example.com/api/v1/uploads/x")),
            Map.entry("no such upload", Map.of("avatar_url", "/api/v1/uploads/nosuchupload")),
            Map.entry("someone else's upload", Map.of("avatar_url", "/api/v1/uploads/" + theirs)),
            Map.entry("not an image", Map.of("avatar_url", "/api/v1/uploads/" + text)),
            Map.entry("svg", Map.of("avatar_url", "/api/v1/uploads/" + svg)),
            Map.entry(
                "someone's avatar key",
                Map.of("avatar_url", "/api/v1/avatars/AAAAAAAAAAAAAAAAAAAAAAAA")),
            Map.entry(
                "status",
                Map.of("status_text", "s".repeat(141), "avatar_url", "/api/v1/uploads/" + text)),
            Map.entry("display", Map.of("display_name", "d".repeat(65))));
    cases.forEach(
        (name, body) -> {
          Reply r = api.patch("/api/v1/users/me", body, a.accessToken());
          assertThat(r.status()).as(name).isEqualTo(422);
          assertThat(r.errorCode()).isEqualTo("validation_failed");
        });
    Reply after = api.get("/api/v1/users/me", a.accessToken());
    assertThat(after.json().get("avatar_url").asText()).isEqualTo(avatar);
    assertThat(after.json().get("status_text").asText()).isEqualTo("fine");
    assertThat(after.json().get("display_name").asText()).isEqualTo(a.username());
    assertThat(api.get(avatar, null).status()).isEqualTo(200); // the avatar still loads
  }

  // ---- password change ----

  @Test
  void changingThePasswordRevokesTheRefreshTokenOfEveryOtherSession() {
    Account a = api.register("chpw");
    Account other =
        Api.account(
            api.post(
                "/api/v1/auth/login",
                Map.of("username", a.username(), "password", a.password()),
                null),
            a.password());
    Reply r =
        api.post(
            "/api/v1/users/me/password",
            Map.of("current_password", a.password(), "new_password", "brand-new-password"),
            a.accessToken());
    assertThat(r.status()).isEqualTo(204);
    assertThat(
            api.post("/api/v1/auth/refresh", Map.of("refresh_token", other.refreshToken()), null)
                .status())
        .isEqualTo(401);
    assertThat(
            api.post("/api/v1/auth/refresh", Map.of("refresh_token", a.refreshToken()), null)
                .status())
        .as("the session that changed the password goes on")
        .isEqualTo(200);
    assertThat(
            api.post(
                    "/api/v1/auth/login",
                    Map.of("username", a.username(), "password", a.password()),
                    null)
                .status())
        .isEqualTo(401);
    assertThat(
            api.post(
                    "/api/v1/auth/login",
                    Map.of("username", a.username(), "password", "brand-new-password"),
                    null)
                .status())
        .isEqualTo(200);
  }

  @Test
  void aWrongCurrentPasswordChangesNothing() {
    Account a = api.register("badpw");
    Reply r =
        api.post(
            "/api/v1/users/me/password",
            Map.of("current_password", "not-my-password", "new_password", "brand-new-password"),
            a.accessToken());
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.errorCode()).isEqualTo("forbidden");
    Reply tooShort =
        api.post(
            "/api/v1/users/me/password",
            Map.of("current_password", a.password(), "new_password", "short"),
            a.accessToken());
    assertThat(tooShort.status()).isEqualTo(422);
    assertThat(tooShort.errorField()).isEqualTo("new_password");
    assertThat(
            api.post("/api/v1/auth/refresh", Map.of("refresh_token", a.refreshToken()), null)
                .status())
        .isEqualTo(200);
    assertThat(
            api.post(
                    "/api/v1/auth/login",
                    Map.of("username", a.username(), "password", a.password()),
                    null)
                .status())
        .isEqualTo(200);
  }

  // ---- guests ----

  @Test
  void guestAccessIsOffByDefault() {
    long users = server.count("users");
    Reply r = api.post("/api/v1/auth/guest", Map.of("username", Api.uniqueName("guest")), null);
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.errorCode()).isEqualTo("forbidden");
    assertThat(server.count("users")).isEqualTo(users);
  }

  // ---- the error model ----

  @Test
  void anUnknownRouteIsA404InTheErrorShape() {
    Reply r = api.get("/api/v1/nothing/here", null);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo("not_found");
    assertThat(r.header("X-Request-Id")).isNotBlank();
  }

  @Test
  void aWrongMethodIsA405ListingTheAllowedOnes() {
    Reply r = api.delete("/api/v1/auth/login", null);
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.header("Allow")).contains("POST");
  }

  @Test
  void aBodyOverTheLimitIsA413AndStoresNothing() {
    long users = server.count("users");
    byte[] huge =
        ("{\"username\":\"big\",\"password\":\"" + "x".repeat(1024 * 1024 + 10) + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    Reply r = api.postRaw("/api/v1/auth/register", huge, null);
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.errorCode()).isEqualTo("payload_too_large");
    assertThat(server.count("users")).isEqualTo(users);
  }

  @Test
  void aClientRequestIdIsEchoed() {
    Reply r = api.send(api.builder("/health", null).header("X-Request-Id", "abc-123").GET());
    assertThat(r.header("X-Request-Id")).isEqualTo("abc-123");
  }

  @Test
  void healthAndReadinessAnswer() {
    Reply health = api.get("/health", null);
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().get("status").asText()).isEqualTo("up");
    assertThat(api.get("/healthz", null).status()).isEqualTo(200);
    Reply ready = api.get("/ready", null);
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().at("/checks/database").asText()).isEqualTo("up");
  }
}
