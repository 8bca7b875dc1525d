package dev.banter.http;

import java.util.Map;

/**
 * A handler result that needs more than the route's status and a JSON body: another status,
 * extra headers, or raw bytes with a content type.
 */
public record Response(int status, Object body, Map<String, String> headers, String contentType) {
  public static Response json(int status, Object body) {
    return new Response(status, body, Map.of(), null);
  }

  public static Response bytes(int status, byte[] body, String contentType, Map<String, String> headers) {
    return new Response(status, body, headers, contentType);
  }
}
