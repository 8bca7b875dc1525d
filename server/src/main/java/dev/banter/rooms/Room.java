package dev.banter.rooms;

import dev.banter.core.Times;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A room as one user sees it: the stored room plus that user's role and read marker ({@code myRole}
 * null when not a member), for a direct room the other member's name, and that user's unread
 * mentions and notification settings (SPEC §8; {@code notificationLevel} null: the default).
 */
public record Room(
    String id,
    String kind,
    String name,
    String topic,
    String visibility,
    String createdBy,
    long createdAt,
    long lastSeq,
    long lastActivityAt,
    long memberCount,
    String myRole,
    long myReadSeq,
    String peer,
    long mentionCount,
    String notificationLevel,
    Long mutedUntil) {

  public static final String CHANNEL = "channel";
  public static final String DIRECT = "direct";
  public static final String PUBLIC = "public";
  public static final String PRIVATE = "private";

  public boolean isMember() {
    return myRole != null;
  }

  public boolean isDirect() {
    return DIRECT.equals(kind);
  }

  public boolean isPublic() {
    return PUBLIC.equals(visibility);
  }

  public boolean canModerate() {
    return "owner".equals(myRole) || "admin".equals(myRole);
  }

  /**
   * The level in effect: the member's own, or {@code all} in direct rooms, else {@code mentions}.
   */
  public String effectiveLevel() {
    return notificationLevel != null ? notificationLevel : defaultLevel(kind);
  }

  public static String defaultLevel(String kind) {
    return DIRECT.equals(kind) ? "all" : "mentions";
  }

  public boolean isMuted(long now) {
    return mutedUntil != null && mutedUntil > now;
  }

  public long unreadCount() {
    return isMember() ? Math.max(0, lastSeq - myReadSeq) : 0;
  }

  /** The SPEC §3 room object for this viewer. */
  public Map<String, Object> view() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("kind", kind);
    m.put("name", isDirect() && peer != null ? peer : name);
    m.put("topic", topic);
    m.put("visibility", visibility);
    m.put("created_by", createdBy);
    m.put("created_at", Times.iso(createdAt));
    m.put("member_count", memberCount);
    m.put("last_seq", lastSeq);
    m.put("last_activity_at", Times.iso(lastActivityAt));
    m.put("unread_count", unreadCount());
    m.put("mention_count", isMember() ? mentionCount : 0);
    m.put("last_read_seq", isMember() ? myReadSeq : 0);
    m.put("notification_level", isMember() ? effectiveLevel() : null);
    m.put(
        "muted_until",
        isMember() && isMuted(System.currentTimeMillis()) ? Times.iso(mutedUntil) : null);
    m.put("my_role", myRole);
    return m;
  }

  /** The room without anyone's role or marker, for events every member receives. */
  public Map<String, Object> sharedView() {
    Map<String, Object> m = view();
    m.remove("unread_count");
    m.remove("mention_count");
    m.remove("last_read_seq");
    m.remove("notification_level");
    m.remove("muted_until");
    m.remove("my_role");
    if (isDirect()) {
      m.put("name", name);
    }
    return m;
  }
}
