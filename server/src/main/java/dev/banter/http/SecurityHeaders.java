package dev.banter.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * Adds to every answer what depends on how its request came in: CORS headers ({@link Cors}) and
 * {@code Strict-Transport-Security} when the client speaks HTTPS, to this server (TLS) or to a
 * trusted proxy that says so ({@code X-Forwarded-Proto: https}). Sits right after the HTTP codec,
 * so it sees each request head and each answer whoever writes it; answers leave in request order
 * (HTTP/1.1), so a queue pairs them up.
 */
final class SecurityHeaders extends ChannelDuplexHandler {
  /** A year; no includeSubDomains, which would bind hosts Banter knows nothing about. */
  static final String HSTS = "max-age=31536000";

  /** What one request's answer gets. */
  private record Pending(boolean cors, String allowedOrigin, boolean https) {}

  private final Cors cors;
  private final boolean tls;

  /**
   * Requests read and not yet answered; event loop only. Bounded by pipelining: reading pauses at
   * {@link Backpressure}'s limit of unanswered requests.
   */
  private final Queue<Pending> pending = new ArrayDeque<>();

  SecurityHeaders(Cors cors, boolean tls) {
    this.cors = cors;
    this.tls = tls;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest r) {
      boolean https = tls || ClientAddress.of(ctx.channel(), r.headers()).forwardedHttps();
      pending.add(new Pending(cors.applies(r), cors.allowedOrigin(r), https));
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    // 100 Continue and 101 Switching Protocols come before the real answer (or instead of one)
    if (msg instanceof HttpResponse r && r.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
      Pending p = pending.poll();
      if (p != null) {
        if (p.cors()) {
          Cors.decorate(r, p.allowedOrigin());
        }
        if (p.https()) {
          r.headers().set("Strict-Transport-Security", HSTS);
        }
      }
    }
    ctx.write(msg, promise);
  }
}
