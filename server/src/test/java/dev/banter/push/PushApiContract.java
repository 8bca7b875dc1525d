package dev.banter.push;

import static dev.banter.support.Api.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Api.Reply;
import dev.banter.support.Backend;
import dev.banter.support.TestServer;
import dev.banter.support.WsClient;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * SPEC §8 Web Push over real HTTP: subscriptions through the API, and pushes as a push service (a
 * stand-in on 127.0.0.1) receives them — signed for with VAPID, encrypted for the browser's keys.
 * Run once per storage backend by the subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PushApiContract {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String SUBSCRIPTIONS = "/api/v1/push/subscriptions";

  TestServer server;
  Api api;
  PushServiceStandIn pushService;
  Account alice;
  Account bob;

  abstract Backend backend();

  @BeforeAll
  void start() {
    pushService = new PushServiceStandIn();
    server = TestServer.start(backend(), Map.of("BANTER_WEBHOOK_ALLOW_PRIVATE", "true"));
    api = server.api();
  }

  @BeforeEach
  void freshUsers() {
    alice = api.register("alice");
    bob = api.register("bob");
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
    if (pushService != null) {
      pushService.close();
    }
  }

  // ---- the DSL ----

  private Reply subscribe(Account who, Object body) {
    return api.post(SUBSCRIPTIONS, body, who.accessToken());
  }

  private String subscribed(Account who, PushBrowser browser, String endpoint) {
    return expect(subscribe(who, browser.subscription(endpoint)), 201).json().get("id").asText();
  }

  private long stored(Account who) {
    return server
        .db()
        .withHandle(
            h ->
                h.createQuery("SELECT count(*) FROM push_subscriptions WHERE user_id = :u")
                    .bind("u", who.id())
                    .mapTo(Long.class)
                    .one());
  }

  private String publicKey() {
    return expect(api.get("/api/v1/push/key", alice.accessToken()), 200)
        .json()
        .get("public_key")
        .asText();
  }

  private double counter(String name) {
    var c = server.banter().metrics().registry().find(name).counter();
    return c == null ? 0 : c.count();
  }

  private static Map<String, Object> payload(String body) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("type", "notification");
    p.put("room_id", "general");
    p.put("reason", "mention");
    p.put("message", Map.of("id", "m1", "seq", 7, "body", body));
    return p;
  }

  // ---- the key ----

  @Test
  void theKeyIsAnUncompressedP256PointInBase64url() {
    byte[] point = P256.unbase64url(publicKey());
    assertThat(point).hasSize(65);
    assertThat(point[0]).isEqualTo((byte) 4);
    P256.publicKey(point); // on the curve, or this throws
  }

  @Test
  void theKeyStaysTheSameAcrossARestartAndItsFileIsPrivate() throws Exception {
    String before = publicKey();
    server.restart();
    api = server.api(); // a restart listens on another free port
    assertThat(publicKey()).isEqualTo(before);
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(server.dataDir().resolve(VapidKeys.FILE))))
        .isEqualTo("rw-------");
  }

  // ---- a push as the push service receives it ----

  @Test
  void aNotificationArrivesSignedWithVapidAndEncryptedForTheBrowser() throws Exception {
    PushBrowser browser = PushBrowser.create();
    String endpoint = pushService.endpoint(Api.uniqueName("e"));
    subscribed(alice, browser, endpoint);

    server.banter().push().notify(alice.id(), payload("hello @" + alice.username()));

    await().atMost(Duration.ofSeconds(10)).until(() -> !pushService.receivedAt(endpoint).isEmpty());
    PushServiceStandIn.Received r = pushService.receivedAt(endpoint).get(0);
    assertThat(r.header("Content-Encoding")).isEqualTo("aes128gcm");
    assertThat(r.header("Urgency")).isEqualTo("high");
    assertThat(Long.parseLong(r.header("TTL"))).isPositive();

    String auth = r.header("Authorization");
    assertThat(auth).matches("vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=[\\w-]+");
    String token = auth.substring("vapid t=".length(), auth.indexOf(','));
    String k = auth.substring(auth.indexOf("k=") + 2);
    assertThat(k).isEqualTo(publicKey());
    DecodedJWT jwt =
        JWT.require(Algorithm.ECDSA256(P256.publicKey(P256.unbase64url(k)), null))
            .build()
            .verify(token); // ES256 by the server's key, or this throws
    assertThat(jwt.getAlgorithm()).isEqualTo("ES256");
    assertThat(jwt.getAudience()).containsExactly(pushService.origin());
    assertThat(jwt.getExpiresAtAsInstant())
        .isAfter(Instant.now())
        .isBefore(Instant.now().plus(Duration.ofHours(24)));
    assertThat(jwt.getSubject()).startsWith("mailto:");

    JsonNode got = JSON.readTree(browser.decrypt(r.body()));
    assertThat(got).isEqualTo(JSON.valueToTree(payload("hello @" + alice.username())));
  }

  @Test
  void aMentionOfSomeoneWithNoLiveConnectionArrivesAsAPushAndNotForOneOnline() throws Exception {
    PushBrowser bobs = PushBrowser.create();
    String bobsEndpoint = pushService.endpoint(Api.uniqueName("bob"));
    subscribed(bob, bobs, bobsEndpoint);
    PushBrowser alices = PushBrowser.create();
    String alicesEndpoint = pushService.endpoint(Api.uniqueName("alice"));
    subscribed(alice, alices, alicesEndpoint);
    Account carol = api.register("carol");
    String room = api.createRoom(carol, "private");
    api.invite(carol, room, bob);
    api.invite(carol, room, alice);
    try (WsClient online = WsClient.connect(server.baseUrl(), alice.accessToken())) {
      online.await("ready");

      String id =
          api.say(carol, room, "@" + bob.username() + " and @" + alice.username() + " look")
              .get("id")
              .asText();

      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !pushService.receivedAt(bobsEndpoint).isEmpty());
      JsonNode got =
          JSON.readTree(bobs.decrypt(pushService.receivedAt(bobsEndpoint).get(0).body()));
      assertThat(got.get("type").asText()).isEqualTo("notification");
      assertThat(got.get("room_id").asText()).isEqualTo(room);
      assertThat(got.get("reason").asText()).isEqualTo("mention");
      assertThat(got.at("/message/id").asText()).isEqualTo(id);
      assertThat(got.at("/message/author/username").asText()).isEqualTo(carol.username());
      assertThat(got.get("room_name").asText()).isNotBlank();
      // alice is online: her socket is told, her browser is not pushed to
      online.await(
          f ->
              f.path("type").asText().equals("notification")
                  && f.at("/message/id").asText().equals(id));
      String later = api.say(carol, room, "@" + bob.username() + " again").get("id").asText();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> pushService.receivedAt(bobsEndpoint).size() == 2);
      assertThat(
              JSON.readTree(bobs.decrypt(pushService.receivedAt(bobsEndpoint).get(1).body()))
                  .at("/message/id")
                  .asText())
          .isEqualTo(later);
      assertThat(pushService.receivedAt(alicesEndpoint)).isEmpty();
    }
  }

  @Test
  void everySubscriptionOfTheUserGetsItAndNoOneElses() {
    String phone = pushService.endpoint(Api.uniqueName("phone"));
    String laptop = pushService.endpoint(Api.uniqueName("laptop"));
    String bobs = pushService.endpoint(Api.uniqueName("bob"));
    subscribed(alice, PushBrowser.create(), phone);
    subscribed(alice, PushBrowser.create(), laptop);
    subscribed(bob, PushBrowser.create(), bobs);

    server.banter().push().notify(alice.id(), payload("two devices"));

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                pushService.receivedAt(phone).size() == 1
                    && pushService.receivedAt(laptop).size() == 1);
    assertThat(pushService.receivedAt(bobs)).isEmpty();
  }

  @Test
  void aDisabledAccountIsNotPushedTo() {
    String endpoint = pushService.endpoint(Api.uniqueName("disabled"));
    subscribed(alice, PushBrowser.create(), endpoint);
    String control = pushService.endpoint(Api.uniqueName("control"));
    subscribed(bob, PushBrowser.create(), control);
    server
        .db()
        .useHandle(
            h ->
                h.createUpdate("UPDATE users SET disabled = :yes WHERE id = :u")
                    .bind("yes", true)
                    .bind("u", alice.id())
                    .execute());

    server.banter().push().notify(alice.id(), payload("you are out"));
    server.banter().push().notify(bob.id(), payload("you are in"));

    await().atMost(Duration.ofSeconds(10)).until(() -> pushService.receivedAt(control).size() == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> server.banter().push().pending() == 0);
    assertThat(pushService.receivedAt(endpoint)).isEmpty();
    assertThat(stored(alice)).isEqualTo(1); // kept for when the account is enabled again
  }

  @Test
  void aPushServiceAnswering410RemovesTheSubscription() {
    String endpoint = pushService.endpoint(Api.uniqueName("gone"));
    subscribed(alice, PushBrowser.create(), endpoint);
    pushService.answer(endpoint, 410);
    double pruned = counter("banter_push_pruned");

    server.banter().push().notify(alice.id(), payload("anyone there?"));

    await().atMost(Duration.ofSeconds(10)).until(() -> stored(alice) == 0);
    assertThat(counter("banter_push_pruned")).isEqualTo(pruned + 1);
  }

  @Test
  void aPushServiceAnswering404RemovesTheSubscriptionToo() {
    String endpoint = pushService.endpoint(Api.uniqueName("unknown"));
    subscribed(alice, PushBrowser.create(), endpoint);
    pushService.answer(endpoint, 404);

    server.banter().push().notify(alice.id(), payload("anyone there?"));

    await().atMost(Duration.ofSeconds(10)).until(() -> stored(alice) == 0);
  }

  @Test
  void a500IsRetriedUntilThePushServiceTakesIt() {
    String endpoint = pushService.endpoint(Api.uniqueName("flaky"));
    subscribed(alice, PushBrowser.create(), endpoint);
    pushService.answer(endpoint, 500);

    server.banter().push().notify(alice.id(), payload("again"));

    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> pushService.receivedAt(endpoint).size() == 2);
    assertThat(stored(alice)).isEqualTo(1);
  }

  @Test
  void a429IsRetriedAfterTheWaitItAsksFor() {
    String endpoint = pushService.endpoint(Api.uniqueName("busy"));
    subscribed(alice, PushBrowser.create(), endpoint);
    pushService.answer(endpoint, 429, "1");

    server.banter().push().notify(alice.id(), payload("later"));

    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> pushService.receivedAt(endpoint).size() == 2);
    List<PushServiceStandIn.Received> got = pushService.receivedAt(endpoint);
    assertThat(got.get(1).body()).isNotEqualTo(got.get(0).body()); // encrypted afresh
  }

  @Test
  void afterThreeFailedAttemptsThePushIsGivenUpAndTheSubscriptionKept() {
    String endpoint = pushService.endpoint(Api.uniqueName("down"));
    subscribed(alice, PushBrowser.create(), endpoint);
    pushService.answer(endpoint, 503, 503, 503, 503);
    double failed = counter("banter_push_failed");

    server.banter().push().notify(alice.id(), payload("lost"));

    await().atMost(Duration.ofSeconds(20)).until(() -> counter("banter_push_failed") > failed);
    assertThat(pushService.receivedAt(endpoint)).hasSize(3);
    assertThat(stored(alice)).isEqualTo(1);
  }

  @Test
  void anotherClientErrorIsNotRetried() {
    String endpoint = pushService.endpoint(Api.uniqueName("forbidden"));
    subscribed(alice, PushBrowser.create(), endpoint);
    pushService.answer(endpoint, 403);
    double failed = counter("banter_push_failed");

    server.banter().push().notify(alice.id(), payload("no"));

    await().atMost(Duration.ofSeconds(10)).until(() -> counter("banter_push_failed") > failed);
    assertThat(pushService.receivedAt(endpoint)).hasSize(1);
    assertThat(stored(alice)).isEqualTo(1);
  }

  @Test
  void aPayloadLargerThan3KiBIsDroppedAndCounted() {
    String endpoint = pushService.endpoint(Api.uniqueName("big"));
    subscribed(alice, PushBrowser.create(), endpoint);
    double dropped = counter("banter_push_dropped");

    server.banter().push().notify(alice.id(), payload("x".repeat(PushSender.MAX_PAYLOAD_BYTES)));

    assertThat(counter("banter_push_dropped")).isEqualTo(dropped + 1);
  }

  // ---- subscriptions ----

  @Test
  void theSameEndpointAgainIsTheSameSubscription() {
    String endpoint = pushService.endpoint(Api.uniqueName("again"));
    String id = subscribed(alice, PushBrowser.create(), endpoint);
    Reply again = expect(subscribe(alice, PushBrowser.create().subscription(endpoint)), 200);
    assertThat(again.json().get("id").asText()).isEqualTo(id);
    assertThat(stored(alice)).isEqualTo(1);
  }

  @Test
  void anEndpointSubscribedByAnotherUserMovesToThem() {
    String endpoint = pushService.endpoint(Api.uniqueName("shared"));
    subscribed(alice, PushBrowser.create(), endpoint);
    subscribed(bob, PushBrowser.create(), endpoint);
    assertThat(stored(alice)).isZero();
    assertThat(stored(bob)).isEqualTo(1);
  }

  @Test
  void theEleventhSubscriptionEvictsTheOldest() {
    String first = pushService.endpoint(Api.uniqueName("first"));
    String firstId = subscribed(alice, PushBrowser.create(), first);
    for (int i = 2; i <= PushService.MAX_PER_USER; i++) {
      subscribed(alice, PushBrowser.create(), pushService.endpoint(Api.uniqueName("n" + i)));
    }
    assertThat(stored(alice)).isEqualTo(PushService.MAX_PER_USER);

    subscribed(alice, PushBrowser.create(), pushService.endpoint(Api.uniqueName("eleventh")));

    assertThat(stored(alice)).isEqualTo(PushService.MAX_PER_USER);
    assertThat(api.delete(SUBSCRIPTIONS + "/" + firstId, alice.accessToken()).status())
        .isEqualTo(404);
  }

  @Test
  void unsubscribingRemovesItOnceAndOnlyForItsOwner() {
    String id = subscribed(alice, PushBrowser.create(), pushService.endpoint(Api.uniqueName("u")));
    assertThat(api.delete(SUBSCRIPTIONS + "/" + id, bob.accessToken()).status()).isEqualTo(404);
    assertThat(stored(alice)).isEqualTo(1);
    assertThat(api.delete(SUBSCRIPTIONS + "/" + id, alice.accessToken()).status()).isEqualTo(204);
    assertThat(stored(alice)).isZero();
    assertThat(api.delete(SUBSCRIPTIONS + "/" + id, alice.accessToken()).status()).isEqualTo(404);
  }

  @Test
  void aRemovedUsersSubscriptionsGoWithThem() {
    subscribed(alice, PushBrowser.create(), pushService.endpoint(Api.uniqueName("bye")));
    server
        .db()
        .useHandle(
            h -> {
              if (backend() == Backend.SQLITE) {
                h.execute("PRAGMA foreign_keys = ON"); // as Banter's own connections have it
              }
              h.execute("DELETE FROM refresh_tokens");
              h.createUpdate("DELETE FROM room_members WHERE user_id = :u")
                  .bind("u", alice.id())
                  .execute();
              h.createUpdate("DELETE FROM users WHERE id = :u").bind("u", alice.id()).execute();
            });
    assertThat(stored(alice)).isZero();
  }

  @Test
  void unusableValuesAre422NamingTheFieldAndNothingIsStored() {
    PushBrowser ok = PushBrowser.create();
    String endpoint = pushService.endpoint(Api.uniqueName("bad"));
    byte[] offCurve = P256.encode(ok.publicKey());
    offCurve[64] ^= 1;
    Map<String, Map<String, Object>> cases = new LinkedHashMap<>();
    cases.put("endpoint", body("ftp://push.example/x", ok.p256dh(), ok.authText()));
    cases.put("endpoint ", body("not a url at all", ok.p256dh(), ok.authText()));
    cases.put(
        "endpoint  ", body("https://push.example/" + "x".repeat(2048), ok.p256dh(), ok.authText()));
    cases.put("endpoint   ", body("/relative/path", ok.p256dh(), ok.authText()));
    cases.put("keys.p256dh", body(endpoint, ok.authText(), ok.authText()));
    cases.put("keys.p256dh ", body(endpoint, P256.base64url(offCurve), ok.authText()));
    cases.put("keys.p256dh  ", body(endpoint, "not*base64", ok.authText()));
    cases.put("keys.auth", body(endpoint, ok.p256dh(), P256.base64url(new byte[15])));
    cases.put("keys.auth ", body(endpoint, ok.p256dh(), ok.p256dh()));
    cases.forEach(
        (field, body) -> {
          Reply r = subscribe(alice, body);
          assertThat(r.status()).as(field + ": " + r.json()).isEqualTo(422);
          assertThat(r.errorCode()).isEqualTo("validation_failed");
          assertThat(r.errorField()).isEqualTo(field.strip());
        });
    assertThat(stored(alice)).isZero();
  }

  @Test
  void missingOrWronglyTypedFieldsAre400AndNothingIsStored() {
    PushBrowser ok = PushBrowser.create();
    String endpoint = pushService.endpoint(Api.uniqueName("bad"));
    Map<String, Object> noEndpoint = new HashMap<>(body(endpoint, ok.p256dh(), ok.authText()));
    noEndpoint.remove("endpoint");
    Map<String, Object> noKeys = Map.of("endpoint", endpoint);
    Map<String, Object> noAuth =
        Map.of("endpoint", endpoint, "keys", Map.of("p256dh", ok.p256dh()));
    Map<String, Object> numberEndpoint =
        Map.of("endpoint", 42, "keys", Map.of("p256dh", ok.p256dh(), "auth", ok.authText()));
    Map<String, Object> keysAString = Map.of("endpoint", endpoint, "keys", "p256dh");
    for (Object body : List.of(noEndpoint, noKeys, noAuth, numberEndpoint, keysAString, "[]")) {
      Reply r = subscribe(alice, body);
      assertThat(r.status()).as(body + ": " + r.json()).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo("bad_request");
    }
    assertThat(api.postRaw(SUBSCRIPTIONS, "{".getBytes(), alice.accessToken()).status())
        .isEqualTo(400);
    assertThat(stored(alice)).isZero();
  }

  private static Map<String, Object> body(String endpoint, String p256dh, String auth) {
    return Map.of("endpoint", endpoint, "keys", Map.of("p256dh", p256dh, "auth", auth));
  }

  // ---- the private-address rule ----

  @Test
  void withoutAllowPrivateAPrivateOrPlainEndpointIsRefused() {
    try (TestServer strict = TestServer.start(backend())) {
      Api strictApi = strict.api();
      Account carol = strictApi.register("carol");
      PushBrowser b = PushBrowser.create();
      for (String endpoint :
          List.of(
              "https://127.0.0.1/push/x",
              "https://localhost/push/x",
              "https://10.1.2.3/push/x",
              "https://169.254.169.254/latest/meta-data",
              "https://[::1]/push/x",
              "https://[fd00::1]/push/x",
              pushService.endpoint("plain-http"))) {
        Reply r = strictApi.post(SUBSCRIPTIONS, b.subscription(endpoint), carol.accessToken());
        assertThat(r.status()).as(endpoint + ": " + r.json()).isEqualTo(422);
        assertThat(r.errorField()).isEqualTo("endpoint");
      }
      assertThat(strict.count("push_subscriptions")).isZero();
    }
  }

  @Test
  void withoutAllowPrivateAStoredEndpointThatTurnedPrivateIsNotSentTo() {
    try (TestServer strict = TestServer.start(backend())) {
      Account carol = strict.api().register("carol");
      PushBrowser b = PushBrowser.create();
      String endpoint = pushService.endpoint(Api.uniqueName("rebound"));
      // as if its name resolved to a public address when it was subscribed
      strict
          .db()
          .useHandle(
              h ->
                  h.createUpdate(
                          """
                          INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, created_at)
                          VALUES ('s1', :u, :e, :k, :a, 0)""")
                      .bind("u", carol.id())
                      .bind("e", endpoint)
                      .bind("k", b.p256dh())
                      .bind("a", b.authText())
                      .execute());
      var failed = strict.banter().metrics().registry().find("banter_push_failed").counter();
      double before = failed.count();

      strict.banter().push().notify(carol.id(), payload("psst"));

      await().atMost(Duration.ofSeconds(10)).until(() -> failed.count() > before);
      assertThat(pushService.receivedAt(endpoint)).isEmpty();
    }
  }
}
