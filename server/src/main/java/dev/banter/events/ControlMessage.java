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
}
