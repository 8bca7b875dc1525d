package dev.banter.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one error type of Banter's API: REST and WebSocket turn it into {@code {"error": {"code",
 * "message", "details"}}} (SPEC §1) in exactly one place each.
 */
public final class ApiError extends RuntimeException {
  private final int status;
  private final String code;
  private final Map<String, Object> details;

  public ApiError(int status, String code, String message, Map<String, Object> details) {
    super(wellFormed(message), null, false, false);
    this.status = status;
    this.code = code;
    this.details = details == null ? Map.of() : Map.copyOf(details);
  }

  /**
   * A message may quote the input (a parser's complaint about a character): an unpaired surrogate
   * in it becomes U+FFFD, since the JSON writer would otherwise garble it with the next character.
   */
  private static String wellFormed(String message) {
    if (message == null || message.chars().noneMatch(c -> Character.isSurrogate((char) c))) {
      return message;
    }
    StringBuilder b = new StringBuilder(message.length());
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < message.length()
          && Character.isLowSurrogate(message.charAt(i + 1))) {
        b.append(c).append(message.charAt(++i));
      } else {
        b.append(Character.isSurrogate(c) ? '\uFFFD' : c);
      }
    }
    return b.toString();
  }

  public static ApiError badRequest(String message) {
    return new ApiError(400, "bad_request", message, null);
  }

  public static ApiError badRequest(String message, String field) {
    return new ApiError(400, "bad_request", message, Map.of("field", field));
  }

  public static ApiError validation(String field, String message) {
    return new ApiError(422, "validation_failed", message, Map.of("field", field));
  }

  public static ApiError unauthorized(String message) {
    return new ApiError(401, "unauthorized", message, null);
  }

  public static ApiError forbidden(String message) {
    return new ApiError(403, "forbidden", message, null);
  }

  public static ApiError notFound(String message) {
    return new ApiError(404, "not_found", message, null);
  }

  public static ApiError conflict(String message) {
    return new ApiError(409, "conflict", message, null);
  }

  public static ApiError payloadTooLarge(String message) {
    return new ApiError(413, "payload_too_large", message, null);
  }

  public static ApiError rateLimited(long retryAfterMs) {
    return new ApiError(
        429,
        "rate_limited",
        "too many requests; retry later",
        Map.of("retry_after_ms", retryAfterMs));
  }

  public static ApiError unavailable(String message, Map<String, Object> details) {
    return new ApiError(503, "unavailable", message, details);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public Map<String, Object> details() {
    return details;
  }

  /** The SPEC §1 body: {@code {"error": {...}}}. */
  public Map<String, Object> body() {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", code);
    error.put("message", getMessage());
    error.put("details", details);
    return Map.of("error", error);
  }
}
