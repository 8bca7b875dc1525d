package dev.banter.http;

import dev.banter.core.ApiError;
import dev.banter.core.Ids;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The whole pipeline of a connection over its address's limit: a 503 {@code unavailable} as soon as
 * it is accepted, then the socket closes (within {@link #LINGER_MS} whatever the client does). What
 * the client sends meanwhile is read and dropped, so the close is a clean FIN that lets the client
 * read the answer, not a reset.
 */
final class Refusal extends ChannelInboundHandlerAdapter {
  /**
   * How long a refused client may keep the socket to read the answer; it is closed then at the
   * latest.
   */
  private static final long LINGER_MS = 1000;

  private final int limit;

  Refusal(int limit) {
    this.limit = limit;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    FullHttpResponse r =
        Dispatcher.error(
            ApiError.unavailable("too many connections from your address", Map.of("limit", limit)),
            Ids.randomToken(9));
    r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    r.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
    ctx.executor().schedule(() -> ctx.close(), LINGER_MS, TimeUnit.MILLISECONDS);
    ctx.writeAndFlush(r)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (ctx.pipeline().get(SslHandler.class) == null
                      && ctx.channel() instanceof DuplexChannel duplex) {
                    duplex.shutdownOutput(); // the client sees the end of the answer at once
                  } else {
                    ctx.close(); // TLS ends with its close_notify, after the answer
                  }
                });
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
