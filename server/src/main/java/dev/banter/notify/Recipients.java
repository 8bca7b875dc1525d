package dev.banter.notify;

import dev.banter.rooms.Room;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The SQL the notifier reads: a room's kind, its members' own settings, who follows a thread, who
 * blocks an author. Every method runs in the caller's handle.
 */
final class Recipients {
  private Recipients() {}

  /** A member's own setting of a room: a level (null: the default) and a mute. */
  record Setting(String level, Long mutedUntil) {}

  static Optional<String> kind(Handle h, String roomId) {
    return h.createQuery("SELECT kind FROM rooms WHERE id = :room")
        .bind("room", roomId)
        .mapTo(String.class)
        .findOne();
  }

  /**
   * The members of a room that have a setting of their own (few, found through a partial index), or
   * every member of a direct room (two).
   */
  static Map<String, Setting> settings(Handle h, String roomId, String kind) {
    String where =
        Room.DIRECT.equals(kind)
            ? "room_id = :room"
            : "room_id = :room AND (notification_level IS NOT NULL OR muted_until IS NOT NULL)";
    Map<String, Setting> out = new HashMap<>();
    h.createQuery(
            "SELECT user_id, notification_level, muted_until FROM room_members WHERE " + where)
        .bind("room", roomId)
        .map(
            (rs, ctx) -> {
              long until = rs.getLong(3);
              return Map.entry(
                  rs.getString(1), new Setting(rs.getString(2), rs.wasNull() ? null : until));
            })
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  /** The followers of a thread who are still members of its room. */
  static List<String> followers(Handle h, String roomId, String rootId) {
    return h.createQuery(
            """
        SELECT f.user_id FROM thread_follows f
          JOIN room_members rm ON rm.room_id = f.room_id AND rm.user_id = f.user_id
         WHERE f.root_id = :root AND f.room_id = :room
        """)
        .bind("root", rootId)
        .bind("room", roomId)
        .mapTo(String.class)
        .list();
  }

  /** Those of {@code userIds} who are members of the room. */
  static Set<String> membersAmong(Handle h, String roomId, Set<String> userIds) {
    return new HashSet<>(
        h.createQuery("SELECT user_id FROM room_members WHERE room_id = :room AND user_id IN (<u>)")
            .bind("room", roomId)
            .bindList("u", List.copyOf(userIds))
            .mapTo(String.class)
            .list());
  }

  /** The users who block {@code authorId}. */
  static Set<String> blocking(Handle h, String authorId) {
    return new HashSet<>(
        h.createQuery("SELECT blocker_id FROM blocks WHERE blocked_id = :author")
            .bind("author", authorId)
            .mapTo(String.class)
            .list());
  }

  /** Records that {@code userIds} (online members @here reached) are mentioned by the message. */
  static void reachedByHere(
      Handle h, String messageId, String roomId, long seq, List<String> userIds) {
    var batch =
        h.prepareBatch(
            """
        INSERT INTO message_mentions (message_id, user_id, room_id, seq) VALUES (:m, :u, :r, :s)
        ON CONFLICT (message_id, user_id) DO NOTHING
        """);
    for (String u : userIds) {
      batch.bind("m", messageId).bind("u", u).bind("r", roomId).bind("s", seq).add();
    }
    if (!userIds.isEmpty()) {
      batch.execute();
    }
  }
}
