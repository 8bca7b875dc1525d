package dev.banter.auth;

import dev.banter.core.Times;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A user as stored. {@link #view()} is the SPEC §2 user object; {@link #profile(boolean)} the
 * profile.
 */
public record User(
    String id,
    String username,
    String displayName,
    String passwordHash,
    String avatarUrl,
    String statusText,
    String role,
    boolean guest,
    long createdAt,
    Long lastSeenAt) {

  public Map<String, Object> view() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("username", username);
    m.put("display_name", displayName);
    m.put("avatar_url", avatarUrl);
    m.put("status_text", statusText);
    m.put("role", role);
    m.put("guest", guest);
    m.put("created_at", Times.iso(createdAt));
    return m;
  }

  /**
   * The short form embedded in messages, members and events: {id, username, display_name,
   * avatar_url}.
   */
  public Map<String, Object> summary() {
    return summary(id, username, displayName, avatarUrl);
  }

  public static Map<String, Object> summary(
      String id, String username, String displayName, String avatarUrl) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("username", username);
    m.put("display_name", displayName);
    m.put("avatar_url", avatarUrl);
    return m;
  }

  /**
   * The profile; {@code presenceVisible} false hides whether and when the user was last online
   * ({@code online: false}, {@code last_seen_at: null}) from a viewer who shares no room with them.
   */
  public Map<String, Object> profile(boolean online, boolean presenceVisible) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("username", username);
    m.put("display_name", displayName);
    m.put("avatar_url", avatarUrl);
    m.put("status_text", statusText);
    m.put("online", presenceVisible && online);
    m.put("last_seen_at", presenceVisible ? Times.isoOrNull(lastSeenAt) : null);
    m.put("created_at", Times.iso(createdAt));
    return m;
  }

  public User withRole(String newRole) {
    return new User(
        id,
        username,
        displayName,
        passwordHash,
        avatarUrl,
        statusText,
        newRole,
        guest,
        createdAt,
        lastSeenAt);
  }
}
