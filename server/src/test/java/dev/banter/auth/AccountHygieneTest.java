package dev.banter.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Backend;
import dev.banter.support.TestServer;
import dev.banter.support.WsClient;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What keeps accounts honest: a private data directory, admin names no guest can squat, guests that
 * expire and free their names, and names without invisible formatting.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountHygieneTest {
  static final String ADMIN_NAME = "chief_" + Long.toString(System.nanoTime() % 100_000, 36);
  TestServer server;
  Api api;

  @BeforeAll
  void start() {
    server =
        TestServer.start(
            Backend.SQLITE,
            Map.of(
                "BANTER_GUEST_ACCESS",
                "true",
                "BANTER_ADMINS",
                ADMIN_NAME,
                "BANTER_GUEST_EXPIRY",
                "2s"));
    api = server.api();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private int guestStatus(String name) {
    return api.post("/api/v1/auth/guest", Map.of("username", name), null).status();
  }

  @Test
  void theDataDirectoryIsPrivateAndSoIsTheDatabase() throws Exception {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(server.dataDir())))
        .isEqualTo("rwx------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(server.dataDir().resolve("banter.db"))))
        .isEqualTo("rw-------");
    var wal = server.dataDir().resolve("banter.db-wal");
    if (Files.exists(wal)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(wal)))
          .isEqualTo("rw-------");
    }
  }

  @Test
  void aGuestCannotTakeAConfiguredAdminName() {
    assertThat(guestStatus(ADMIN_NAME)).isEqualTo(409);
    JsonNode registered =
        Api.expect(
                api.post(
                    "/api/v1/auth/register",
                    Map.of("username", ADMIN_NAME, "password", "the real chief"),
                    null),
                201)
            .json();
    assertThat(registered.at("/user/role").asText()).isEqualTo("admin");
  }

  @Test
  void anIdleGuestExpiresAndFreesItsNameWhileAConnectedOneStays() {
    String idleName = Api.uniqueName("idle");
    String posterName = Api.uniqueName("poster");
    String stayerName = Api.uniqueName("stayer");
    assertThat(guestStatus(idleName)).isEqualTo(201);
    Account poster =
        Api.account(api.post("/api/v1/auth/guest", Map.of("username", posterName), null), null);
    String said = api.say(poster, "general", "a guest was here").get("id").asText();
    Account stayer =
        Api.account(api.post("/api/v1/auth/guest", Map.of("username", stayerName), null), null);
    try (WsClient connected = WsClient.connect(server.baseUrl(), stayer.accessToken())) {
      connected.await("ready");
      Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> guestStatus(idleName) == 201);
      Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> guestStatus(posterName) == 201);
      assertThat(guestStatus(stayerName)).as("online, so not idle").isEqualTo(409);
    }
    Account reader = api.register("reader");
    JsonNode history =
        api.get("/api/v1/rooms/general/messages?limit=200", reader.accessToken()).json();
    JsonNode kept = null;
    for (JsonNode m : history.get("messages")) {
      if (m.get("id").asText().equals(said)) {
        kept = m;
      }
    }
    assertThat(kept).as("the expired guest's message stays").isNotNull();
    assertThat(kept.at("/author/display_name").asText()).isEqualTo("former guest");
    assertThat(kept.at("/author/username").asText()).isNotEqualTo(posterName);
    assertThat(api.get("/api/v1/auth/me", poster.accessToken()).status())
        .isIn(200, 401); // its token is short-lived
    assertThat(
            api.post("/api/v1/auth/refresh", Map.of("refresh_token", poster.refreshToken()), null)
                .status())
        .isEqualTo(401);
  }

  @Test
  void bidiOverridesAndOtherFormatCharactersAreStrippedFromNames() {
    Account a = api.register("spoofer");
    JsonNode profile =
        Api.expect(
                api.patch(
                    "/api/v1/users/me",
                    Map.of("display_name", "ad\u202Emin\u200B"),
                    a.accessToken()),
                200)
            .json();
    assertThat(profile.get("display_name").asText()).isEqualTo("admin");
    JsonNode room =
        Api.expect(
                api.post(
                    "/api/v1/rooms",
                    Map.of("name", "\u2067" + "news" + Api.uniqueName("") + "\u2069"),
                    a.accessToken()),
                201)
            .json();
    assertThat(room.get("name").asText()).doesNotContain("\u2067", "\u2069").startsWith("news");
    JsonNode family =
        Api.expect(
                api.patch(
                    "/api/v1/users/me",
                    Map.of("display_name", "fam \uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67"),
                    a.accessToken()),
                200)
            .json();
    assertThat(family.get("display_name").asText())
        .as("the joiner of emoji stays")
        .isEqualTo("fam \uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67");
    assertThat(
            api.patch("/api/v1/users/me", Map.of("display_name", "\u202E\u200B"), a.accessToken())
                .status())
        .as("nothing left")
        .isEqualTo(422);
  }
}
