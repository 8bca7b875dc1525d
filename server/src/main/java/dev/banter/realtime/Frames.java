package dev.banter.realtime;

import dev.banter.cluster.Event;
import dev.banter.core.ApiError;
import dev.banter.core.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Server → client frames, serialised once to bytes: the JSON already wrapped in its WebSocket
 * frame header, in a direct buffer. An event's frame is written as it is to every receiver
 * (each gets a duplicate sharing the bytes): no per-receiver encoding, no copy to a direct
 * buffer per socket. Netty's WebSocket encoder lets plain buffers through untouched.
 */
final class Frames {
  /** FIN + text opcode: a whole text message in one frame. */
  private static final int FIN_TEXT = 0x81;
  private static final int FIN_PONG = 0x8A;

  private Frames() {}

  static ByteBuf of(Event e) {
    return wire(json(e));
  }

  /** The JSON of an event's frame: {@code {"type": …, …body}}. */
  static byte[] json(Event e) {
    Map<String, Object> frame = new LinkedHashMap<>();
    frame.put("type", e.type());
    frame.putAll(e.body());
    return Json.write(frame);
  }

  /** {@code json} as an unmasked WebSocket text frame (RFC 6455 §5.2), server to client. */
  static ByteBuf wire(byte[] json) {
    int n = json.length;
    int header = n <= 125 ? 2 : n <= 0xFFFF ? 4 : 10;
    ByteBuf out = ByteBufAllocator.DEFAULT.directBuffer(header + n);
    out.writeByte(FIN_TEXT);
    if (n <= 125) {
      out.writeByte(n);
    } else if (n <= 0xFFFF) {
      out.writeByte(126);
      out.writeShort(n);
    } else {
      out.writeByte(127);
      out.writeLong(n);
    }
    out.writeBytes(json);
    return out;
  }

  /** A WebSocket pong (FIN + opcode 0xA) echoing {@code payload}, which a ping limits to 125 bytes. */
  static ByteBuf pong(ByteBuf payload) {
    int n = Math.min(125, payload.readableBytes());
    ByteBuf out = ByteBufAllocator.DEFAULT.directBuffer(2 + n);
    out.writeByte(FIN_PONG);
    out.writeByte(n);
    out.writeBytes(payload, payload.readerIndex(), n);
    return out;
  }

  /** A reply frame: {@code {"type": type, "ref": ref, ...fields}}. */
  static ByteBuf reply(String type, String ref, Map<String, Object> fields) {
    Map<String, Object> frame = new LinkedHashMap<>();
    frame.put("type", type);
    frame.put("ref", ref);
    frame.putAll(fields);
    return wire(Json.write(frame));
  }

  static ByteBuf error(String ref, ApiError e) {
    Map<String, Object> frame = new LinkedHashMap<>();
    frame.put("type", "error");
    frame.put("ref", ref);
    frame.put("error", e.body().get("error"));
    return wire(Json.write(frame));
  }
}
