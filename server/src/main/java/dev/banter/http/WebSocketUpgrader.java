package dev.banter.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;

/**
 * Takes over a connection whose request asks for {@link #PATH}: checks it and upgrades it to a
 * WebSocket.
 */
@FunctionalInterface
public interface WebSocketUpgrader {
  String PATH = "/ws";

  /** Runs on the event loop; must answer (upgrade or refuse) without blocking. */
  void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, String requestId);
}
