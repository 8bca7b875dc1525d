package dev.banter.uploads;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.banter.support.Api.Account;
import dev.banter.support.Api.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A well-behaved client's upload: one multipart body with the file in the field {@code file}. */
final class Multipart {
  static final String BOUNDARY = "----banter-test-boundary";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Multipart() {}

  /** The multipart headers of the part that carries the file. */
  static byte[] preamble(String filename) {
    return ("--"
            + BOUNDARY
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
            + filename
            + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  static byte[] epilogue() {
    return ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);
  }

  static byte[] body(String filename, byte[] content) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(preamble(filename));
    body.writeBytes(content);
    body.writeBytes(epilogue());
    return body.toByteArray();
  }

  static Reply upload(String baseUrl, Account who, String filename, byte[] content) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/uploads"))
                  .timeout(Duration.ofSeconds(30))
                  .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                  .header("Authorization", "Bearer " + who.accessToken())
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body(filename, content)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode json = r.body().isEmpty() ? null : JSON.readTree(r.body());
      return new Reply(r.statusCode(), json, r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static HttpResponse<byte[]> download(String baseUrl, Account who, String path) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create(baseUrl + path))
              .header("Authorization", "Bearer " + who.accessToken())
              .build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
