package dev.banter.realtime;

import dev.banter.core.ApiError;
import dev.banter.core.Json;
import dev.banter.events.ServerEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Server → client frames, serialised once to bytes: the JSON already wrapped in its WebSocket frame
 * header, in a direct buffer. An event's frame is written as it is to every receiver (each gets a
 * duplicate sharing the bytes): no per-receiver encoding, no copy to a direct buffer per socket.
 * Netty's WebSocket encoder lets plain buffers through untouched.
 */
public final class Frames {
  /** FIN + text opcode: a whole text message in one frame. */
  private static final int FIN_TEXT = 0x81;

  private static final int FIN_PONG = 0x8A;

  private Frames() {}

  /**
   * The frame of {@code e} as every receiver gets it: its JSON inside the WebSocket frame header (2
   * bytes up to 125 bytes of JSON, 4 up to 64 KiB), in a direct buffer the caller owns.
   */
  public static ByteBuf of(ServerEvent e) {
    return wire(json(e));
  }

  /** The JSON of an event's frame (SPEC §5): every kind of event, field by field. */
  static byte[] json(ServerEvent e) {
    Map<String, Object> f = new LinkedHashMap<>(8);
    switch (e) {
      case ServerEvent.NewMessage m -> {
        f.put("type", "new_message");
        f.put("message", m.message());
      }
      case ServerEvent.MessageEdited m -> {
        f.put("type", "message_edited");
        f.put("message", m.message());
        f.put("rev", m.rev());
      }
      case ServerEvent.MessageDeleted d -> {
        f.put("type", "message_deleted");
        f.put("room_id", d.roomId());
        f.put("message_id", d.messageId());
        f.put("seq", d.seq());
        f.put("rev", d.rev());
      }
      case ServerEvent.Reaction r -> {
        f.put("type", "reaction");
        f.put("room_id", r.roomId());
        f.put("message_id", r.messageId());
        f.put("emoji", r.emoji());
        f.put("user", r.user());
        f.put("on", r.on());
        f.put("rev", r.rev());
      }
      case ServerEvent.MessageUpdated m -> {
        f.put("type", "message_updated");
        f.put("message", m.message());
        f.put("rev", m.rev());
      }
      case ServerEvent.UserJoined j -> {
        f.put("type", "user_joined");
        f.put("room_id", j.roomId());
        f.put("user", j.user());
      }
      case ServerEvent.UserLeft l -> {
        f.put("type", "user_left");
        f.put("room_id", l.roomId());
        f.put("user", l.user());
        if (l.removedBy() != null) {
          f.put("removed_by", l.removedBy());
        }
      }
      case ServerEvent.RoomInvited i -> {
        f.put("type", "room_invited");
        f.put("room", i.room());
        f.put("invited_by", i.invitedBy());
      }
      case ServerEvent.RoomUpdated u -> {
        f.put("type", "room_updated");
        f.put("room", u.room());
      }
      case ServerEvent.RoomDeleted d -> {
        f.put("type", "room_deleted");
        f.put("room_id", d.roomId());
      }
      case ServerEvent.ReadReceipt r -> {
        f.put("type", "read_receipt");
        f.put("room_id", r.roomId());
        f.put("user", r.user());
        f.put("seq", r.seq());
      }
      case ServerEvent.Typing t -> {
        f.put("type", "typing");
        f.put("room_id", t.roomId());
        f.put("user", t.user());
        f.put("active", t.active());
      }
      case ServerEvent.Notification n -> {
        f.put("type", "notification");
        f.put("room_id", n.room());
        f.put("message", n.message());
        f.put("reason", n.reason());
      }
      case ServerEvent.PresenceChanged p -> {
        f.put("type", "presence");
        f.put("user", p.user());
        f.put("online", p.online());
      }
    }
    return Json.write(f);
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

  /**
   * A WebSocket pong (FIN + opcode 0xA) echoing {@code payload}, which a ping limits to 125 bytes.
   */
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
