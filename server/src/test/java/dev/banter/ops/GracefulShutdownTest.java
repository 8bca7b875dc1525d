package dev.banter.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.TestServer;
import dev.banter.support.WsClient;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a real server process under load: acks in flight are sent, sockets get 1001, acked
 * messages are stored.
 */
class GracefulShutdownTest {
  @TempDir Path dataDir;

  @Test
  void sigtermSendsPendingAcksThenClosesWith1001() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb =
        new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.banter.Banter");
    pb.environment().keySet().removeIf(k -> k.startsWith("BANTER_"));
    pb.environment()
        .putAll(
            Map.of(
                "BANTER_DATA_DIR",
                dataDir.toString(),
                "BANTER_HOST",
                "127.0.0.1",
                "BANTER_PORT",
                String.valueOf(port),
                "BANTER_JWT_SECRET",
                TestServer.JWT_SECRET,
                "BANTER_MESSAGE_RATE",
                "10000",
                "BANTER_MESSAGE_BURST",
                "10000",
                "BANTER_SHUTDOWN_DRAIN",
                "5s"));
    pb.redirectErrorStream(true).redirectOutput(dataDir.resolve("server.log").toFile());
    Process server = pb.start();
    try {
      String base = "http://127.0.0.1:" + port;
      HttpClient http = HttpClient.newHttpClient();
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(
              () ->
                  http.send(
                              HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                              HttpResponse.BodyHandlers.ofString())
                          .statusCode()
                      == 200);
      Api api = new TestServer.RemoteApi(base).api();
      Account a = api.register("leaver");
      String room = api.createRoom(a, "public");
      WsClient ws = WsClient.connect(base, a.accessToken());
      ws.request(Map.of("type", "join_room", "room_id", room));
      for (int i = 0; i < 200; i++) {
        ws.send(
            Map.of("type", "send_message", "room_id", room, "body", "m" + i, "client_id", "c" + i));
      }
      server.destroy(); // SIGTERM
      assertThat(ws.closeCode()).isEqualTo(1001);
      assertThat(server.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(server.exitValue()).as("exit code after SIGTERM").isZero();
      assertThat(Files.readString(dataDir.resolve("server.log"))).contains("SIGTERM: draining");

      List<JsonNode> acks = ws.ofType("ack");
      assertThat(acks).isNotEmpty();
      Set<String> stored =
          new HashSet<>(
              Jdbi.create("jdbc:sqlite:" + dataDir.resolve("banter.db"))
                  .withHandle(
                      h ->
                          h.createQuery("SELECT client_id FROM messages WHERE room_id = :r")
                              .bind("r", room)
                              .mapTo(String.class)
                              .list()));
      for (JsonNode ack : acks) {
        assertThat(stored).contains(ack.get("client_id").asText());
      }
      System.out.printf(
          "graceful shutdown: %d of 200 sends acked before 1001, %d stored%n",
          acks.size(), stored.size());
    } finally {
      server.destroyForcibly();
    }
  }
}
