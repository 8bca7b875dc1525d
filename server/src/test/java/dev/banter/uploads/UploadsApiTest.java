package dev.banter.uploads;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Api.Reply;
import dev.banter.support.Backend;
import dev.banter.support.TestServer;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Uploads streamed to disk, typed by their bytes, downloadable only by those who may see them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UploadsApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  TestServer server;
  Api api;
  Account alice;
  Account bob;
  Account eve;
  String room;

  @BeforeAll
  void start() {
    server = TestServer.start(Backend.SQLITE, Map.of("BANTER_UPLOAD_MAX_BYTES", "200000"));
    api = server.api();
    alice = api.register("alice");
    bob = api.register("bob");
    eve = api.register("eve");
    room = api.createRoom(alice, "private");
    api.invite(alice, room, bob);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private static byte[] png(int w, int h) throws Exception {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    var g = img.getGraphics();
    g.setColor(Color.ORANGE);
    g.fillRect(0, 0, w, h);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  private Reply upload(Account who, String field, String filename, byte[] content)
      throws Exception {
    String boundary = "----banter" + System.nanoTime();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\""
                + field
                + "\"; filename=\""
                + filename
                + "\"\r\nContent-Type: image/png\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.write(content);
    body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/uploads"))
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
    if (who != null) {
      b.header("Authorization", "Bearer " + who.accessToken());
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = r.body().isEmpty() ? null : JSON.readTree(r.body());
    return new Reply(r.statusCode(), json, r);
  }

  private HttpResponse<byte[]> download(Account who, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
            .header("Authorization", "Bearer " + who.accessToken())
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private List<Path> storedFiles() throws Exception {
    Path dir = server.dataDir().resolve("uploads");
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void anImageIsStoredTypedHashedThumbnailedAndServedInlineToItsUploader() throws Exception {
    byte[] bytes = png(800, 400);
    Reply r = upload(alice, "file", "holiday photo.png", bytes);
    assertThat(r.status()).isEqualTo(201);
    String id = r.json().get("id").asText();
    assertThat(r.json().get("name").asText()).isEqualTo("holiday photo.png");
    assertThat(r.json().get("size").asLong()).isEqualTo(bytes.length);
    assertThat(r.json().get("content_type").asText()).isEqualTo("image/png");
    assertThat(r.json().get("url").asText()).isEqualTo("/api/v1/uploads/" + id);
    String sha =
        server
            .db()
            .withHandle(
                h ->
                    h.createQuery("SELECT sha256 FROM uploads WHERE id = :id")
                        .bind("id", id)
                        .mapTo(String.class)
                        .one());
    assertThat(sha)
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    String storage =
        server
            .db()
            .withHandle(
                h ->
                    h.createQuery("SELECT storage_name FROM uploads WHERE id = :id")
                        .bind("id", id)
                        .mapTo(String.class)
                        .one());
    assertThat(storage).doesNotContain("holiday").matches("[A-Za-z0-9_-]{20,}");
    HttpResponse<byte[]> d = download(alice, "/api/v1/uploads/" + id);
    assertThat(d.statusCode()).isEqualTo(200);
    assertThat(d.body()).isEqualTo(bytes);
    assertThat(d.headers().firstValue("Content-Type")).contains("image/png");
    assertThat(d.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("inline");
    assertThat(d.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    HttpResponse<byte[]> thumb = download(alice, "/api/v1/uploads/" + id + "/thumbnail");
    assertThat(thumb.statusCode()).isEqualTo(200);
    BufferedImage t = ImageIO.read(new ByteArrayInputStream(thumb.body()));
    assertThat(Math.max(t.getWidth(), t.getHeight())).isEqualTo(320);
  }

  @Test
  void attachedFilesReachRoomMembersAndNoOneElse() throws Exception {
    String id =
        upload(alice, "file", "notes.txt", "meeting notes".getBytes(StandardCharsets.UTF_8))
            .json()
            .get("id")
            .asText();
    assertThat(download(bob, "/api/v1/uploads/" + id).statusCode())
        .isEqualTo(403); // not posted yet
    Reply posted =
        api.post(
            "/api/v1/rooms/" + room + "/messages",
            Map.of("body", "see attached", "attachments", List.of(id)),
            alice.accessToken());
    assertThat(posted.status()).isEqualTo(201);
    assertThat(posted.json().at("/attachments/0/id").asText()).isEqualTo(id);
    assertThat(posted.json().at("/attachments/0/name").asText()).isEqualTo("notes.txt");
    JsonNode history = api.get("/api/v1/rooms/" + room + "/messages", bob.accessToken()).json();
    assertThat(history.at("/messages/0/attachments/0/content_type").asText())
        .startsWith("text/plain");
    HttpResponse<byte[]> d = download(bob, "/api/v1/uploads/" + id);
    assertThat(d.statusCode()).isEqualTo(200);
    assertThat(d.headers().firstValue("Content-Disposition").orElseThrow())
        .startsWith("attachment");
    assertThat(download(eve, "/api/v1/uploads/" + id).statusCode()).isEqualTo(403);
    assertThat(api.get("/api/v1/uploads/" + id, null).status()).isEqualTo(401);
    assertThat(download(bob, "/api/v1/uploads/no-such-upload").statusCode()).isEqualTo(404);
  }

  @Test
  void anotherUsersUploadCannotBeAttached() throws Exception {
    String evesFile =
        upload(eve, "file", "mine.txt", "eve's".getBytes(StandardCharsets.UTF_8))
            .json()
            .get("id")
            .asText();
    long messages = server.count("messages");
    long links = server.count("message_attachments");
    Reply r =
        api.post(
            "/api/v1/rooms/" + room + "/messages",
            Map.of("body", "stolen", "attachments", List.of(evesFile)),
            alice.accessToken());
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.errorField()).isEqualTo("attachments");
    Reply unknown =
        api.post(
            "/api/v1/rooms/" + room + "/messages",
            Map.of("body", "x", "attachments", List.of("nope")),
            alice.accessToken());
    assertThat(unknown.status()).isEqualTo(422);
    assertThat(server.count("messages")).isEqualTo(messages);
    assertThat(server.count("message_attachments")).isEqualTo(links);
  }

  @Test
  void badUploadsAreClearErrorsAndStoreNothing() throws Exception {
    long rows = server.count("uploads");
    int files = storedFiles().size();
    Reply empty = upload(alice, "file", "empty.txt", new byte[0]);
    assertThat(empty.status()).isEqualTo(422);
    assertThat(empty.json().at("/error/code").asText()).isEqualTo("validation_failed");
    Reply big = upload(alice, "file", "big.bin", new byte[300_000]);
    assertThat(big.status()).isEqualTo(413);
    assertThat(big.json().at("/error/code").asText()).isEqualTo("payload_too_large");
    Reply noFile = upload(alice, "document", "x.txt", "hi".getBytes(StandardCharsets.UTF_8));
    assertThat(noFile.status()).isEqualTo(400);
    Reply anonymous = upload(null, "file", "x.txt", "hi".getBytes(StandardCharsets.UTF_8));
    assertThat(anonymous.status()).isEqualTo(401);
    Reply notMultipart = api.post("/api/v1/uploads", Map.of("file", "x"), alice.accessToken());
    assertThat(notMultipart.status()).isEqualTo(400);
    assertThat(server.count("uploads")).isEqualTo(rows);
    assertThat(storedFiles()).hasSize(files);
  }

  @Test
  void theBytesDecideTheTypeNotTheNameAndNamesCannotEscape() throws Exception {
    Reply fake =
        upload(
            alice,
            "file",
            "innocent.png",
            "<html><script>alert(1)</script>".getBytes(StandardCharsets.UTF_8));
    assertThat(fake.status()).isEqualTo(201);
    assertThat(fake.json().get("content_type").asText()).startsWith("text/plain");
    assertThat(fake.json().has("thumbnail_url")).isFalse();
    HttpResponse<byte[]> d = download(alice, "/api/v1/uploads/" + fake.json().get("id").asText());
    assertThat(d.headers().firstValue("Content-Disposition").orElseThrow())
        .startsWith("attachment");
    assertThat(d.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("sandbox");
    Reply traversal =
        upload(alice, "file", "../../../etc/passwd", "root:x:0:0".getBytes(StandardCharsets.UTF_8));
    assertThat(traversal.status()).isEqualTo(201);
    assertThat(traversal.json().get("name").asText()).isEqualTo("passwd");
    assertThat(server.dataDir().resolve("etc")).doesNotExist();
    assertThat(storedFiles())
        .allSatisfy(p -> assertThat(p.getParent()).isEqualTo(server.dataDir().resolve("uploads")));
  }

  @Test
  void uploadsNeverAttachedAreRemovedAfterADay() throws Exception {
    String orphan =
        upload(alice, "file", "orphan.txt", "alone".getBytes(StandardCharsets.UTF_8))
            .json()
            .get("id")
            .asText();
    String kept =
        upload(alice, "file", "kept.txt", "loved".getBytes(StandardCharsets.UTF_8))
            .json()
            .get("id")
            .asText();
    api.post(
        "/api/v1/rooms/" + room + "/messages",
        Map.of("body", "keep", "attachments", List.of(kept)),
        alice.accessToken());
    long dayAgo = System.currentTimeMillis() - 25 * 3600_000L;
    server
        .db()
        .useHandle(
            h ->
                h.createUpdate("UPDATE uploads SET created_at = :t WHERE id IN (:a, :b)")
                    .bind("t", dayAgo)
                    .bind("a", orphan)
                    .bind("b", kept)
                    .execute());
    String storage =
        server
            .db()
            .withHandle(
                h ->
                    h.createQuery("SELECT storage_name FROM uploads WHERE id = :id")
                        .bind("id", orphan)
                        .mapTo(String.class)
                        .one());
    assertThat(server.banter().uploads().removeOrphans()).isGreaterThanOrEqualTo(1);
    assertThat(server.dataDir().resolve("uploads").resolve(storage)).doesNotExist();
    assertThat(download(alice, "/api/v1/uploads/" + orphan).statusCode()).isEqualTo(404);
    assertThat(download(alice, "/api/v1/uploads/" + kept).statusCode()).isEqualTo(200);
  }
}
