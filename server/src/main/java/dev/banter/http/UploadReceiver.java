package dev.banter.http;

import dev.banter.core.ApiError;
import dev.banter.core.Ids;
import dev.banter.core.Principal;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Streams {@code POST /api/v1/uploads} to disk instead of aggregating it: the caller is
 * authenticated and the declared size checked before the body is read; then an {@link
 * UploadSession} decodes and writes the body on a virtual thread (file I/O never runs on the event
 * loop), and ends when its connection closes. A body refused while it still arrives is answered at
 * once and the rest of it dropped, within bounds. Every other request passes through untouched.
 */
final class UploadReceiver extends ChannelInboundHandlerAdapter {
  /**
   * The rest of a refused body is read and dropped, at most this much for at most this long, then
   * the connection is closed: closing on unread bytes resets the connection, which can destroy the
   * answer before the client reads it, but a body that never ends must not hold it.
   */
  private static final long DISCARD_BYTES = 4 * 1024 * 1024;

  private static final long DISCARD_MILLIS = 2_000;

  private final HttpServer.Context context;
  private final UploadTarget target;

  /** The upload whose body is arriving; event loop only. */
  private UploadSession session;

  /** The refused body being dropped; event loop only. */
  private Discard discard;

  UploadReceiver(HttpServer.Context context, UploadTarget target) {
    this.context = context;
    this.target = target;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest req && !(msg instanceof FullHttpRequest) && isUpload(req)) {
      start(ctx, req);
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpContent content && session != null) {
      UploadSession s = session;
      if (msg instanceof LastHttpContent) {
        session = null;
      }
      s.offer(content);
      return;
    }
    if (msg instanceof HttpContent content && discard != null) {
      discard.drop(content);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (session != null) {
      session.abort();
      session = null;
    }
    if (discard != null) {
      discard.end();
    }
    ctx.fireChannelInactive();
  }

  private static boolean isUpload(HttpRequest req) {
    try {
      return req.method().equals(HttpMethod.POST)
          && new QueryStringDecoder(req.uri()).path().equals(UploadTarget.PATH);
    } catch (IllegalArgumentException e) {
      return false; // a malformed path escape: not an upload, the dispatcher refuses it
    }
  }

  private void start(ChannelHandlerContext ctx, HttpRequest req) {
    String requestId = Ids.randomToken(9);
    ClientAddress client = ClientAddress.of(ctx.channel(), req.headers());
    try {
      String header = req.headers().get("Authorization", "");
      if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        throw ApiError.unauthorized("missing bearer token");
      }
      context.apiLimiter().check(client.limitKey());
      Principal p = context.authenticator().authenticate(header.substring(7).strip());
      if (HttpUtil.getContentLength(req, -1L)
          > target.maxBytes() + UploadSession.MULTIPART_OVERHEAD) {
        throw ApiError.payloadTooLarge("files are limited to " + target.maxBytes() + " bytes");
      }
      session =
          new UploadSession(
              ctx,
              req,
              p,
              requestId,
              target,
              context.metrics(),
              (s, answer) -> finish(ctx, s, answer));
    } catch (ApiError e) {
      Dispatcher.accessLog("POST", UploadTarget.PATH, e.status(), 0, client.ip(), requestId);
      // Refused before reading the body: the connection may serve the next request once the body is
      // dropped.
      refuse(ctx, Dispatcher.error(e, requestId), HttpUtil.isKeepAlive(req));
    }
  }

  /** Answers now a request whose body is still arriving, then drops the rest of that body. */
  private void refuse(ChannelHandlerContext ctx, FullHttpResponse answer, boolean keepAlive) {
    answer
        .headers()
        .set(
            HttpHeaderNames.CONNECTION,
            keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(answer);
    discard = new Discard(ctx, keepAlive);
  }

  /**
   * Runs on the event loop when a session's thread is done; {@code answer} is null when the client
   * went away.
   */
  private void finish(ChannelHandlerContext ctx, UploadSession s, FullHttpResponse answer) {
    s.releaseQueued();
    if (answer == null) {
      return;
    }
    if (!ctx.channel().isActive()) {
      answer.release();
      return;
    }
    if (session != s) {
      Dispatcher.write(
          ctx.channel(),
          answer,
          s.keepAlive() && answer.status().equals(HttpResponseStatus.CREATED),
          false);
    } else if (answer.status().equals(HttpResponseStatus.REQUEST_TIMEOUT)) {
      session = null; // the client sends nothing: nothing to drop
      Dispatcher.write(ctx.channel(), answer, false, false);
    } else {
      session = null; // ended before its body did
      refuse(ctx, answer, false);
    }
  }

  /** The rest of a refused body, dropped as it arrives; event loop only. */
  private final class Discard {
    private final ChannelHandlerContext ctx;
    private final boolean keepAlive;
    private final ScheduledFuture<?> deadline;
    private long dropped;

    Discard(ChannelHandlerContext ctx, boolean keepAlive) {
      this.ctx = ctx;
      this.keepAlive = keepAlive;
      this.deadline = ctx.executor().schedule(this::giveUp, DISCARD_MILLIS, TimeUnit.MILLISECONDS);
    }

    void drop(HttpContent content) {
      dropped += content.content().readableBytes();
      boolean last = content instanceof LastHttpContent;
      content.release();
      if (last) {
        end();
        if (!keepAlive) {
          ctx.close();
        }
      } else if (dropped > DISCARD_BYTES) {
        giveUp();
      }
    }

    private void giveUp() {
      if (discard == this) {
        end();
        ctx.close();
      }
    }

    void end() {
      deadline.cancel(false);
      if (discard == this) {
        discard = null;
      }
    }
  }
}
