package dev.banter.bench.ws;

import io.netty.buffer.ByteBuf;

/**
 * Receives a connection's text frames (after setup) and its close; called on the connection's event
 * loop.
 */
public interface FrameListener {
  /** A text frame; {@code utf8} is only valid during the call and must not be retained. */
  void onText(WsConnection connection, ByteBuf utf8);

  /**
   * The connection closed: {@code code} is the server's close code, or -1 when it closed without
   * one.
   */
  void onClose(WsConnection connection, int code);
}
