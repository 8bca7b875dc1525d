package dev.banter.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Map;

/**
 * Something a client sees live (a SPEC §5 server frame), published after its change is committed.
 * {@link #roomId} routes it to the room's subscribers, {@link #users} to those users' connections
 * as well (an invitee, the members of a deleted room). {@code Frames} turns each kind into its
 * frame with one {@code switch}; on Redis it travels as JSON tagged with its frame type. Views of
 * rooms, users and messages ride as the maps the REST API returns, so a frame says exactly what the
 * API would.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ServerEvent.NewMessage.class, name = "new_message"),
  @JsonSubTypes.Type(value = ServerEvent.MessageEdited.class, name = "message_edited"),
  @JsonSubTypes.Type(value = ServerEvent.MessageDeleted.class, name = "message_deleted"),
  @JsonSubTypes.Type(value = ServerEvent.Reaction.class, name = "reaction"),
  @JsonSubTypes.Type(value = ServerEvent.MessageUpdated.class, name = "message_updated"),
  @JsonSubTypes.Type(value = ServerEvent.UserJoined.class, name = "user_joined"),
  @JsonSubTypes.Type(value = ServerEvent.UserLeft.class, name = "user_left"),
  @JsonSubTypes.Type(value = ServerEvent.RoomInvited.class, name = "room_invited"),
  @JsonSubTypes.Type(value = ServerEvent.RoomUpdated.class, name = "room_updated"),
  @JsonSubTypes.Type(value = ServerEvent.RoomDeleted.class, name = "room_deleted"),
  @JsonSubTypes.Type(value = ServerEvent.ReadReceipt.class, name = "read_receipt"),
  @JsonSubTypes.Type(value = ServerEvent.Typing.class, name = "typing"),
  @JsonSubTypes.Type(value = ServerEvent.PresenceChanged.class, name = "presence"),
  @JsonSubTypes.Type(value = ServerEvent.Notification.class, name = "notification"),
})
public sealed interface ServerEvent {
  /** The room whose subscribers receive it; null when it is addressed to users only. */
  String roomId();

  /** Users whose connections receive it too, subscribed to the room or not. */
  @JsonIgnore
  default List<String> users() {
    return List.of();
  }

  /**
   * A room's event that changes one message at {@code rev} (SPEC §5.1): what a resume may already
   * show.
   */
  sealed interface Change extends ServerEvent {
    String messageId();

    long rev();
  }

  /** A message took its place at {@code seq}; {@code at} is when it was accepted (epoch ms). */
  record NewMessage(String roomId, long seq, long rev, Map<String, Object> message, long at)
      implements ServerEvent {}

  record MessageEdited(String roomId, String messageId, long rev, Map<String, Object> message)
      implements Change {}

  record MessageDeleted(String roomId, String messageId, long seq, long rev) implements Change {}

  record Reaction(String roomId, String messageId, String emoji, String user, boolean on, long rev)
      implements Change {}

  /**
   * A message's whole state at {@code rev}: sent on resume for a change the client missed, and
   * published live for a change that has no event of its own (a pin or an unpin, SPEC §8).
   */
  record MessageUpdated(String roomId, String messageId, long rev, Map<String, Object> message)
      implements Change {}

  record UserJoined(String roomId, Map<String, Object> user) implements ServerEvent {}

  /**
   * {@code userId} is no longer a member (left, removed by {@code removedBy}, or a guest of a room
   * made private).
   */
  record UserLeft(String roomId, String userId, Map<String, Object> user, String removedBy)
      implements ServerEvent {
    @Override
    public List<String> users() {
      return List.of(userId);
    }
  }

  /**
   * {@code userId} was added to a room (or a direct conversation was opened with them); only they
   * are told.
   */
  record RoomInvited(String invitee, Map<String, Object> room, String invitedBy)
      implements ServerEvent {
    @Override
    public String roomId() {
      return null;
    }

    @Override
    public List<String> users() {
      return List.of(invitee);
    }
  }

  record RoomUpdated(String roomId, Map<String, Object> room) implements ServerEvent {}

  /** The room is gone; its former {@code members} are told, subscribed or not. */
  record RoomDeleted(String roomId, List<String> members) implements ServerEvent {
    public RoomDeleted {
      members = List.copyOf(members);
    }

    @Override
    public List<String> users() {
      return members;
    }
  }

  record ReadReceipt(String roomId, String user, long seq) implements ServerEvent {}

  record Typing(String roomId, String user, boolean active) implements ServerEvent {}

  /**
   * {@code user} came online or went offline. Shown to users who share a room with them: each node
   * finds those among its own connections from {@code rooms}, the rooms {@code userId} is in.
   */
  record PresenceChanged(String user, String userId, boolean online, List<String> rooms)
      implements ServerEvent {
    public PresenceChanged {
      rooms = List.copyOf(rooms);
    }

    @Override
    public String roomId() {
      return null;
    }
  }

  /**
   * {@code message} of room {@code room} should notify each of {@code recipients}, for {@code
   * reason} (SPEC §8: mention, room, direct, thread). Addressed to those users only, not to the
   * room's subscribers: who is notified was decided once, on the node that stored the message.
   */
  record Notification(
      List<String> recipients, String room, Map<String, Object> message, String reason)
      implements ServerEvent {
    public Notification {
      recipients = List.copyOf(recipients);
    }

    @Override
    public String roomId() {
      return null;
    }

    @Override
    public List<String> users() {
      return recipients;
    }
  }
}
