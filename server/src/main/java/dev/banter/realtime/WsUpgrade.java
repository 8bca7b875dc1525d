package dev.banter.realtime;

import dev.banter.core.ApiError;
import dev.banter.core.Json;
import dev.banter.http.ClientAddress;
import dev.banter.http.WebSocketUpgrader;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /ws}: refuses a foreign {@code Origin} (cross-site WebSocket hijacking) and IPs over
 * their connection limit before the upgrade, then swaps the HTTP handlers for the WebSocket ones.
 */
public final class WsUpgrade implements WebSocketUpgrader {
  private static final Logger log = LoggerFactory.getLogger(WsUpgrade.class);

  /** Frames above this are refused with close 1009 (SPEC §5). */
  static final int MAX_FRAME_BYTES = 64 * 1024;

  private final Gateway gateway;
  private final List<String> allowedOrigins;
  private final boolean tls;
  private final Map<String, AtomicInteger> perIp = new ConcurrentHashMap<>();
  private final AtomicBoolean refusalExplained = new AtomicBoolean();

  public WsUpgrade(Gateway gateway, List<String> allowedOrigins, boolean tls) {
    this.gateway = gateway;
    this.allowedOrigins = allowedOrigins.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
    this.tls = tls;
  }

  @Override
  public void upgrade(ChannelHandlerContext ctx, FullHttpRequest req, String requestId) {
    Channel ch = ctx.channel();
    ClientAddress client = ClientAddress.of(ch, req.headers());
    // Behind a TLS-terminating proxy that says so, the page's own origin is https.
    boolean https = tls || client.forwardedHttps();
    String origin = req.headers().get(HttpHeaderNames.ORIGIN);
    String host = req.headers().get(HttpHeaderNames.HOST);
    if (origin != null && !originAllowed(origin, host, https)) {
      explainRefusal(origin, host, https, client.forwardedHttps());
      refuse(ch, ApiError.forbidden("origin not allowed"), requestId);
      return;
    }
    if (!req.method().equals(HttpMethod.GET)
        || !"websocket".equalsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE))) {
      refuse(ch, ApiError.badRequest("expected a WebSocket upgrade"), requestId);
      return;
    }
    String ip = client.limitKey(); // IPv6 counted per /64
    AtomicInteger count = perIp.computeIfAbsent(ip, k -> new AtomicInteger());
    int limit = gateway.limits().perIp();
    if (count.incrementAndGet() > limit && limit > 0) {
      count.decrementAndGet();
      refuse(ch, ApiError.rateLimited(1000), requestId);
      return;
    }
    ch.closeFuture()
        .addListener(
            f -> {
              if (count.decrementAndGet() <= 0) {
                perIp.remove(ip, count);
              }
            });
    WebSocketDecoderConfig decoder =
        WebSocketDecoderConfig.newBuilder()
            .maxFramePayloadLength(MAX_FRAME_BYTES)
            .closeOnProtocolViolation(true)
            .build();
    String url =
        (tls ? "wss://" : "ws://") + req.headers().get(HttpHeaderNames.HOST, "localhost") + PATH;
    WebSocketServerHandshaker handshaker =
        new WebSocketServerHandshakerFactory(url, null, decoder).newHandshaker(req);
    if (handshaker == null) {
      WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ch);
      return;
    }
    String token =
        new QueryStringDecoder(req.uri())
            .parameters().getOrDefault("token", List.of()).stream().findFirst().orElse(null);
    handshaker
        .handshake(ch, req)
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                ch.close();
              }
            });
    ChannelPipeline p = ch.pipeline();
    p.remove("idle");
    p.remove("dispatcher");
    if (p.get("uploads") != null) {
      p.remove("uploads");
    }
    p.addLast("ws-aggregator", new WebSocketFrameAggregator(MAX_FRAME_BYTES));
    gateway.attach(ch, client.ip(), token);
  }

  private boolean originAllowed(String origin, String host, boolean https) {
    String o = origin.toLowerCase(Locale.ROOT);
    if (allowedOrigins.contains("*") || allowedOrigins.contains(o)) {
      return true;
    }
    // the server's own origin, as the request names it: same host and port, same scheme
    return allowedOrigins.isEmpty() && sameOrigin(o, https ? "https" : "http", host);
  }

  private static boolean sameOrigin(String origin, String scheme, String host) {
    if (host == null) {
      return false;
    }
    try {
      URI uri = new URI(origin);
      return uri.getRawAuthority() != null
          && uri.getRawAuthority().equalsIgnoreCase(host)
          && scheme.equals(uri.getScheme());
    } catch (URISyntaxException ignored) {
      return false;
    }
  }

  /**
   * Behind a proxy that terminates TLS, with neither BANTER_PUBLIC_URL nor BANTER_ALLOWED_ORIGINS,
   * the web client's own socket is refused when the request does not name the page's origin: the
   * proxy is not trusted or does not say {@code https} (the origin differs in its scheme only), or
   * it says so but sends its own {@code Host}. Says once which setting fixes it; the refused origin
   * is shown, not proposed, since any page can send one.
   */
  private void explainRefusal(String origin, String host, boolean https, boolean forwardedHttps) {
    boolean tlsProxy =
        forwardedHttps || !https && sameOrigin(origin.toLowerCase(Locale.ROOT), "https", host);
    if (allowedOrigins.isEmpty() && tlsProxy && !refusalExplained.getAndSet(true)) {
      log.warn(
          "a WebSocket from the origin {} was refused (403): without BANTER_PUBLIC_URL the only "
              + "origin allowed is the one the request names ({}://{}); behind a TLS proxy set "
              + "BANTER_PUBLIC_URL to the address users reach (e.g. https://chat.example.com), or "
              + "list the origins in BANTER_ALLOWED_ORIGINS (said once)",
          origin,
          https ? "https" : "http",
          host);
    }
  }

  private static void refuse(Channel ch, ApiError e, String requestId) {
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(e.status()),
            Unpooled.wrappedBuffer(Json.write(e.body())));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
    r.headers().set(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
    r.headers().set("X-Request-Id", requestId);
    r.headers().set(HttpHeaderNames.CONNECTION, "close");
    ch.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
  }
}
