package dev.banter.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;

/**
 * A small HTTP client DSL for tests: requests read like the spec, replies expose status and JSON.
 */
public final class Api {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final AtomicInteger NAMES = new AtomicInteger();

  private final String base;
  private final HttpClient client;

  Api(String base) {
    this(base, CLIENT);
  }

  private Api(String base, HttpClient client) {
    this.base = base;
    this.client = client;
  }

  /**
   * The DSL for a client on the local address {@code from} (another loopback address is another
   * client).
   */
  public static Api from(String baseUrl, InetAddress from) {
    return new Api(
        baseUrl,
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).localAddress(from).build());
  }

  /** A reply: status, parsed body (null when empty) and headers. */
  public record Reply(int status, JsonNode json, HttpResponse<String> raw) {
    public String errorCode() {
      return json == null ? null : json.path("error").path("code").asText(null);
    }

    public String errorField() {
      return json == null ? null : json.path("error").path("details").path("field").asText(null);
    }

    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  /** A registered user with their tokens. */
  public record Account(
      String id,
      String username,
      String password,
      String accessToken,
      String refreshToken,
      JsonNode user) {}

  /** A fresh username unique within this JVM. */
  public static String uniqueName(String stem) {
    return stem
        + "_"
        + NAMES.incrementAndGet()
        + "_"
        + Long.toString(System.nanoTime() % 100_000, 36);
  }

  public Account register(String stem) {
    String name = uniqueName(stem);
    String password = "pw-" + name + "-long";
    Reply r = post("/api/v1/auth/register", Map.of("username", name, "password", password), null);
    if (r.status() != 201) {
      throw new AssertionError("register failed: " + r.status() + " " + r.json());
    }
    return account(r, password);
  }

  public static Account account(Reply r, String password) {
    JsonNode u = r.json().get("user");
    return new Account(
        u.get("id").asText(),
        u.get("username").asText(),
        password,
        r.json().get("access_token").asText(),
        r.json().get("refresh_token").asText(),
        u);
  }

  // ---- chat helpers: each asserts its own success so tests read as the scenario ----

  /** Creates a channel as {@code owner}; returns its id. */
  public String createRoom(Account owner, String visibility) {
    Reply r =
        post(
            "/api/v1/rooms",
            Map.of("name", uniqueName("room"), "visibility", visibility),
            owner.accessToken());
    expect(r, 201);
    return r.json().get("id").asText();
  }

  /** Adds {@code who} to a room by invitation of {@code by}. */
  public void invite(Account by, String roomId, Account who) {
    expect(
        post(
            "/api/v1/rooms/" + roomId + "/members",
            Map.of("username", who.username()),
            by.accessToken()),
        201);
  }

  /** Posts a message; returns it. */
  public JsonNode say(Account who, String roomId, String body) {
    Reply r =
        post("/api/v1/rooms/" + roomId + "/messages", Map.of("body", body), who.accessToken());
    expect(r, 201);
    return r.json();
  }

  public static Reply expect(Reply r, int status) {
    if (r.status() != status) {
      throw new AssertionError("expected " + status + " but got " + r.status() + ": " + r.json());
    }
    return r;
  }

  public Reply get(String path, String token) {
    return send(builder(path, token).GET());
  }

  public Reply post(String path, Object body, String token) {
    return send(builder(path, token).POST(body(body)).header("Content-Type", "application/json"));
  }

  public Reply patch(String path, Object body, String token) {
    return send(
        builder(path, token)
            .method("PATCH", body(body))
            .header("Content-Type", "application/json"));
  }

  public Reply put(String path, Object body, String token) {
    return send(builder(path, token).PUT(body(body)).header("Content-Type", "application/json"));
  }

  public Reply delete(String path, String token) {
    return send(builder(path, token).DELETE());
  }

  /** Posts raw bytes as the body (malformed JSON, oversize bodies). */
  public Reply postRaw(String path, byte[] body, String token) {
    return send(
        builder(path, token)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .header("Content-Type", "application/json"));
  }

  /** Uploads {@code content} as {@code who} (multipart, field {@code file}); the reply is 201. */
  public Reply upload(Account who, String filename, byte[] content) {
    String boundary = "----banter-api-boundary";
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.writeBytes(content);
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return expect(
        send(
            builder("/api/v1/uploads", who.accessToken())
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))),
        201);
  }

  /** A {@code w}×{@code h} PNG of one colour. */
  public static byte[] png(int w, int h, Color colour) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(colour);
    g.fillRect(0, 0, w, h);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Gives {@code who} an avatar (a small PNG uploaded and set); returns their profile's {@code
   * /api/v1/avatars/{key}}.
   */
  public String giveAvatar(Account who) {
    String id = upload(who, "me.png", png(64, 64, Color.ORANGE)).json().get("id").asText();
    return expect(
            patch(
                "/api/v1/users/me",
                Map.of("avatar_url", "/api/v1/uploads/" + id),
                who.accessToken()),
            200)
        .json()
        .get("avatar_url")
        .asText();
  }

  public Reply send(HttpRequest.Builder b) {
    try {
      HttpResponse<String> resp = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      boolean isJson = resp.headers().firstValue("Content-Type").orElse("").contains("json");
      JsonNode json = resp.body().isEmpty() || !isJson ? null : JSON.readTree(resp.body());
      return new Reply(resp.statusCode(), json, resp);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpRequest.Builder builder(String path, String token) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private static HttpRequest.BodyPublisher body(Object body) {
    try {
      return body instanceof String s
          ? HttpRequest.BodyPublishers.ofString(s)
          : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
