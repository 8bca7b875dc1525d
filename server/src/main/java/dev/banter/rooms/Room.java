package dev.banter.rooms;

import dev.banter.core.Times;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A room as one user sees it: the stored room plus that user's role and read marker ({@code myRole}
 * null when not a member) and, for a direct room, the other member's name.
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
    String peer) {

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
    m.put("my_role", myRole);
    return m;
  }

  /** The room without anyone's role or marker, for events every member receives. */
  public Map<String, Object> sharedView() {
    Map<String, Object> m = view();
    m.remove("unread_count");
    m.remove("my_role");
    if (isDirect()) {
      m.put("name", name);
    }
    return m;
  }
}
