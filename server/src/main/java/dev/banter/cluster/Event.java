package dev.banter.cluster;

import java.util.List;
import java.util.Map;

/**
 * Something a client would want to see live, published after the change is committed.
 * {@code type} and {@code body} are the WebSocket frame of SPEC §5 ({@code {"type": …, …body}});
 * {@code roomId} routes it to the room's subscribers, {@code users} (when not empty) to those
 * users' connections as well (an invitee, the members of a deleted room). {@code seq} is the
 * room position of a new message, 0 for everything else; {@code at} is when it happened
 * (for a message: when it was accepted), epoch milliseconds.
 */
public record Event(String type, String roomId, long seq, List<String> users, Map<String, Object> body, long at) {

  public static final String NEW_MESSAGE = "new_message";
  public static final String MESSAGE_EDITED = "message_edited";
  public static final String MESSAGE_DELETED = "message_deleted";
  public static final String REACTION = "reaction";
  /** A message's whole state, replayed on resume for a change the client missed (SPEC §5.1). */
  public static final String MESSAGE_UPDATED = "message_updated";
  public static final String USER_JOINED = "user_joined";
  public static final String USER_LEFT = "user_left";
  public static final String ROOM_INVITED = "room_invited";
  public static final String ROOM_UPDATED = "room_updated";
  public static final String ROOM_DELETED = "room_deleted";
  public static final String READ_RECEIPT = "read_receipt";
  public static final String TYPING = "typing";
  public static final String PRESENCE = "presence";

  public Event {
    users = List.copyOf(users);
    body = Map.copyOf(body);
  }

  /** An event happening now. */
  public Event(String type, String roomId, long seq, List<String> users, Map<String, Object> body) {
    this(type, roomId, seq, users, body, System.currentTimeMillis());
  }

  public static Event toRoom(String type, String roomId, Map<String, Object> body) {
    return new Event(type, roomId, 0, List.of(), body);
  }
}
