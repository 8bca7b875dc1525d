package dev.banter.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * The few REST calls a load scenario needs to set itself up: register, create rooms, invite, leave.
 */
final class BanterRest implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A registered user and its access token. */
  record User(String id, String username, String token) {}

  private final String base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /**
   * @param baseUrl http://host:port
   */
  BanterRest(String baseUrl) {
    this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
  }

  /** ws://host:port/ws for the server at {@code baseUrl} (http://host:port). */
  static URI webSocketUri(String baseUrl) {
    URI u = URI.create(baseUrl);
    return URI.create(
        (u.getScheme().equals("https") ? "wss" : "ws")
            + "://"
            + u.getHost()
            + ":"
            + u.getPort()
            + "/ws");
  }

  User register(String username, String password) throws IOException, InterruptedException {
    JsonNode r =
        call(
            "POST",
            "/api/v1/auth/register",
            null,
            Map.of("username", username, "password", password),
            201);
    return new User(r.path("user").path("id").asText(), username, r.path("access_token").asText());
  }

  /** A guest account (the server must allow guests); no password, so no hashing cost. */
  User guest(String username) throws IOException, InterruptedException {
    JsonNode r = call("POST", "/api/v1/auth/guest", null, Map.of("username", username), 201);
    return new User(r.path("user").path("id").asText(), username, r.path("access_token").asText());
  }

  /** Creates a room owned by {@code owner}, {@code public} or {@code private}; returns its id. */
  String createRoom(User owner, String name, String visibility)
      throws IOException, InterruptedException {
    return call(
            "POST",
            "/api/v1/rooms",
            owner.token(),
            Map.of("name", name, "visibility", visibility),
            201)
        .path("id")
        .asText();
  }

  void join(User who, String roomId) throws IOException, InterruptedException {
    call("POST", "/api/v1/rooms/" + roomId + "/join", who.token(), null, -1);
  }

  /** One page of a room's history, newest first; returns how many messages it held. */
  int history(User as, String roomId, int limit) throws IOException, InterruptedException {
    return call(
            "GET", "/api/v1/rooms/" + roomId + "/messages?limit=" + limit, as.token(), null, 200)
        .path("messages")
        .size();
  }

  void invite(User by, String roomId, String username) throws IOException, InterruptedException {
    call(
        "POST",
        "/api/v1/rooms/" + roomId + "/members",
        by.token(),
        Map.of("username", username),
        -1);
  }

  String defaultRoomId(User as) throws IOException, InterruptedException {
    return call("GET", "/api/v1/rooms/default", as.token(), null, 200).path("id").asText();
  }

  void leave(User who, String roomId) throws IOException, InterruptedException {
    call("POST", "/api/v1/rooms/" + roomId + "/leave", who.token(), null, 204);
  }

  /** Closes the pooled HTTP connections, so the server holds nothing for this client any more. */
  @Override
  public void close() {
    http.close();
  }

  /**
   * @param expect the expected status, or -1 for any 2xx
   */
  private JsonNode call(String method, String path, String token, Object body, int expect)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(15));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    boolean ok = expect < 0 ? r.statusCode() / 100 == 2 : r.statusCode() == expect;
    if (!ok) {
      throw new IOException(
          method + " " + path + " → " + r.statusCode() + " " + new String(r.body()));
    }
    return r.body().length == 0 ? JSON.nullNode() : JSON.readTree(r.body());
  }
}
