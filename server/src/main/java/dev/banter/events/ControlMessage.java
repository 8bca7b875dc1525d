package dev.banter.events;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * A fact one node tells every node (itself included) that no client sees as a frame: it changes
 * what the nodes allow. Travels beside the client events, on a channel of its own.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ControlMessage.UserDisabled.class, name = "user_disabled"),
  @JsonSubTypes.Type(value = ControlMessage.SessionsRevoked.class, name = "sessions_revoked"),
  @JsonSubTypes.Type(
      value = ControlMessage.NotificationSettingsChanged.class,
      name = "notification_settings_changed"),
})
public sealed interface ControlMessage {
  /**
   * An admin disabled {@code userId} (or enabled them again): a disabled user's sockets close 4001.
   */
  record UserDisabled(String userId, boolean disabled) implements ControlMessage {}

  /**
   * Sessions of {@code userId} ended (logout, password change, reused refresh token): their sockets
   * close 4001.
   */
  record SessionsRevoked(String userId, List<String> sessionIds) implements ControlMessage {
    public SessionsRevoked {
      sessionIds = List.copyOf(sessionIds);
    }
  }

  /**
   * A member changed their notification level or mute in {@code roomId}: what each node's notifier
   * remembers of the room's settings is read again.
   */
  record NotificationSettingsChanged(String roomId) implements ControlMessage {}
}
