package dev.banter.http;

import java.io.InputStream;
import java.util.Map;

/**
 * A handler result that needs more than the route's status and a JSON body: another status, extra
 * headers, raw bytes with a content type, or a stream (a download).
 */
public record Response(int status, Object body, Map<String, String> headers, String contentType) {
  /**
   * A body of {@code length} bytes sent as it is read, never held whole; the server closes {@code
   * in}.
   */
  public record Stream(InputStream in, long length) {}

  public static Response json(int status, Object body) {
    return new Response(status, body, Map.of(), null);
  }

  public static Response bytes(
      int status, byte[] body, String contentType, Map<String, String> headers) {
    return new Response(status, body, headers, contentType);
  }

  /** A download: {@code in} is read and sent in chunks as the client takes them, then closed. */
  public static Response stream(
      int status, InputStream in, long length, String contentType, Map<String, String> headers) {
    return new Response(status, new Stream(in, length), headers, contentType);
  }
}
