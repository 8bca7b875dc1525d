package dev.banter.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Backend;
import dev.banter.support.TestServer;
import dev.banter.support.WsClient;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A valid token whose user cannot be read: 1013 when storage fails (come back later), 4001 when the
 * account is gone (sign in again). On PostgreSQL, where a table can be taken away and given back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayAuthStorageTest {
  TestServer server;
  Api api;

  @BeforeAll
  void start() {
    // an auth deadline longer than a test waits for a close: a close seen comes from the auth
    // frame's answer
    server = TestServer.start(Backend.POSTGRES, Map.of("BANTER_WS_AUTH_TIMEOUT", "30s"));
    api = server.api();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void storageFailingWhileAuthenticatingClosesWith1013AndTheSameTokenWorksAfterwards() {
    Account alice = api.register("outage");
    server.db().useHandle(h -> h.execute("ALTER TABLE users RENAME TO users_away"));
    try (WsClient during = WsClient.open(server.baseUrl(), "", Map.of())) {
      during.send(Map.of("type", "auth", "token", alice.accessToken()));
      assertThat(during.closeCode()).isEqualTo(1013);
      assertThat(during.ofType("ready")).isEmpty();
    } finally {
      server.db().useHandle(h -> h.execute("ALTER TABLE users_away RENAME TO users"));
    }
    try (WsClient after = WsClient.connect(server.baseUrl(), alice.accessToken())) {
      assertThat(after.ofType("ready").getFirst().at("/user/id").asText()).isEqualTo(alice.id());
    }
  }

  @Test
  void aValidTokenOfADeletedAccountClosesWith4001() {
    Account gone = api.register("gone");
    server
        .db()
        .useHandle(h -> h.execute("DELETE FROM users WHERE id = ?", gone.id())); // sessions cascade
    try (WsClient c = WsClient.open(server.baseUrl(), "", Map.of())) {
      c.send(Map.of("type", "auth", "token", gone.accessToken()));
      assertThat(c.closeCode()).isEqualTo(4001);
    }
  }
}
