package dev.banter.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.banter.bench.ws.FrameListener;
import dev.banter.bench.ws.WsClient;
import dev.banter.bench.ws.WsConnection;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bare baseline server over real sockets: rooms, relay of the exact bytes, leaving, health,
 * pings, close.
 */
class BaselineServerTest {
  private static final long WAIT_S = 10;

  private BaselineServer server;
  private WsClient client;

  @BeforeEach
  void start() throws InterruptedException {
    server = new BaselineServer();
    server.port = 0;
    server.threads = 2;
    server.queueBytes = 64 * 1024; // small, so that a reader that stalls overflows soon
    server.start();
    client = new WsClient(1, List.of());
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  @Test
  void aTextFrameReachesEveryOtherMemberOfItsRoomAndNoOneElse() throws Exception {
    Member a1 = join("a");
    Member a2 = join("a");
    Member a3 = join("a");
    Member b1 = join("b");
    String text = "{\"body\":\"héllo ✓\",\"n\":1}";

    a1.send(text);

    assertThat(a2.next()).isEqualTo(text);
    assertThat(a3.next()).isEqualTo(text);
    await().atMost(Duration.ofSeconds(WAIT_S)).until(() -> server.rooms.deliveries() == 2);
    // The sender and room b got nothing: the next frame each of them receives is a later one.
    a2.send("second in a");
    assertThat(a1.next()).isEqualTo("second in a");
    Member b2 = join("b");
    b2.send("first in b");
    assertThat(b1.next()).isEqualTo("first in b");
    assertThat(a3.next()).isEqualTo("second in a");
    assertThat(a1.received).isEmpty();
    assertThat(b1.received).isEmpty();
    await().atMost(Duration.ofSeconds(WAIT_S)).until(() -> server.rooms.deliveries() == 2 + 2 + 1);
  }

  @Test
  void aClosedConnectionLeavesItsRoom() throws Exception {
    Member a1 = join("a");
    Member a2 = join("a");
    Member a3 = join("a");
    assertThat(server.rooms.members("a")).isEqualTo(3);

    a3.connection.close().sync();
    await().atMost(Duration.ofSeconds(WAIT_S)).until(() -> server.rooms.members("a") == 2);
    a1.send("after the close");

    assertThat(a2.next()).isEqualTo("after the close");
    await().atMost(Duration.ofSeconds(WAIT_S)).until(() -> server.rooms.deliveries() == 1);
    assertThat(a1.connection.isOpen()).isTrue();
    assertThat(a2.connection.isOpen()).isTrue();
    assertThat(a1.closes).isEmpty();
    assertThat(a2.closes).isEmpty();
    assertThat(a3.received).isEmpty();
  }

  @Test
  void aMemberThatStopsReadingIsClosedAsASlowConsumerAndTheOthersGoOn() throws Exception {
    Member sender = join("s");
    Member reader = join("s");
    try (Socket stalled = new Socket()) {
      stalled.setReceiveBufferSize(4096);
      stalled.connect(new InetSocketAddress("127.0.0.1", server.port()));
      stalled
          .getOutputStream()
          .write(
              ("GET /ws?room=s HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                      + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      await().atMost(Duration.ofSeconds(WAIT_S)).until(() -> server.rooms.members("s") == 3);
      String big = "x".repeat(32 * 1024);
      int sent = 0;
      // Never reads: its socket buffers, Netty's and then the 64 KiB backlog fill up (a few MiB at
      // most).
      while (server.rooms.slowConsumerCloses() == 0 && sent < 2_000) {
        sender.send(big);
        sent++;
        assertThat(reader.next()).hasSize(big.length());
      }
      assertThat(server.rooms.slowConsumerCloses()).isEqualTo(1);
      await().atMost(Duration.ofSeconds(WAIT_S)).until(() -> server.rooms.members("s") == 2);
    }
    sender.send("still here");
    assertThat(reader.next()).isEqualTo("still here");
    assertThat(sender.closes).isEmpty();
    assertThat(reader.closes).isEmpty();
  }

  @Test
  void healthAnswersOk() throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base("http") + "/health")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("ok");
    }
  }

  @Test
  void pingsAreAnsweredAndTheCloseHandshakeIsEchoed() throws Exception {
    CompletableFuture<String> pong = new CompletableFuture<>();
    CompletableFuture<Integer> closed = new CompletableFuture<>();
    WebSocket.Listener listener =
        new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
            pong.complete(StandardCharsets.UTF_8.decode(message).toString());
            ws.request(1);
            return null;
          }

          @Override
          public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
          }
        };
    try (HttpClient http = HttpClient.newHttpClient()) {
      WebSocket ws =
          http.newWebSocketBuilder()
              .buildAsync(URI.create(base("ws") + "/ws?room=p"), listener)
              .get(WAIT_S, TimeUnit.SECONDS);
      ws.sendPing(ByteBuffer.wrap("are you there".getBytes(StandardCharsets.UTF_8)));
      assertThat(pong.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo("are you there");

      ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
      assertThat(closed.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
    }
    await().atMost(Duration.ofSeconds(WAIT_S)).until(() -> server.rooms.members("p") == 0);
  }

  private String base(String scheme) {
    return scheme + "://127.0.0.1:" + server.port();
  }

  private Member join(String room) throws Exception {
    Member m = new Member();
    int before = server.rooms.members(room);
    m.connection =
        client
            .connect(URI.create(base("ws") + "/ws?room=" + room), m)
            .get(WAIT_S, TimeUnit.SECONDS);
    // The server adds the member once its 101 answer is written, which the client may see first.
    await()
        .atMost(Duration.ofSeconds(WAIT_S))
        .until(() -> server.rooms.members(room) == before + 1);
    return m;
  }

  /** One test client: what it received, in order, and how it was closed. */
  private static final class Member implements FrameListener {
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    final BlockingQueue<Integer> closes = new LinkedBlockingQueue<>();
    WsConnection connection;

    @Override
    public void onText(WsConnection c, ByteBuf utf8) {
      received.add(utf8.toString(StandardCharsets.UTF_8));
    }

    @Override
    public void onClose(WsConnection c, int code) {
      closes.add(code);
    }

    void send(String text) throws Exception {
      connection.send(text).get(WAIT_S, TimeUnit.SECONDS);
    }

    /** The next frame received; fails after the wait. */
    String next() throws InterruptedException {
      String s = received.poll(WAIT_S, TimeUnit.SECONDS);
      assertThat(s).as("a frame within %d s", WAIT_S).isNotNull();
      return s;
    }
  }
}
