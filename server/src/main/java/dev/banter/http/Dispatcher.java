package dev.banter.http;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.banter.core.ApiError;
import dev.banter.core.Ids;
import dev.banter.core.Json;
import dev.banter.core.RateLimiter;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The end of the HTTP pipeline: finds the route, then runs, on a virtual thread, the fixed chain
 * request id → rate limit → authentication → handler → JSON response / error mapping. Requests of
 * one connection are answered in the order they arrived.
 */
final class Dispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  private static final Logger access = LoggerFactory.getLogger("banter.access");
  private static final Pattern CLIENT_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  static final String JSON_TYPE = "application/json; charset=utf-8";

  private final HttpServer.Context context;
  private final ConnectionLimit.Slot slot;
  private Backpressure flow;

  /** The last request of this connection in flight; the next one runs after it (HTTP/1.1 order). */
  private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

  /**
   * @param slot this connection's place under the per-address limit, given back when it becomes a
   *     WebSocket
   */
  Dispatcher(HttpServer.Context context, ConnectionLimit.Slot slot) {
    this.context = context;
    this.slot = slot;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    flow = new Backpressure(ctx.channel(), context.metrics());
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
    String requestId = msg.headers().get("X-Request-Id");
    if (requestId == null || !CLIENT_REQUEST_ID.matcher(requestId).matches()) {
      requestId = Ids.randomToken(9);
    }
    boolean keepAlive = HttpUtil.isKeepAlive(msg);
    Channel channel = ctx.channel();
    if (msg.decoderResult().isFailure()) {
      write(channel, error(ApiError.badRequest("malformed HTTP request"), requestId), false, false);
      return;
    }
    QueryStringDecoder uri = new QueryStringDecoder(msg.uri());
    String path;
    Map<String, List<String>> query;
    try {
      path = uri.path();
      query = uri.parameters();
    } catch (IllegalArgumentException e) { // a stray '%' or a broken escape: Netty's decoder throws
      FullHttpResponse refusal =
          error(ApiError.badRequest("malformed URI: " + e.getMessage()), requestId);
      next(() -> answer(channel, refusal, keepAlive, false));
      return;
    }
    if (path.equals(WebSocketUpgrader.PATH) && context.upgrader() != null) {
      context.upgrader().upgrade(ctx, msg, requestId);
      if (ctx
          .isRemoved()) { // now a WebSocket: BANTER_WS_PER_IP counts it, HTTP's guards step aside
        slot.release();
        HttpServer.removeHttpGuards(ctx.pipeline());
      }
      return;
    }
    Routes.Lookup lookup = context.routes().find(msg.method(), path);
    String id = requestId;
    if (Cors.isPreflight(msg) && path.startsWith(Cors.API_PREFIX) && !lookup.allowed().isEmpty()) {
      FullHttpResponse preflight = context.cors().preflight(msg, lookup.allowed(), id);
      next(() -> answer(channel, preflight, keepAlive, false));
      return;
    }
    boolean read = msg.method().equals(HttpMethod.GET) || msg.method().equals(HttpMethod.HEAD);
    if (lookup.match() == null
        && lookup.allowed().isEmpty()
        && read
        && context.staticFiles() != null
        && !path.startsWith("/api/")) {
      Request request =
          new Request(
              msg.method(),
              path,
              Map.of(),
              query,
              msg.headers(),
              new byte[0],
              ClientAddress.of(channel, msg.headers()),
              id);
      next(() -> serveStatic(channel, request, keepAlive));
      return;
    }
    if (lookup.match() == null) {
      FullHttpResponse response =
          lookup.allowed().isEmpty()
              ? error(ApiError.notFound("no route for " + msg.method() + " " + path), id)
              : methodNotAllowed(lookup.allowed(), id);
      boolean head = msg.method().equals(HttpMethod.HEAD);
      next(() -> answer(channel, response, keepAlive, head));
      return;
    }
    Request request =
        new Request(
            msg.method(),
            path,
            lookup.match().params(),
            query,
            msg.headers(),
            ByteBufUtil.getBytes(msg.content()),
            ClientAddress.of(channel, msg.headers()),
            id);
    Route route = lookup.match().route();
    context.inFlight().incrementAndGet();
    next(
        () -> {
          try {
            serve(channel, route, request, keepAlive);
          } finally {
            context.inFlight().decrementAndGet();
          }
        });
  }

  /**
   * Queues a request's answer behind the ones before it, on a virtual thread that first waits until
   * the connection takes output (pipelining pauses while the client does not read).
   */
  private void next(Runnable answer) {
    flow.requestRead();
    tail =
        tail.thenRunAsync(
            () -> {
              flow.awaitWritable();
              answer.run();
            },
            context.blocking());
  }

  /** Writes a whole answer; the connection counts it as answered once it is out. */
  private void answer(Channel channel, FullHttpResponse response, boolean keepAlive, boolean head) {
    write(channel, response, keepAlive, head).addListener(f -> flow.answered());
  }

  private void serve(Channel channel, Route route, Request request, boolean keepAlive) {
    long started = System.nanoTime();
    MDC.put("request_id", request.requestId());
    HttpResponse response;
    try {
      response = handle(route, request);
    } catch (ApiError e) {
      response = error(e, request.requestId());
    } catch (Exception | StackOverflowError e) {
      log.error(
          "unexpected failure in {} {} (request id {})",
          request.method(),
          route.template,
          request.requestId(),
          e);
      response =
          error(
              new ApiError(
                  500, "internal", "internal error", Map.of("request_id", request.requestId())),
              request.requestId());
    }
    int status = response.status().code();
    boolean head = request.method().equals(HttpMethod.HEAD);
    if (response instanceof StreamedResponse streamed) {
      streamed.send(channel, keepAlive, head, flow);
    } else {
      answer(channel, (FullHttpResponse) response, keepAlive, head);
    }
    logged(request, route.template, status, started);
  }

  /**
   * One access-log line and one timer sample per request; the route is the template, never the raw
   * path.
   */
  private void logged(Request request, String route, int status, long started) {
    long nanos = System.nanoTime() - started;
    context.metrics().httpRequest(request.method().name(), route, status, nanos);
    accessLog(
        request.method().name(), route, status, nanos, request.clientIp(), request.requestId());
  }

  /**
   * The access-log line of one request (streamed uploads write theirs too); ends the request's MDC.
   */
  static void accessLog(
      String method, String route, int status, long nanos, String ip, String requestId) {
    MDC.put("request_id", requestId);
    try {
      access.info(
          "{} {} {} {} {}",
          kv("method", method),
          kv("route", route),
          kv("status", status),
          kv("duration_ms", nanos / 1_000_000),
          kv("ip", ip));
    } finally {
      MDC.remove("request_id");
    }
  }

  private void serveStatic(Channel channel, Request request, boolean keepAlive) {
    long started = System.nanoTime();
    MDC.put("request_id", request.requestId());
    Response r = context.staticFiles().respond(request, request.path());
    FullHttpResponse response =
        r == null
            ? error(ApiError.notFound("no route for GET " + request.path()), request.requestId())
            : response(
                HttpResponseStatus.valueOf(r.status()),
                (byte[]) r.body(),
                r.contentType(),
                r.headers(),
                request.requestId());
    answer(channel, response, keepAlive, request.method().equals(HttpMethod.HEAD));
    logged(request, r == null ? "unmatched" : "static", response.status().code(), started);
  }

  /** The handler's answer: whole, or a {@link StreamedResponse} that is sent as it is read. */
  private HttpResponse handle(Route route, Request request) throws Exception {
    if (route.insideOnly && !request.fromInside()) {
      throw ApiError.forbidden("only loopback and trusted proxies may ask for this");
    }
    RateLimiter limiter =
        switch (route.budget) {
          case AUTH -> context.authLimiter();
          case API -> context.apiLimiter();
          case NONE -> null;
        };
    if (limiter != null) {
      limiter.check(request.clientKey());
    }
    if (route.authenticated) {
      String header = request.header("Authorization").orElse("");
      if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() == 7) {
        throw ApiError.unauthorized("missing bearer token");
      }
      request.authenticate(context.authenticator().authenticate(header.substring(7).strip()));
    }
    Object result = route.handler.handle(request);
    if (result instanceof Response r) {
      if (r.body() instanceof Response.Stream stream) {
        return streamed(r, stream, request.requestId());
      }
      if (r.body() instanceof byte[] bytes) {
        return response(
            HttpResponseStatus.valueOf(r.status()),
            bytes,
            r.contentType(),
            r.headers(),
            request.requestId());
      }
      return response(
          HttpResponseStatus.valueOf(r.status()),
          r.body() == null ? new byte[0] : Json.write(r.body()),
          JSON_TYPE,
          r.headers(),
          request.requestId());
    }
    if (route.status == 204 || result == null) {
      return response(
          HttpResponseStatus.valueOf(route.status == 200 ? 204 : route.status),
          new byte[0],
          null,
          Map.of(),
          request.requestId());
    }
    return response(
        HttpResponseStatus.valueOf(route.status),
        Json.write(result),
        JSON_TYPE,
        Map.of(),
        request.requestId());
  }

  static FullHttpResponse error(ApiError e, String requestId) {
    FullHttpResponse r =
        response(
            HttpResponseStatus.valueOf(e.status()),
            Json.write(e.body()),
            JSON_TYPE,
            Map.of(),
            requestId);
    Object retry = e.details().get("retry_after_ms");
    if (retry instanceof Long ms) {
      r.headers().set(HttpHeaderNames.RETRY_AFTER, String.valueOf(Math.max(1, (ms + 999) / 1000)));
    }
    return r;
  }

  private static FullHttpResponse methodNotAllowed(Set<String> allowed, String requestId) {
    FullHttpResponse r =
        error(
            new ApiError(
                405,
                "method_not_allowed",
                "method not allowed here",
                Map.of("allowed", String.join(", ", allowed))),
            requestId);
    r.headers().set(HttpHeaderNames.ALLOW, String.join(", ", allowed));
    return r;
  }

  private static StreamedResponse streamed(Response r, Response.Stream stream, String requestId) {
    StreamedResponse s =
        new StreamedResponse(HttpResponseStatus.valueOf(r.status()), stream.in(), stream.length());
    try {
      headers(s, r.contentType(), r.headers(), requestId);
    } catch (RuntimeException e) { // an unsendable header: the file must not stay open
      s.discard();
      throw e;
    }
    return s;
  }

  static FullHttpResponse response(
      HttpResponseStatus status,
      byte[] body,
      String contentType,
      Map<String, String> headers,
      String requestId) {
    FullHttpResponse r =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    r.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    headers(r, contentType, headers, requestId);
    return r;
  }

  /** The headers every answer carries, then the handler's own. */
  private static void headers(
      HttpResponse r, String contentType, Map<String, String> headers, String requestId) {
    if (contentType != null) {
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    }
    r.headers().set("X-Request-Id", requestId);
    r.headers().set("X-Content-Type-Options", "nosniff");
    if (!headers.containsKey("Cache-Control")) {
      r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    }
    headers.forEach((k, v) -> r.headers().set(k, v));
  }

  /** Writes and flushes a whole answer; the future completes when it is out (or failed). */
  static ChannelFuture write(
      Channel channel, FullHttpResponse response, boolean keepAlive, boolean head) {
    if (head) {
      response.content().clear();
    }
    if (keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      return channel.writeAndFlush(response);
    }
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return channel.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    flow.writabilityChanged();
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    flow.writabilityChanged(); // wakes a parked sender, which then stops
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("HTTP connection failed: {}", cause.toString());
    ctx.close();
  }
}
