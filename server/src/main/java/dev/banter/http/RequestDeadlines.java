package dev.banter.http;

import dev.banter.core.ApiError;
import dev.banter.core.Ids;
import dev.banter.core.Metrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Deadlines against clients that send slowly on purpose (slowloris), independent of the idle timer
 * that any byte resets. A request's head must be complete within the header timeout of its first
 * byte (of connecting, for the first request); a JSON body must keep coming: the same time again
 * from the end of the head, plus one second per {@link #BODY_BYTES_PER_SECOND} bytes received. A
 * connection that misses one gets a 408 and is closed. Streamed uploads are paced by their receiver
 * instead; between requests the idle timer alone applies. While the server itself has stopped
 * reading (back-pressure) a deadline waits, since the client cannot progress then.
 *
 * <p>Two handlers share one connection's state: {@link #bytes()} before the HTTP codec sees a
 * request begin, {@link #messages()} after it sees the head and the body arrive.
 */
final class RequestDeadlines {
  /**
   * The slowest body accepted: a JSON body is at most 1 MiB, so at this rate within ~17 minutes.
   */
  static final int BODY_BYTES_PER_SECOND = 1024;

  private enum Phase {
    BETWEEN,
    HEAD,
    BODY,
    UPLOAD
  }

  private final long timeoutNanos;
  private final boolean streamsUploads;
  private final Metrics metrics;
  private Phase phase = Phase.HEAD; // a new connection owes its first head
  private long deadline;
  private ScheduledFuture<?> timer;

  /**
   * @param streamsUploads true when {@code POST /api/v1/uploads} bypasses the JSON aggregator
   */
  RequestDeadlines(Duration headerTimeout, boolean streamsUploads, Metrics metrics) {
    this.timeoutNanos = headerTimeout.toNanos();
    this.streamsUploads = streamsUploads;
    this.metrics = metrics;
  }

  /** Goes before the codec: the first byte of a request starts its head's clock. */
  ChannelHandler bytes() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelActive(ChannelHandlerContext ctx) {
        start(ctx, Phase.HEAD);
        ctx.fireChannelActive();
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (phase == Phase.BETWEEN && msg instanceof ByteBuf b && b.isReadable()) {
          start(ctx, Phase.HEAD);
        }
        ctx.fireChannelRead(msg);
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
      }
    };
  }

  /**
   * Goes after the codec: a head ends the head's clock, body bytes buy time, the last one stops it.
   */
  ChannelHandler messages() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest req) {
          start(ctx, streamsUploads && isUpload(req) ? Phase.UPLOAD : Phase.BODY);
        }
        if (msg instanceof HttpContent content && phase == Phase.BODY) {
          deadline += content.content().readableBytes() * (1_000_000_000L / BODY_BYTES_PER_SECOND);
        }
        if (msg instanceof LastHttpContent) {
          phase = Phase.BETWEEN;
          stop();
        }
        ctx.fireChannelRead(msg);
      }
    };
  }

  private static boolean isUpload(HttpRequest req) {
    try {
      return req.method().equals(HttpMethod.POST)
          && new QueryStringDecoder(req.uri()).path().equals(UploadTarget.PATH);
    } catch (IllegalArgumentException e) {
      return false; // a malformed path escape: the dispatcher answers 400
    }
  }

  private void start(ChannelHandlerContext ctx, Phase next) {
    stop();
    phase = next;
    if (next == Phase.HEAD || next == Phase.BODY) {
      deadline = System.nanoTime() + timeoutNanos;
      arm(ctx);
    }
  }

  private void arm(ChannelHandlerContext ctx) {
    timer =
        ctx.executor()
            .schedule(
                () -> check(ctx), Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  private void stop() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void check(ChannelHandlerContext ctx) {
    timer = null;
    if (phase != Phase.HEAD && phase != Phase.BODY || !ctx.channel().isActive()) {
      return;
    }
    if (!ctx.channel().config().isAutoRead()) {
      deadline = System.nanoTime() + timeoutNanos; // we are not reading: not the client's delay
    }
    if (System.nanoTime() < deadline) {
      arm(ctx);
      return;
    }
    boolean head = phase == Phase.HEAD;
    metrics.httpRefused(head ? "header_timeout" : "body_timeout");
    FullHttpResponse r =
        Dispatcher.error(
            new ApiError(
                408,
                "request_timeout",
                head ? "the request head took too long" : "the request body took too long",
                Map.of()),
            Ids.randomToken(9));
    phase = Phase.BETWEEN;
    Dispatcher.write(ctx.channel(), r, false, false);
  }
}
