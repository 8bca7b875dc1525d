package dev.banter.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Api.Reply;
import dev.banter.support.Backend;
import dev.banter.support.TestServer;
import dev.banter.support.WsClient;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Profile and account (#21): avatars anyone can load by their unguessable key and nothing else, and
 * SPEC §9's session list, where ending a session ends it at once. Run once per storage backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AccountApiContract {
  private static final String SESSIONS = "/api/v1/auth/sessions";

  TestServer server;
  Api api;

  abstract Backend backend();

  @BeforeAll
  void startServer() {
    // a short ping interval: the heartbeat is where a socket's session is checked again
    server = TestServer.start(backend(), Map.of("BANTER_WS_PING_INTERVAL", "300ms"));
    api = server.api();
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private HttpResponse<byte[]> fetch(String path, Map<String, String> headers) {
    HttpRequest.Builder b = api.builder(path, null).GET();
    headers.forEach(b::header);
    try {
      return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ---- avatars ----

  @Test
  void anAvatarLoadsWithoutATokenForAnyoneAndIsWhatWasUploaded() {
    Account alice = api.register("face");
    Account bob = api.register("viewer");
    byte[] png = Api.png(48, 48, Color.GREEN);
    String upload = api.upload(alice, "me.png", png).json().get("id").asText();
    String avatar =
        Api.expect(
                api.patch(
                    "/api/v1/users/me",
                    Map.of("avatar_url", "/api/v1/uploads/" + upload),
                    alice.accessToken()),
                200)
            .json()
            .get("avatar_url")
            .asText();
    assertThat(avatar).matches("/api/v1/avatars/[A-Za-z0-9_-]{24}");

    // what others see of alice carries it: her profile and her messages
    assertThat(
            api.get("/api/v1/users/" + alice.username(), bob.accessToken())
                .json()
                .get("avatar_url")
                .asText())
        .isEqualTo(avatar);
    JsonNode said = api.say(alice, "general", "look at my face");
    assertThat(said.at("/author/avatar_url").asText()).isEqualTo(avatar);

    HttpResponse<byte[]> r = fetch(avatar, Map.of());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(png);
    assertThat(r.headers().firstValue("Content-Type")).contains("image/png");
    assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(r.headers().firstValue("Cache-Control").orElse("")).contains("max-age=31536000");
    String etag = r.headers().firstValue("ETag").orElseThrow();
    HttpResponse<byte[]> again = fetch(avatar, Map.of("If-None-Match", etag));
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();

    // the key opens the avatar only: the upload itself stays closed to bob
    assertThat(api.get("/api/v1/uploads/" + upload, bob.accessToken()).status()).isEqualTo(403);
    assertThat(fetch("/api/v1/uploads/" + upload, Map.of()).statusCode()).isEqualTo(401);
  }

  @Test
  void aKeyThatIsUnknownOrOfTheWrongFormIsNotFound() {
    for (String key :
        List.of(
            "AAAAAAAAAAAAAAAAAAAAAAAA", // the right form, nobody's
            "short",
            "A".repeat(100),
            "AAAAAAAAAAAAAAAAAAAAAA%2F",
            "%2E%2E")) {
      Reply r = api.get("/api/v1/avatars/" + key, null);
      assertThat(r.status()).as(key).isEqualTo(404);
      assertThat(r.errorCode()).isEqualTo("not_found");
    }
  }

  @Test
  void aNewAvatarOrNoneRetiresTheOldKey() {
    Account a = api.register("changer");
    String first = api.giveAvatar(a);
    String second = api.giveAvatar(a);
    assertThat(second).isNotEqualTo(first);
    assertThat(fetch(first, Map.of()).statusCode()).isEqualTo(404);
    assertThat(fetch(second, Map.of()).statusCode()).isEqualTo(200);
    Api.expect(api.patch("/api/v1/users/me", Map.of("avatar_url", ""), a.accessToken()), 200);
    assertThat(fetch(second, Map.of()).statusCode()).isEqualTo(404);
    assertThat(api.get("/api/v1/users/me", a.accessToken()).json().get("avatar_url").isNull())
        .isTrue();
  }

  @Test
  void anAvatarsUploadIsNotSweptAsAnOrphan() {
    Account a = api.register("keeper");
    String avatar = api.giveAvatar(a);
    server
        .db()
        .useHandle(
            h -> h.execute("UPDATE uploads SET created_at = 0 WHERE uploader_id = ?", a.id()));
    server.banter().uploads().removeOrphans();
    assertThat(fetch(avatar, Map.of()).statusCode()).isEqualTo(200);
  }

  @Test
  void anAvatarStoredAsAnUploadPathIsGivenAKeyAtStartAndOneThatCannotBeIsCleared() {
    Account a = api.register("legacy");
    Account b = api.register("legacybad");
    String upload = api.upload(a, "old.png", Api.png(16, 16, Color.PINK)).json().get("id").asText();
    String text =
        api.upload(b, "old.txt", "words".getBytes(StandardCharsets.UTF_8))
            .json()
            .get("id")
            .asText();
    server
        .db()
        .useHandle(
            h -> {
              h.execute(
                  "UPDATE users SET avatar_url = ? WHERE id = ?",
                  "/api/v1/uploads/" + upload,
                  a.id());
              h.execute(
                  "UPDATE users SET avatar_url = ? WHERE id = ?",
                  "/api/v1/uploads/" + text,
                  b.id());
            });
    server.restart();
    api = server.api();
    Account fresh = api.register("afterrestart");
    String converted =
        api.get("/api/v1/users/" + a.username(), fresh.accessToken())
            .json()
            .get("avatar_url")
            .asText();
    assertThat(converted).matches("/api/v1/avatars/[A-Za-z0-9_-]{24}");
    assertThat(fetch(converted, Map.of()).statusCode()).isEqualTo(200);
    assertThat(
            api.get("/api/v1/users/" + b.username(), fresh.accessToken())
                .json()
                .get("avatar_url")
                .isNull())
        .isTrue();
  }

  // ---- sessions ----

  private Account signIn(Account a, String userAgent) {
    Reply r =
        api.send(
            api.builder("/api/v1/auth/login", null)
                .header("Content-Type", "application/json")
                .header("User-Agent", userAgent)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\""
                            + a.username()
                            + "\",\"password\":\""
                            + a.password()
                            + "\"}")));
    return Api.account(Api.expect(r, 200), a.password());
  }

  private List<JsonNode> sessions(Account a) {
    List<JsonNode> out = new ArrayList<>();
    Api.expect(api.get(SESSIONS, a.accessToken()), 200).json().get("sessions").forEach(out::add);
    return out;
  }

  private static JsonNode current(List<JsonNode> sessions) {
    return sessions.stream().filter(s -> s.get("current").asBoolean()).findFirst().orElseThrow();
  }

  @Test
  void mySessionsAreListedWithTheirDeviceAndTheCurrentOneMarked() {
    Account a = api.register("lister");
    Account laptop = signIn(a, "Banter test laptop/1.0");
    List<JsonNode> seen = sessions(laptop);
    assertThat(seen).hasSize(2);
    JsonNode mine = current(seen);
    assertThat(mine.get("user_agent").asText()).isEqualTo("Banter test laptop/1.0");
    assertThat(mine.get("ip").asText()).isEqualTo("127.0.0.1");
    assertThat(mine.get("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*\\.\\d{3}Z");
    assertThat(mine.get("last_used_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*\\.\\d{3}Z");
    assertThat(seen.stream().filter(s -> s.get("current").asBoolean())).hasSize(1);
    // the other sign-in sees the same two, with itself as current
    assertThat(current(sessions(a)).get("id").asText()).isNotEqualTo(mine.get("id").asText());
    // another user's list has none of these
    Account other = api.register("otherlister");
    assertThat(sessions(other)).hasSize(1);
    assertThat(sessions(other).getFirst().get("id").asText())
        .isNotIn(seen.stream().map(s -> s.get("id").asText()).toList());
  }

  @Test
  void aRefreshRecordsWhereTheSessionIsUsedNow() {
    Account a = api.register("refresher");
    String before = current(sessions(a)).get("last_used_at").asText();
    Reply r =
        api.send(
            api.builder("/api/v1/auth/refresh", null)
                .header("Content-Type", "application/json")
                .header("User-Agent", "Renewed agent")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"refresh_token\":\"" + a.refreshToken() + "\"}")));
    Account renewed = Api.account(Api.expect(r, 200), a.password());
    JsonNode now = current(sessions(renewed));
    assertThat(now.get("user_agent").asText()).isEqualTo("Renewed agent");
    assertThat(now.get("last_used_at").asText()).isGreaterThanOrEqualTo(before);
    assertThat(sessions(renewed)).hasSize(1); // a refresh is the same session
  }

  @Test
  void endingASessionRefusesItsTokensAtOnceAndClosesItsSocket4001() {
    Account a = api.register("ender");
    Account phone = signIn(a, "Phone");
    String phoneSession = current(sessions(phone)).get("id").asText();
    try (WsClient mine = WsClient.connect(server.baseUrl(), a.accessToken());
        WsClient onPhone = WsClient.connect(server.baseUrl(), phone.accessToken())) {
      Api.expect(api.delete(SESSIONS + "/" + phoneSession, a.accessToken()), 204);

      assertThat(onPhone.closeCode()).isEqualTo(4001);
      assertThat(api.get("/api/v1/auth/me", phone.accessToken()).status()).isEqualTo(401);
      assertThat(
              api.post("/api/v1/auth/refresh", Map.of("refresh_token", phone.refreshToken()), null)
                  .status())
          .isEqualTo(401);
      // this session goes on
      assertThat(api.get("/api/v1/auth/me", a.accessToken()).status()).isEqualTo(200);
      assertThat(mine.request(Map.of("type", "ping")).path("type").asText()).isEqualTo("pong");
      assertThat(sessions(a)).hasSize(1);
      // ending it again: it is no longer there
      assertThat(api.delete(SESSIONS + "/" + phoneSession, a.accessToken()).status())
          .isEqualTo(404);
    }
  }

  @Test
  void endingTheCurrentSessionSignsThisClientOut() {
    Account a = api.register("selfender");
    String mine = current(sessions(a)).get("id").asText();
    Api.expect(api.delete(SESSIONS + "/" + mine, a.accessToken()), 204);
    assertThat(api.get("/api/v1/auth/me", a.accessToken()).status()).isEqualTo(401);
    assertThat(
            api.post("/api/v1/auth/refresh", Map.of("refresh_token", a.refreshToken()), null)
                .status())
        .isEqualTo(401);
  }

  @Test
  void someoneElsesSessionOrAMalformedIdIsNotFoundAndEndsNothing() {
    Account a = api.register("intruder");
    Account victim = api.register("victim");
    String theirs = current(sessions(victim)).get("id").asText();
    for (String id : List.of(theirs, "nosuchsession", "x".repeat(300))) {
      Reply r = api.delete(SESSIONS + "/" + id, a.accessToken());
      assertThat(r.status()).as(id).isEqualTo(404);
      assertThat(r.errorCode()).isEqualTo("not_found");
    }
    assertThat(api.get("/api/v1/auth/me", victim.accessToken()).status()).isEqualTo(200);
    assertThat(sessions(victim)).hasSize(1);
    assertThat(api.get(SESSIONS, null).status()).isEqualTo(401);
  }

  @Test
  void aUserKeepsAtMostFiftySessionsAndTheLeastRecentlyUsedEnds() {
    Account a = api.register("manydevices");
    Account last = a;
    for (int i = 0; i < AuthService.MAX_SESSIONS; i++) {
      last = signIn(a, "device " + i);
    }
    assertThat(sessions(last)).hasSize(AuthService.MAX_SESSIONS);
    // the registration's session was the least recently used: ended, tokens and all
    assertThat(api.get("/api/v1/auth/me", a.accessToken()).status()).isEqualTo(401);
    assertThat(
            api.post("/api/v1/auth/refresh", Map.of("refresh_token", a.refreshToken()), null)
                .status())
        .isEqualTo(401);
    assertThat(api.get("/api/v1/auth/me", last.accessToken()).status()).isEqualTo(200);
    long stored =
        server
            .db()
            .withHandle(
                h ->
                    h.createQuery(
                            "SELECT count(*) FROM token_families WHERE user_id = :u AND revoked_at IS NULL")
                        .bind("u", a.id())
                        .mapTo(Long.class)
                        .one());
    assertThat(stored).isEqualTo(AuthService.MAX_SESSIONS);
  }
}
