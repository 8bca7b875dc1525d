package dev.banter.push;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A push service as a test runs it: a JDK HTTP server on 127.0.0.1 that keeps every request it is
 * sent and answers each endpoint with the statuses it was told to, then 201.
 */
final class PushServiceStandIn implements AutoCloseable {
  /** One request as it arrived. */
  record Received(String path, Map<String, List<String>> headers, byte[] body) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }
  }

  private record Answer(int status, String retryAfter) {}

  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<String, Deque<Answer>> answers = new ConcurrentHashMap<>();

  PushServiceStandIn() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.start();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      received.add(
          new Received(
              path, Map.copyOf(ex.getRequestHeaders()), ex.getRequestBody().readAllBytes()));
      Deque<Answer> scripted = answers.get(path);
      Answer a;
      synchronized (this) {
        a = scripted == null || scripted.isEmpty() ? new Answer(201, null) : scripted.poll();
      }
      if (a.retryAfter() != null) {
        ex.getResponseHeaders().add("Retry-After", a.retryAfter());
      }
      ex.sendResponseHeaders(a.status(), -1);
    }
  }

  /** The origin of this stand-in, e.g. {@code http://127.0.0.1:40123}. */
  String origin() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** A fresh endpoint URL of this stand-in. */
  String endpoint(String name) {
    return origin() + "/push/" + name;
  }

  /** Answers the next requests to {@code endpoint} with {@code statuses}, then 201 again. */
  synchronized void answer(String endpoint, int... statuses) {
    Deque<Answer> d = answers.computeIfAbsent(pathOf(endpoint), k -> new ArrayDeque<>());
    for (int s : statuses) {
      d.add(new Answer(s, null));
    }
  }

  /** Answers the next request to {@code endpoint} with {@code status} and a Retry-After. */
  synchronized void answer(String endpoint, int status, String retryAfter) {
    answers
        .computeIfAbsent(pathOf(endpoint), k -> new ArrayDeque<>())
        .add(new Answer(status, retryAfter));
  }

  /** What {@code endpoint} was sent so far, oldest first. */
  List<Received> receivedAt(String endpoint) {
    String path = pathOf(endpoint);
    return received.stream().filter(r -> r.path().equals(path)).toList();
  }

  private String pathOf(String endpoint) {
    return endpoint.substring(origin().length());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
