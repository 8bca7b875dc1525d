package dev.banter.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Api.Reply;
import dev.banter.support.Nginx;
import dev.banter.support.NodeProcess;
import dev.banter.support.Postgres;
import dev.banter.support.Redis;
import dev.banter.support.WsClient;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The shipped {@code deploy/nginx.conf}, rendered for test ports, in front of two nodes on
 * PostgreSQL and Redis that trust it (BANTER_TRUSTED_PROXIES=127.0.0.1). Clients connect from their
 * own loopback addresses (127.0.0.2, .3, …), so the nodes can only tell them apart by what nginx
 * forwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BehindNginxTest {
  private static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();

  /** BANTER_AUTH_RATE of each node: register, login and refresh attempts per client a minute. */
  private static final int AUTH_BUDGET = 5;

  private static final int UPLOAD_MAX = 10 * 1024 * 1024;

  Path dir;
  String database;
  final List<NodeProcess> nodes = new ArrayList<>();
  final List<AutoCloseable> clients = new ArrayList<>();
  Nginx nginx;

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("banter-nginx-");
    database = Postgres.createDatabase();
    Map<String, String> env =
        Map.of(
            "BANTER_DATABASE_URL",
            database,
            "BANTER_REDIS_URL",
            Redis.shared(),
            "BANTER_TRUSTED_PROXIES",
            "127.0.0.1",
            "BANTER_UPLOAD_DIR",
            dir.resolve("uploads").toString(),
            "BANTER_AUTH_RATE",
            String.valueOf(AUTH_BUDGET),
            "BANTER_UPLOAD_MAX_BYTES",
            String.valueOf(UPLOAD_MAX));
    try (ExecutorService starting = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<NodeProcess>> started =
          List.of(
              starting.submit(() -> NodeProcess.start("px1", dir, env)),
              starting.submit(() -> NodeProcess.start("px2", dir, env)));
      ExecutionException failed = null;
      for (Future<NodeProcess> node : started) {
        try {
          nodes.add(
              node.get()); // every started node is stopped afterwards, even when the other failed
        } catch (ExecutionException e) {
          failed = e;
        }
      }
      if (failed != null) {
        throw failed;
      }
    }
    int port = Nginx.freePort();
    nginx = Nginx.start(dir.resolve("nginx"), site(port), port);
  }

  /** deploy/nginx.conf with the compose service names and port replaced by this test's. */
  private String site(int port) throws Exception {
    String shipped = Files.readString(DEPLOY.resolve("nginx.conf"));
    String rendered =
        shipped
            .replace("server banter-1:8080", "server 127.0.0.1:" + port(nodes.get(0)))
            .replace("server banter-2:8080", "server 127.0.0.1:" + port(nodes.get(1)))
            .replace("listen 80;", "listen 127.0.0.1:" + port + ";");
    assertThat(rendered)
        .as("the shipped file still has the lines this test renders")
        .doesNotContain("banter-1:", "banter-2:", "listen 80;");
    return rendered;
  }

  private static int port(NodeProcess node) {
    return URI.create(node.baseUrl()).getPort();
  }

  @AfterAll
  void stop() throws Exception {
    for (AutoCloseable c : clients) {
      c.close();
    }
    if (nginx != null) {
      nginx.close();
    }
    nodes.forEach(NodeProcess::close);
    if (database != null) {
      Postgres.dropDatabase(database);
    }
  }

  @Test
  void clientsChatOverWebSocketsThroughTheProxyAndEachNodeKnowsWhoTheyAre() {
    Account alice = from("127.0.0.11").register("alice");
    Account bob = from("127.0.0.12").register("bob");
    String room = from("127.0.0.11").createRoom(alice, "private");
    from("127.0.0.11").invite(alice, room, bob);
    // a browser's page sends its own origin: the proxy must pass the Host (with its port) for it to
    // match
    WsClient alices = ws("127.0.0.11", alice, Map.of("Origin", nginx.baseUrl()));
    WsClient bobs = ws("127.0.0.12", bob, Map.of());
    alices.request(Map.of("type", "join_room", "room_id", room));
    bobs.request(Map.of("type", "join_room", "room_id", room));

    JsonNode ack =
        alices.request(
            Map.of(
                "type",
                "send_message",
                "room_id",
                room,
                "body",
                "through nginx",
                "client_id",
                "c1"));
    assertThat(ack.get("type").asText()).isEqualTo("ack");
    JsonNode delivered = bobs.await(f -> "new_message".equals(f.path("type").asText()));
    assertThat(delivered.at("/message/body").asText()).isEqualTo("through nginx");
    assertThat(logs())
        .as("session records name the clients, not the proxy")
        .anyMatch(
            l ->
                l.contains("ws open")
                    && l.contains("user=" + alice.username())
                    && l.endsWith("ip=127.0.0.11"))
        .anyMatch(
            l ->
                l.contains("ws open")
                    && l.contains("user=" + bob.username())
                    && l.endsWith("ip=127.0.0.12"));
  }

  @Test
  void aFileUploadedThroughOneNodeDownloadsThroughTheOther() throws Exception {
    Api carolsApi = from("127.0.0.13");
    Account carol = carolsApi.register("carol");
    byte[] content = new byte[UPLOAD_MAX]; // the largest the nodes take: the proxy must take it too
    new Random(19).nextBytes(content);
    Reply uploaded = upload(carolsApi, carol, content);
    assertThat(uploaded.status()).as("upload: %s", uploaded.json()).isEqualTo(201);
    String id = uploaded.json().get("id").asText();

    String accepted = "route=/api/v1/uploads status=201";
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> nodes.stream().anyMatch(n -> n.log().contains(accepted)));
    NodeProcess other =
        nodes.stream().filter(n -> !n.log().contains(accepted)).findFirst().orElseThrow();
    HttpClient http = HttpClient.newBuilder().localAddress(address("127.0.0.13")).build();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> { // round robin: the next download or the one after
              HttpResponse<byte[]> download =
                  http.send(
                      HttpRequest.newBuilder(URI.create(nginx.baseUrl() + "/api/v1/uploads/" + id))
                          .header("Authorization", "Bearer " + carol.accessToken())
                          .build(),
                      HttpResponse.BodyHandlers.ofByteArray());
              assertThat(download.statusCode()).isEqualTo(200);
              assertThat(download.body()).isEqualTo(content);
              return other
                  .log()
                  .lines()
                  .anyMatch(
                      l ->
                          l.contains("route=/api/v1/uploads/{id} status=200")
                              && l.endsWith("ip=127.0.0.13"));
            });
  }

  @Test
  void aClientReconnectsThroughTheProxyAndResumesFromItsLastSeq() {
    Account dave = from("127.0.0.14").register("dave");
    Account erin = from("127.0.0.15").register("erin");
    String room = from("127.0.0.15").createRoom(erin, "private");
    from("127.0.0.15").invite(erin, room, dave);
    from("127.0.0.15").say(erin, room, "before");
    long lastSeq;
    try (WsClient first =
        WsClient.connect(address("127.0.0.14"), nginx.baseUrl(), dave.accessToken(), Map.of())) {
      lastSeq =
          first.request(Map.of("type", "join_room", "room_id", room)).get("last_seq").asLong();
    }
    List<String> missed = List.of("while away 1", "while away 2", "while away 3");
    missed.forEach(body -> from("127.0.0.15").say(erin, room, body));

    for (int attempt = 0; attempt < 2; attempt++) { // round robin: both nodes get to resume it
      WsClient back = ws("127.0.0.14", dave, Map.of());
      JsonNode joined =
          back.request(Map.of("type", "join_room", "room_id", room, "since_seq", lastSeq));
      assertThat(joined.get("type").asText()).isEqualTo("joined");
      assertThat(back.ofType("new_message"))
          .extracting(f -> f.at("/message/body").asText())
          .containsExactlyElementsOf(missed);
    }
  }

  @Test
  void aClientThatSpendsItsLoginBudgetDoesNotSpendAnothersBehindTheSameProxy() {
    Api attacker = from("127.0.0.2");
    Api owner = from("127.0.0.3");
    Account account = owner.register("owner");
    int inARow = 0;
    for (int i = 0;
        i < 6 * AUTH_BUDGET && inARow < 2;
        i++) { // two in a row: both nodes refuse it now
      int status =
          attacker
              .post(
                  "/api/v1/auth/login",
                  Map.of("username", "nobody" + i, "password", "guess-" + i),
                  null)
              .status();
      inARow = status == 429 ? inARow + 1 : 0;
    }
    assertThat(inARow).as("the attacker's address is out of attempts on both nodes").isEqualTo(2);
    Reply forged =
        attacker.send(
            attacker
                .builder("/api/v1/auth/login", null)
                .header("X-Forwarded-For", "198.51.100.1")
                .header("Forwarded", "for=198.51.100.1")
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"x\",\"password\":\"y\"}")));
    assertThat(forged.status()).as("forged forwarding headers buy no fresh budget").isEqualTo(429);
    for (int i = 0; i < 2; i++) {
      Reply login =
          owner.post(
              "/api/v1/auth/login",
              Map.of("username", account.username(), "password", account.password()),
              null);
      assertThat(login.status()).as("the owner's login %d", i + 1).isEqualTo(200);
    }
    assertThat(logs()).anyMatch(l -> l.contains("status=429") && l.endsWith("ip=127.0.0.2"));
  }

  // ---- plumbing ----

  private Api from(String address) {
    return Api.from(nginx.baseUrl(), address(address));
  }

  private WsClient ws(String address, Account who, Map<String, String> headers) {
    WsClient c = WsClient.connect(address(address), nginx.baseUrl(), who.accessToken(), headers);
    clients.add(c);
    return c;
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal); // a literal: no lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private List<String> logs() {
    return nodes.stream().flatMap(n -> n.log().lines()).toList();
  }

  private static Reply upload(Api api, Account who, byte[] content) {
    String boundary = "nginx-test-boundary";
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.writeBytes(content);
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return api.send(
        api.builder("/api/v1/uploads", who.accessToken())
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
  }
}
