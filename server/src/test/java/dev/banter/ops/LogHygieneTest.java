package dev.banter.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Api.Reply;
import dev.banter.support.NodeProcess;
import dev.banter.support.TestServer;
import dev.banter.support.WsClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server process logging JSON lines while every kind of token is issued and used: afterwards its
 * log holds none of the tokens, passwords or the JWT secret, and has one line per request with
 * method, route template, status, duration and request id.
 */
class LogHygieneTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void theLogHoldsNoSecretsAndOneStructuredLinePerRequest() throws Exception {
    List<String> secrets = new ArrayList<>();
    secrets.add(TestServer.JWT_SECRET);
    String log;
    String nodeId;
    try (NodeProcess node =
        NodeProcess.start(
            "hygiene", dir, Map.of("BANTER_LOG_FORMAT", "json", "BANTER_GUEST_ACCESS", "true"))) {
      nodeId = node.nodeId();
      Api api = node.api();
      Account a = api.register("logged");
      secrets.add(a.password());
      secrets.add(a.accessToken());
      secrets.add(a.refreshToken());
      Reply login =
          api.post(
              "/api/v1/auth/login",
              Map.of("username", a.username(), "password", a.password()),
              null);
      secrets.add(login.json().get("access_token").asText());
      String refresh = login.json().get("refresh_token").asText();
      secrets.add(refresh);
      Reply rotated = api.post("/api/v1/auth/refresh", Map.of("refresh_token", refresh), null);
      secrets.add(rotated.json().get("access_token").asText());
      secrets.add(rotated.json().get("refresh_token").asText());
      api.post(
          "/api/v1/auth/refresh",
          Map.of("refresh_token", refresh),
          null); // reuse: revokes, gets logged as 401
      api.post(
          "/api/v1/auth/login",
          Map.of("username", a.username(), "password", "wrong-password-123"),
          null);
      secrets.add("wrong-password-123");
      Reply guest = api.post("/api/v1/auth/guest", Map.of("username", Api.uniqueName("g")), null);
      secrets.add(guest.json().get("access_token").asText());
      api.post(
          "/api/v1/users/me/password",
          Map.of("current_password", a.password(), "new_password", "new-pass-4567"),
          a.accessToken());
      secrets.add("new-pass-4567");
      api.get("/api/v1/auth/me", "forged.token.value");
      try (WsClient byQuery = WsClient.open(node.baseUrl(), "?token=" + a.accessToken(), Map.of());
          WsClient byFrame = WsClient.connect(node.baseUrl(), a.accessToken())) {
        byQuery.await("ready");
        byFrame.request(Map.of("type", "ping"));
      }
      Reply me =
          api.send(
              api.builder("/api/v1/auth/me", a.accessToken())
                  .header("X-Request-Id", "trace-me-42")
                  .GET());
      assertThat(me.status()).isEqualTo(200);
      Awaitility.await().until(() -> node.log().contains("ws closed"));
      log = node.log();
    }
    for (String secret : secrets) {
      assertThat(log).as("the log must not contain a secret").doesNotContain(secret);
    }
    List<JsonNode> access = new ArrayList<>();
    for (String line : log.lines().filter(l -> l.startsWith("{")).toList()) {
      JsonNode j = JSON.readTree(line);
      assertThat(j.get("node_id").asText()).isEqualTo(nodeId);
      if ("banter.access".equals(j.path("logger_name").asText())) {
        access.add(j);
      }
    }
    assertThat(access)
        .isNotEmpty()
        .allSatisfy(
            j -> {
              assertThat(j.get("method").asText()).isNotBlank();
              assertThat(j.get("route").asText()).startsWith("/");
              assertThat(j.get("status").asInt()).isBetween(100, 599);
              assertThat(j.has("duration_ms")).isTrue();
              assertThat(j.get("request_id").asText()).isNotBlank();
            });
    assertThat(access)
        .anySatisfy(j -> assertThat(j.get("request_id").asText()).isEqualTo("trace-me-42"));
    assertThat(access)
        .anySatisfy(
            j -> assertThat(j.get("route").asText()).isEqualTo("/api/v1/users/me/password"));
    assertThat(log).contains("\"close_code\"");
  }
}
