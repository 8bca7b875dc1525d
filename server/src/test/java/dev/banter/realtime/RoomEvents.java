package dev.banter.realtime;

import dev.banter.events.ServerEvent;
import java.util.Map;

/** Events of one room for the embedded tests, with just the fields the transcript shows. */
final class RoomEvents {
  static final String ROOM = "r1";

  /** A body that makes a new message's frame about 600 bytes, to fill a bound in a few frames. */
  static final String LONG_BODY = "x".repeat(520);

  private RoomEvents() {}

  /** Message {@code m<seq>} taking its place at {@code seq}, at rev {@code seq}. */
  static ServerEvent.NewMessage message(long seq) {
    return message(seq, "hi");
  }

  static ServerEvent.NewMessage message(long seq, String body) {
    return new ServerEvent.NewMessage(ROOM, seq, seq, view("m" + seq, seq, seq, body), 0);
  }

  static ServerEvent.MessageEdited edited(String messageId, long rev) {
    return new ServerEvent.MessageEdited(ROOM, messageId, rev, view(messageId, 0, rev, "edited"));
  }

  static ServerEvent.Reaction reaction(String messageId, long rev) {
    return new ServerEvent.Reaction(ROOM, messageId, "👍", "bob", true, rev);
  }

  static ServerEvent.MessageDeleted deleted(String messageId, long rev) {
    return new ServerEvent.MessageDeleted(ROOM, messageId, 0, rev);
  }

  /** A replayed change's frame: the message's whole state at {@code rev}. */
  static ServerEvent.MessageUpdated updated(String messageId, long rev) {
    return new ServerEvent.MessageUpdated(ROOM, messageId, rev, view(messageId, 0, rev, "now"));
  }

  private static Map<String, Object> view(String id, long seq, long rev, String body) {
    return Map.of("id", id, "room_id", ROOM, "seq", seq, "rev", rev, "body", body);
  }
}
