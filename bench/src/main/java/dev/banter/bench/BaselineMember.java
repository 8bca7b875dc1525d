package dev.banter.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One WebSocket of the {@link BaselineServer}: relays its text frames to its room and owns its
 * outbound path exactly as Banter's Connection does — a backlog in front of Netty's buffer, bounded
 * in bytes; a member that lets it overflow is closed 4008 instead of holding memory.
 */
final class BaselineMember extends SimpleChannelInboundHandler<WebSocketFrame> {
  /** Banter's close codes for the two cases the bare server shares with it. */
  static final int TOO_BIG = 1009;

  static final int SLOW_CONSUMER = 4008;

  /**
   * As Banter: a close frame the client does not acknowledge within this time ends the socket
   * anyway.
   */
  private static final long CLOSE_GRACE_MS = 2_000;

  final String room;
  private final Channel channel;
  private final BaselineServer.Rooms rooms;
  private final long queueBytes;

  // Event-loop only from here on.
  /** False until the handshake response is written: frames for this member wait in the backlog. */
  private boolean open;

  private boolean closing;
  private ArrayDeque<ByteBuf> backlog;
  private long backlogBytes;

  BaselineMember(Channel channel, String room, BaselineServer.Rooms rooms, long queueBytes) {
    this.channel = channel;
    this.room = room;
    this.rooms = rooms;
    this.queueBytes = queueBytes;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (channel
        .isActive()) { // else channelInactive already passed: joining now would never be undone
      rooms.join(this);
    }
  }

  /** The handshake response is on the wire: what waited is written, then frames go straight out. */
  void opened() {
    open = true;
    writeBacklog();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    if (closing) {
      return;
    }
    switch (frame) {
      case TextWebSocketFrame text -> rooms.relay(this, text.content());
      case PingWebSocketFrame ping ->
          ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
      case PongWebSocketFrame ignored -> {}
      case CloseWebSocketFrame close -> {
        closing = true;
        ctx.writeAndFlush(close.retainedDuplicate()).addListener(ChannelFutureListener.CLOSE);
      }
      default -> {} // binary: Banter answers with an error frame; the bare server ignores it
    }
  }

  /** Queues {@code bytes} (ownership passes here) for this member; safe from any thread. */
  void send(ByteBuf bytes) {
    if (channel.eventLoop().inEventLoop()) {
      sendNow(bytes);
    } else {
      channel.eventLoop().execute(() -> sendNow(bytes));
    }
  }

  private void sendNow(ByteBuf bytes) {
    if (closing || !channel.isActive()) {
      bytes.release();
      return;
    }
    if (open && backlog == null && channel.isWritable()) {
      channel.writeAndFlush(new TextWebSocketFrame(bytes), channel.voidPromise());
      return;
    }
    if (backlog == null) {
      backlog = new ArrayDeque<>();
    }
    backlog.add(bytes);
    backlogBytes += bytes.readableBytes();
    if (backlogBytes > queueBytes) {
      rooms.slowConsumerClosed();
      close(SLOW_CONSUMER, "slow_consumer");
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    writeBacklog();
    ctx.fireChannelWritabilityChanged();
  }

  private void writeBacklog() {
    if (backlog == null) {
      return;
    }
    while (open && !closing && channel.isWritable()) {
      ByteBuf next = backlog.poll();
      if (next == null) {
        backlog = null;
        backlogBytes = 0;
        break;
      }
      backlogBytes -= next.readableBytes();
      channel.write(new TextWebSocketFrame(next), channel.voidPromise());
    }
    channel.flush();
  }

  private void releaseBacklog() {
    if (backlog != null) {
      backlog.forEach(ByteBuf::release);
      backlog = null;
      backlogBytes = 0;
    }
  }

  /**
   * Sends a close frame and ends the socket once it is written (or after a grace period); event
   * loop only.
   */
  private void close(int code, String reason) {
    if (closing) {
      return;
    }
    closing = true;
    releaseBacklog();
    channel
        .writeAndFlush(new CloseWebSocketFrame(code, reason))
        .addListener(ChannelFutureListener.CLOSE);
    channel.eventLoop().schedule(() -> channel.close(), CLOSE_GRACE_MS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closing = true;
    releaseBacklog();
    rooms.leave(this);
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof CorruptedFrameException || cause instanceof TooLongFrameException) {
      close(TOO_BIG, "too_big");
      return;
    }
    ctx.close();
  }
}
