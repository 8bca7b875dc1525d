package dev.banter.http;

import dev.banter.core.ApiError;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Cross-origin calls to the REST API ({@code /api/…}) from the browser origins in {@code
 * BANTER_ALLOWED_ORIGINS}. An allowed origin gets itself back in {@code
 * Access-Control-Allow-Origin} (never {@code *}, even when {@code *} is configured, so caches keyed
 * by {@code Vary: Origin} stay right); any other origin gets no CORS header at all. Credentials are
 * never allowed: the API takes bearer tokens, not cookies. Unset, only the server's own pages call
 * it, which needs no CORS.
 */
final class Cors {
  static final String API_PREFIX = "/api/";

  /** What a browser may send: the token, JSON, and a request id to find the call in the logs. */
  static final String ALLOWED_HEADERS = "Authorization, Content-Type, X-Request-Id";

  /** What a page may read of an answer besides the CORS-safelisted headers. */
  static final String EXPOSED_HEADERS = "X-Request-Id, Retry-After, Content-Disposition";

  /** How long a browser may reuse a preflight; short, so a changed setting takes effect soon. */
  static final String MAX_AGE_SECONDS = "600";

  private final List<String> origins;

  Cors(List<String> allowedOrigins) {
    this.origins = allowedOrigins.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
  }

  /** Whether answers to {@code request} are CORS answers: an API path with origins configured. */
  boolean applies(HttpRequest request) {
    return !origins.isEmpty() && request.uri().startsWith(API_PREFIX);
  }

  /** The request's {@code Origin} when it may read the answer, else null. */
  String allowedOrigin(HttpRequest request) {
    String origin = request.headers().get(HttpHeaderNames.ORIGIN);
    if (origin == null || !applies(request)) {
      return null;
    }
    return origins.contains("*") || origins.contains(origin.toLowerCase(Locale.ROOT))
        ? origin
        : null;
  }

  static boolean isPreflight(HttpRequest request) {
    return request.method().equals(HttpMethod.OPTIONS)
        && request.headers().contains(HttpHeaderNames.ORIGIN)
        && request.headers().contains(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
  }

  /**
   * The answer to a preflight of a path whose routes allow {@code methods}: 204 with what may be
   * sent, or 403 for an origin not allowed (and so without any CORS header).
   */
  FullHttpResponse preflight(HttpRequest request, Set<String> methods, String requestId) {
    if (allowedOrigin(request) == null) {
      return Dispatcher.error(ApiError.forbidden("origin not allowed"), requestId);
    }
    FullHttpResponse r =
        Dispatcher.response(HttpResponseStatus.NO_CONTENT, new byte[0], null, Map.of(), requestId);
    r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, String.join(", ", methods));
    r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS);
    r.headers().set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, MAX_AGE_SECONDS);
    return r;
  }

  /** Adds the headers of an answer to a request with that allowed origin (null: none allowed). */
  static void decorate(HttpResponse response, String allowedOrigin) {
    response.headers().add(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
    if (allowedOrigin != null) {
      response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowedOrigin);
      response.headers().set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED_HEADERS);
    }
  }
}
