package dev.banter.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/** A real WebSocket client (the JDK's) for protocol tests: records every frame it receives. */
public final class WsClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final AtomicInteger REFS = new AtomicInteger();

  private final List<JsonNode> frames = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final AtomicInteger pings = new AtomicInteger();
  private final List<Long> pingedAt = new CopyOnWriteArrayList<>();
  private WebSocket ws;

  private WsClient() {}

  /** Opens /ws; {@code query} is appended as is (e.g. "?token=…"); extra headers such as Origin. */
  public static WsClient open(String baseUrl, String query, Map<String, String> headers) {
    return open(HTTP, baseUrl, query, headers);
  }

  /** Opens /ws from the local address {@code from} (another loopback address is another client). */
  public static WsClient open(
      InetAddress from, String baseUrl, String query, Map<String, String> headers) {
    return open(HttpClient.newBuilder().localAddress(from).build(), baseUrl, query, headers);
  }

  private static WsClient open(
      HttpClient http, String baseUrl, String query, Map<String, String> headers) {
    WsClient c = new WsClient();
    WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
    headers.forEach(b::header);
    String url = baseUrl.replace("http://", "ws://").replace("https://", "wss://") + "/ws" + query;
    try {
      c.ws = b.buildAsync(URI.create(url), c.listener()).get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("WebSocket connect failed: " + e.getMessage(), e.getCause());
    }
    return c;
  }

  /** Opens /ws and authenticates with the first frame; waits for ready. */
  public static WsClient connect(String baseUrl, String token) {
    return authenticated(open(baseUrl, "", Map.of()), token);
  }

  /** {@link #connect(String, String)} from the local address {@code from}, with extra headers. */
  public static WsClient connect(
      InetAddress from, String baseUrl, String token, Map<String, String> headers) {
    return authenticated(open(from, baseUrl, "", headers), token);
  }

  private static WsClient authenticated(WsClient c, String token) {
    c.send(Map.of("type", "auth", "token", token));
    c.await("ready");
    return c;
  }

  private WebSocket.Listener listener() {
    return new WebSocket.Listener() {
      private final StringBuilder partial = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          try {
            frames.add(JSON.readTree(partial.toString()));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          partial.setLength(0);
        }
        w.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onPing(WebSocket w, ByteBuffer message) {
        pingedAt.add(System.nanoTime());
        pings.incrementAndGet();
        w.request(1);
        return null; // the JDK answers with a pong
      }

      @Override
      public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
      }

      @Override
      public void onError(WebSocket w, Throwable error) {
        closed.complete(-1);
      }
    };
  }

  public static String ref() {
    return "r" + REFS.incrementAndGet();
  }

  public void send(Map<String, ?> frame) {
    try {
      sendText(JSON.writeValueAsString(frame));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void sendText(String text) {
    ws.sendText(text, true).join();
  }

  /** Sends {@code frame} with a fresh ref and waits for the reply carrying it. */
  public JsonNode request(Map<String, Object> frame) {
    String ref = ref();
    Map<String, Object> withRef = new HashMap<>(frame);
    withRef.put("ref", ref);
    send(withRef);
    return await(f -> ref.equals(f.path("ref").asText(null)));
  }

  /** {@code join_room} with the given resume points (null: left out), and its answer. */
  public JsonNode join(String roomId, Long sinceSeq, Long sinceRev) {
    Map<String, Object> f = new HashMap<>();
    f.put("type", "join_room");
    f.put("room_id", roomId);
    if (sinceSeq != null) {
      f.put("since_seq", sinceSeq);
    }
    if (sinceRev != null) {
      f.put("since_rev", sinceRev);
    }
    return request(f);
  }

  /** The {@code notification} of message {@code messageId}, waited for. */
  public JsonNode notified(String messageId) {
    return await(
        f ->
            f.path("type").asText().equals("notification")
                && f.at("/message/id").asText().equals(messageId));
  }

  public JsonNode await(String type) {
    return await(f -> type.equals(f.path("type").asText()));
  }

  /** Waits up to 10 s for a received frame matching {@code match}. */
  public JsonNode await(Predicate<JsonNode> match) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(2))
        .until(() -> frames.stream().anyMatch(match));
    return frames.stream().filter(match).findFirst().orElseThrow();
  }

  public List<JsonNode> frames() {
    return new ArrayList<>(frames);
  }

  public List<JsonNode> ofType(String type) {
    return frames.stream().filter(f -> type.equals(f.path("type").asText())).toList();
  }

  public int pings() {
    return pings.get();
  }

  /** When each ping arrived ({@code System.nanoTime()}), in order. */
  public List<Long> pingTimes() {
    return List.copyOf(pingedAt);
  }

  /**
   * The close code the server sent (waits up to 10 s); -1 when the connection failed without one.
   */
  public int closeCode() {
    try {
      return closed.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the connection was not closed", e);
    }
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  @Override
  public void close() {
    if (!closed.isDone()) {
      ws.abort();
    }
  }
}
