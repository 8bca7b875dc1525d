package dev.banter.http;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.banter.core.ApiError;
import dev.banter.core.Ids;
import dev.banter.core.Json;
import dev.banter.core.RateLimiter;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The end of the HTTP pipeline: finds the route, then runs, on a virtual thread, the fixed
 * chain request id → rate limit → authentication → handler → JSON response / error mapping.
 * Requests of one connection are answered in the order they arrived.
 */
final class Dispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  private static final Logger access = LoggerFactory.getLogger("banter.access");
  private static final Pattern CLIENT_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  static final String JSON_TYPE = "application/json; charset=utf-8";

  private final HttpServer.Context context;
  /** The last request of this connection in flight; the next one runs after it (HTTP/1.1 order). */
  private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

  Dispatcher(HttpServer.Context context) {
    this.context = context;
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
      FullHttpResponse refusal = error(ApiError.badRequest("malformed URI: " + e.getMessage()), requestId);
      tail = tail.thenRun(() -> write(channel, refusal, keepAlive, false));
      return;
    }
    if (path.equals(WebSocketUpgrader.PATH) && context.upgrader() != null) {
      context.upgrader().upgrade(ctx, msg, requestId);
      return;
    }
    Routes.Lookup lookup = context.routes().find(msg.method(), path);
    String id = requestId;
    boolean read = msg.method().equals(HttpMethod.GET) || msg.method().equals(HttpMethod.HEAD);
    if (lookup.match() == null && lookup.allowed().isEmpty() && read && context.staticFiles() != null
        && !path.startsWith("/api/")) {
      Request request = new Request(msg.method(), path, Map.of(), query, msg.headers(), new byte[0],
          clientIp(channel), id);
      boolean keepAlive2 = keepAlive;
      tail = tail.thenRunAsync(() -> serveStatic(channel, request, keepAlive2), context.blocking());
      return;
    }
    if (lookup.match() == null) {
      FullHttpResponse response = lookup.allowed().isEmpty()
          ? error(ApiError.notFound("no route for " + msg.method() + " " + path), id)
          : methodNotAllowed(lookup.allowed(), id);
      tail = tail.thenRun(() -> write(channel, response, keepAlive, msg.method().equals(HttpMethod.HEAD)));
      return;
    }
    Request request = new Request(msg.method(), path, lookup.match().params(), query,
        msg.headers(), ByteBufUtil.getBytes(msg.content()), clientIp(channel), id);
    Route route = lookup.match().route();
    Executor blocking = context.blocking();
    context.inFlight().incrementAndGet();
    tail = tail.thenRunAsync(() -> {
      try {
        serve(channel, route, request, keepAlive);
      } finally {
        context.inFlight().decrementAndGet();
      }
    }, blocking);
  }

  private void serve(Channel channel, Route route, Request request, boolean keepAlive) {
    long started = System.nanoTime();
    MDC.put("request_id", request.requestId());
    FullHttpResponse response;
    try {
      response = handle(route, request);
    } catch (ApiError e) {
      response = error(e, request.requestId());
    } catch (Exception | StackOverflowError e) {
      log.error("unexpected failure in {} {} (request id {})", request.method(), route.template, request.requestId(), e);
      response = error(new ApiError(500, "internal", "internal error",
          Map.of("request_id", request.requestId())), request.requestId());
    }
    int status = response.status().code();
    write(channel, response, keepAlive, request.method().equals(HttpMethod.HEAD));
    logged(request, route.template, status, started);
  }

  /** One access-log line and one timer sample per request; the route is the template, never the raw path. */
  private void logged(Request request, String route, int status, long started) {
    long nanos = System.nanoTime() - started;
    context.metrics().httpRequest(request.method().name(), route, status, nanos);
    access.info("{} {} {} {} {}", kv("method", request.method().name()), kv("route", route), kv("status", status),
        kv("duration_ms", nanos / 1_000_000), kv("ip", request.clientIp()));
    MDC.remove("request_id");
  }

  private void serveStatic(Channel channel, Request request, boolean keepAlive) {
    long started = System.nanoTime();
    MDC.put("request_id", request.requestId());
    Response r = context.staticFiles().respond(request, request.path());
    FullHttpResponse response = r == null
        ? error(ApiError.notFound("no route for GET " + request.path()), request.requestId())
        : response(HttpResponseStatus.valueOf(r.status()), (byte[]) r.body(), r.contentType(), r.headers(),
            request.requestId());
    write(channel, response, keepAlive, request.method().equals(HttpMethod.HEAD));
    logged(request, r == null ? "unmatched" : "static", response.status().code(), started);
  }

  private FullHttpResponse handle(Route route, Request request) throws Exception {
    RateLimiter limiter = switch (route.budget) {
      case AUTH -> context.authLimiter();
      case API -> context.apiLimiter();
      case NONE -> null;
    };
    if (limiter != null) {
      limiter.check(request.clientIp());
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
      if (r.body() instanceof byte[] bytes) {
        return response(HttpResponseStatus.valueOf(r.status()), bytes, r.contentType(), r.headers(), request.requestId());
      }
      return response(HttpResponseStatus.valueOf(r.status()), r.body() == null ? new byte[0] : Json.write(r.body()),
          JSON_TYPE, r.headers(), request.requestId());
    }
    if (route.status == 204 || result == null) {
      return response(HttpResponseStatus.valueOf(route.status == 200 ? 204 : route.status), new byte[0], null,
          Map.of(), request.requestId());
    }
    return response(HttpResponseStatus.valueOf(route.status), Json.write(result), JSON_TYPE, Map.of(),
        request.requestId());
  }

  static FullHttpResponse error(ApiError e, String requestId) {
    FullHttpResponse r = response(HttpResponseStatus.valueOf(e.status()), Json.write(e.body()), JSON_TYPE,
        Map.of(), requestId);
    Object retry = e.details().get("retry_after_ms");
    if (retry instanceof Long ms) {
      r.headers().set(HttpHeaderNames.RETRY_AFTER, String.valueOf(Math.max(1, (ms + 999) / 1000)));
    }
    return r;
  }

  private static FullHttpResponse methodNotAllowed(Set<String> allowed, String requestId) {
    FullHttpResponse r = error(new ApiError(405, "method_not_allowed", "method not allowed here",
        Map.of("allowed", String.join(", ", allowed))), requestId);
    r.headers().set(HttpHeaderNames.ALLOW, String.join(", ", allowed));
    return r;
  }

  static FullHttpResponse response(HttpResponseStatus status, byte[] body, String contentType,
      Map<String, String> headers, String requestId) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    if (contentType != null) {
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    }
    r.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    r.headers().set("X-Request-Id", requestId);
    r.headers().set("X-Content-Type-Options", "nosniff");
    if (!headers.containsKey("Cache-Control")) {
      r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    }
    headers.forEach((k, v) -> r.headers().set(k, v));
    return r;
  }

  static void write(Channel channel, FullHttpResponse response, boolean keepAlive, boolean head) {
    if (head) {
      response.content().clear();
    }
    if (keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      channel.writeAndFlush(response);
    } else {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      channel.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static String clientIp(Channel channel) {
    return channel.remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "unknown";
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
