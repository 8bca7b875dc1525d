package dev.banter.http;

import dev.banter.core.ApiError;
import dev.banter.core.Json;
import dev.banter.core.Principal;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What a handler sees of one HTTP request. The body is already read (JSON routes are small). */
public final class Request {
  private final HttpMethod method;
  private final String path;
  private final Map<String, String> pathParams;
  private final Map<String, List<String>> query;
  private final HttpHeaders headers;
  private final byte[] body;
  private final ClientAddress client;
  private final String requestId;
  private Principal principal;

  Request(
      HttpMethod method,
      String path,
      Map<String, String> pathParams,
      Map<String, List<String>> query,
      HttpHeaders headers,
      byte[] body,
      ClientAddress client,
      String requestId) {
    this.method = method;
    this.path = path;
    this.pathParams = pathParams;
    this.query = query;
    this.headers = headers;
    this.body = body;
    this.client = client;
    this.requestId = requestId;
  }

  public HttpMethod method() {
    return method;
  }

  public String path() {
    return path;
  }

  /**
   * The value of a {@code {name}} segment of the route's template; a %00 in it is a 422 ({@link
   * Json#isStorable}).
   */
  public String param(String name) {
    String v = pathParams.get(name);
    if (v == null) {
      throw new IllegalArgumentException("route has no parameter " + name);
    }
    if (!Json.isStorable(v)) {
      throw ApiError.validation(name, name + " must not contain NUL");
    }
    return v;
  }

  /** A query parameter; given twice is a 400 (ambiguous), a %00 in it a 422. */
  public Optional<String> query(String name) {
    List<String> values = query.get(name);
    if (values == null || values.isEmpty()) {
      return Optional.empty();
    }
    if (values.size() > 1) {
      throw ApiError.badRequest("query parameter '" + name + "' given more than once", name);
    }
    if (!Json.isStorable(values.get(0))) {
      throw ApiError.validation(name, name + " must not contain NUL");
    }
    return Optional.of(values.get(0));
  }

  /** An integer query parameter within [min, max]; absent → {@code fallback}. */
  public int queryInt(String name, int min, int max, int fallback) {
    return queryLong(name, min, max).map(Long::intValue).orElse(fallback);
  }

  /**
   * A whole-number query parameter within [min, max]: 400 when not a number, 422 when out of range.
   */
  public Optional<Long> queryLong(String name, long min, long max) {
    Optional<String> raw = query(name);
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    long n;
    try {
      n = Long.parseLong(raw.get());
    } catch (NumberFormatException e) {
      throw ApiError.badRequest("query parameter '" + name + "' must be a whole number", name);
    }
    if (n < min || n > max) {
      throw ApiError.validation(name, name + " must be between " + min + " and " + max);
    }
    return Optional.of(n);
  }

  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }

  /** The JSON body as {@code type}: 400 when malformed or wrongly typed. */
  public <T> T body(Class<T> type) {
    return Json.read(body, type);
  }

  public byte[] rawBody() {
    return body;
  }

  /**
   * The client's address as logs show it (see {@link ClientAddress}: behind a trusted proxy, the
   * proxy's client).
   */
  public String clientIp() {
    return client.ip();
  }

  /**
   * What per-address budgets count this request by: its client's address, or the /64 of an IPv6
   * one.
   */
  public String clientKey() {
    return client.limitKey();
  }

  /** Whether the caller is inside (see {@link ClientAddress#inside()}). */
  boolean fromInside() {
    return client.inside();
  }

  public String requestId() {
    return requestId;
  }

  /** The authenticated caller; present on every route not declared {@code open()}. */
  public Principal user() {
    if (principal == null) {
      throw ApiError.unauthorized("authentication required");
    }
    return principal;
  }

  void authenticate(Principal p) {
    this.principal = p;
  }
}
