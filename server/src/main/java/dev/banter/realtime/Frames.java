package dev.banter.realtime;

import dev.banter.cluster.Event;
import dev.banter.core.ApiError;
import dev.banter.core.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.LinkedHashMap;
import java.util.Map;

/** Server → client frames, serialised once to bytes (an event's bytes are shared by every receiver). */
final class Frames {
  private Frames() {}

  static ByteBuf of(Event e) {
    Map<String, Object> frame = new LinkedHashMap<>();
    frame.put("type", e.type());
    frame.putAll(e.body());
    return Unpooled.wrappedBuffer(Json.write(frame));
  }

  /** A reply frame: {@code {"type": type, "ref": ref, ...fields}}. */
  static ByteBuf reply(String type, String ref, Map<String, Object> fields) {
    Map<String, Object> frame = new LinkedHashMap<>();
    frame.put("type", type);
    frame.put("ref", ref);
    frame.putAll(fields);
    return Unpooled.wrappedBuffer(Json.write(frame));
  }

  static ByteBuf error(String ref, ApiError e) {
    Map<String, Object> frame = new LinkedHashMap<>();
    frame.put("type", "error");
    frame.put("ref", ref);
    frame.put("error", e.body().get("error"));
    return Unpooled.wrappedBuffer(Json.write(frame));
  }
}
