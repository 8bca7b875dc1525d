package dev.banter.realtime;

import dev.banter.cluster.Event;
import dev.banter.core.Principal;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

/**
 * The JMH benchmarks' way into the real-time package, whose classes are package-private: this
 * class lives in the bench jar but in the server's package, and each method does what the
 * server does at that point with the server's own classes — the server's API stays as it is.
 */
public final class RealtimeBridge {
  private RealtimeBridge() {}

  /**
   * A client text frame's payload, as the frame aggregator hands it to {@link Connection}, decoded
   * the way {@code Connection.channelRead0} does. The result is the {@link ClientFrame} (every one
   * is a record); {@code payload} stays owned by the caller.
   */
  public static Record decode(ByteBuf payload) {
    TextWebSocketFrame frame = new TextWebSocketFrame(payload.retainedDuplicate());
    try {
      return (Record) FrameParser.parse(frame.text());
    } finally {
      frame.release();
    }
  }

  /**
   * The bytes every receiver of {@code e} shares: what the fan-out serialises, once per event —
   * the JSON inside its WebSocket frame header (2 bytes up to 125 bytes of JSON, 4 up to 64 KiB).
   */
  public static ByteBuf encode(Event e) {
    return Frames.of(e);
  }

  /**
   * A WebSocket connection on {@code channel} as {@link WsUpgrade} makes it, authenticated as
   * {@code user} (without the presence announcement of a first connection), then subscribed live
   * to {@code roomId} through {@link Gateway#join}. Its {@code joined} reply is written to the channel.
   */
  public static void connectAndJoin(Channel channel, Gateway gateway, Protocol protocol, Principal user, String roomId) {
    Connection c = new Connection(channel, "127.0.0.1", protocol, gateway.limits(), gateway.outbox(channel.eventLoop()));
    channel.pipeline().addLast("ws", c);
    gateway.opened(c);
    c.principal = user;
    gateway.join(c, null, roomId, null, null);
  }
}
