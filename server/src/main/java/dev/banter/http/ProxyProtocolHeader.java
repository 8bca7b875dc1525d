package dev.banter.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code BANTER_PROXY_PROTOCOL}: follows Netty's {@code HAProxyMessageDecoder} on a connection from
 * a trusted proxy. The header (v1 text or v2 binary) must come first and within the header timeout;
 * the spec forbids guessing, so a connection without one is closed. Its source address becomes the
 * connection's client, then the HTTP handlers are set up behind it and see the connection become
 * active, as if it had just been accepted from that client. A {@code LOCAL} header (the proxy's own
 * health check) leaves the proxy as the client.
 */
final class ProxyProtocolHeader extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ProxyProtocolHeader.class);

  private final Duration timeout;
  private final Consumer<Channel> serve;
  private ScheduledFuture<?> timer;

  /**
   * @param serve adds the HTTP handlers once the client is known
   */
  ProxyProtocolHeader(Duration timeout, Consumer<Channel> serve) {
    this.timeout = timeout;
    this.serve = serve;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    // Not passed on: the HTTP handlers do not exist yet; they see it once the header is read.
    timer =
        ctx.executor()
            .schedule(
                () -> {
                  log.debug("no PROXY protocol header within {}", timeout);
                  ctx.close();
                },
                timeout.toMillis(),
                TimeUnit.MILLISECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HAProxyMessage header)) {
      ReferenceCountUtil.release(
          msg); // nothing else can come before the header: the decoder closes first
      return;
    }
    InetAddress source;
    try {
      source =
          header.command() == HAProxyCommand.PROXY && header.sourceAddress() != null
              ? NetUtil.createInetAddressFromIpAddressString(header.sourceAddress())
              : null;
    } finally {
      header.release();
    }
    timer.cancel(false);
    if (source != null) {
      ClientAddress.named(ctx.channel(), source);
    }
    serve.accept(ctx.channel());
    ctx.fireChannelActive();
    ctx.pipeline()
        .remove(this); // the bytes after the header reach the HTTP handlers when the decoder goes
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (timer != null) {
      timer.cancel(false);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("refused a PROXY protocol header: {}", cause.toString());
    ctx.close();
  }
}
