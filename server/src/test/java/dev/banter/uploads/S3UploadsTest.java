package dev.banter.uploads;

import static org.assertj.core.api.Assertions.assertThat;

import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Backend;
import dev.banter.support.S3Server;
import dev.banter.support.TestServer;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With BANTER_S3_BUCKET, uploads live in an S3-compatible bucket (a real s3rver), not in the data
 * dir.
 */
class S3UploadsTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void filesAndThumbnailsGoToTheBucketAndComeBackFromIt() throws Exception {
    Path s3data = Files.createDirectories(dir.resolve("s3"));
    try (S3Server s3 = S3Server.start(s3data);
        TestServer server =
            TestServer.start(
                Backend.SQLITE,
                Map.of(
                    "BANTER_S3_BUCKET",
                    S3Server.BUCKET,
                    "BANTER_S3_ENDPOINT",
                    s3.endpoint(),
                    "BANTER_S3_ACCESS_KEY",
                    S3Server.KEY,
                    "BANTER_S3_SECRET_KEY",
                    S3Server.KEY))) {
      Api api = server.api();
      // the bucket answers its readiness check (a HEAD of the bucket)
      assertThat(api.get("/ready", null).json().at("/checks/uploads").asText()).isEqualTo("up");
      Account alice = api.register("alice");
      BufferedImage img = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
      img.getGraphics().setColor(Color.BLUE);
      img.getGraphics().fillRect(0, 0, 640, 480);
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      ImageIO.write(img, "png", png);
      String boundary = "----s3test";
      byte[] body =
          concat(
              ("--"
                      + boundary
                      + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"pic.png\"\r\n"
                      + "Content-Type: image/png\r\n\r\n")
                  .getBytes(StandardCharsets.UTF_8),
              png.toByteArray(),
              ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
      HttpResponse<String> up =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/uploads"))
                  .header("Authorization", "Bearer " + alice.accessToken())
                  .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
      String id = up.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");

      HttpResponse<byte[]> down =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/uploads/" + id))
                  .header("Authorization", "Bearer " + alice.accessToken())
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(down.statusCode()).isEqualTo(200);
      assertThat(down.body()).isEqualTo(png.toByteArray());
      HttpResponse<byte[]> thumb =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create(server.baseUrl() + "/api/v1/uploads/" + id + "/thumbnail"))
                  .header("Authorization", "Bearer " + alice.accessToken())
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(thumb.statusCode()).isEqualTo(200);

      // nothing stored in the data dir; the objects are in the bucket's storage
      assertThat(regularFiles(server.dataDir().resolve("uploads"))).isEmpty();
      String storage =
          server
              .db()
              .withHandle(
                  h ->
                      h.createQuery("SELECT storage_name FROM uploads WHERE id = :id")
                          .bind("id", id)
                          .mapTo(String.class)
                          .one());
      assertThat(regularFiles(s3data).stream().map(Path::toString).filter(p -> p.contains(storage)))
          .isNotEmpty();

      // orphan removal deletes from the bucket too
      server
          .db()
          .useHandle(
              h ->
                  h.createUpdate("UPDATE uploads SET created_at = 0 WHERE id = :id")
                      .bind("id", id)
                      .execute());
      assertThat(server.banter().uploads().removeOrphans()).isEqualTo(1);
      assertThat(regularFiles(s3data).stream().map(Path::toString).filter(p -> p.contains(storage)))
          .isEmpty();
    }
  }

  private static List<Path> regularFiles(Path root) throws Exception {
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
