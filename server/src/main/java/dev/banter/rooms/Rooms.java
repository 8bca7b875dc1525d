package dev.banter.rooms;

import dev.banter.auth.User;
import dev.banter.auth.Users;
import dev.banter.store.Sql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** The SQL of rooms and memberships. Every method runs in the caller's handle (and transaction). */
final class Rooms {
  private static final String SELECT =
      """
      SELECT r.id, r.kind, r.name, r.topic, r.visibility, r.created_by, r.created_at, r.last_seq,
             r.last_activity_at,
             (SELECT count(*) FROM room_members c WHERE c.room_id = r.id) AS member_count,
             me.role AS my_role, COALESCE(me.last_read_seq, 0) AS my_read_seq,
             me.notification_level AS my_level, me.muted_until AS my_muted_until,
             CASE WHEN me.user_id IS NULL THEN 0 ELSE
               (SELECT count(*) FROM message_mentions x
                 WHERE x.user_id = :viewer AND x.room_id = r.id AND x.seq > me.last_read_seq)
               + (SELECT count(*) FROM messages a
                   WHERE a.room_id = r.id AND a.mentions_room AND a.seq > me.last_read_seq
                     AND a.author_id <> :viewer
                     AND NOT EXISTS (SELECT 1 FROM message_mentions y
                                      WHERE y.message_id = a.id AND y.user_id = :viewer)) END
               AS my_mention_count,
             CASE WHEN r.kind = 'direct' THEN
               (SELECT u.username FROM room_members o JOIN users u ON u.id = o.user_id
                 WHERE o.room_id = r.id AND o.user_id <> :viewer ORDER BY u.username LIMIT 1) END AS peer
        FROM rooms r
        LEFT JOIN room_members me ON me.room_id = r.id AND me.user_id = :viewer
      """;

  static final RowMapper<Room> MAPPER =
      (rs, ctx) ->
          new Room(
              rs.getString("id"),
              rs.getString("kind"),
              rs.getString("name"),
              rs.getString("topic"),
              rs.getString("visibility"),
              rs.getString("created_by"),
              rs.getLong("created_at"),
              rs.getLong("last_seq"),
              rs.getLong("last_activity_at"),
              rs.getLong("member_count"),
              rs.getString("my_role"),
              rs.getLong("my_read_seq"),
              rs.getString("peer"),
              rs.getLong("my_mention_count"),
              rs.getString("my_level"),
              Sql.nullableLong(rs, "my_muted_until"));

  private Rooms() {}

  static Optional<Room> byId(Handle h, String id, String viewer) {
    return h.createQuery(SELECT + " WHERE r.id = :id")
        .bind("id", id)
        .bind("viewer", viewer)
        .map(MAPPER)
        .findOne();
  }

  /**
   * Whether the room exists, the caller's role in it (null when not a member), its kind and last
   * seq: the cheap check, one row by primary key whatever the size of the room.
   */
  static Optional<Membership> membership(Handle h, String roomId, String userId) {
    return h.createQuery(
            """
        SELECT m.role, r.kind, r.last_seq, r.last_rev FROM rooms r
          LEFT JOIN room_members m ON m.room_id = r.id AND m.user_id = :user
         WHERE r.id = :room
        """)
        .bind("room", roomId)
        .bind("user", userId)
        .map(
            (rs, ctx) ->
                new Membership(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)))
        .findOne();
  }

  /**
   * A {@link Membership} (its kind null when the room does not exist) and the user's own row (null
   * when the account is gone).
   */
  record Poster(Membership membership, User user) {}

  /**
   * {@link #membership} and the user's row for every (room, user) pair at once: what posts are
   * checked against, one statement for a whole batch of them. Every pair gets a row.
   */
  static Map<RoomService.RoomUser, Poster> posters(
      Handle h, Collection<RoomService.RoomUser> pairs) {
    String sql =
        """
        WITH p (room_id, user_id) AS (VALUES %s)
        SELECT p.room_id AS p_room, p.user_id AS p_user, m.role AS member_role, r.kind, r.last_seq, r.last_rev, %s
          FROM p
          LEFT JOIN rooms r ON r.id = p.room_id
          LEFT JOIN room_members m ON m.room_id = p.room_id AND m.user_id = p.user_id
          LEFT JOIN users u ON u.id = p.user_id
        """
            .formatted(
                String.join(", ", Collections.nCopies(pairs.size(), "(?, ?)")), Users.columns("u"));
    // Plain JDBC, as the writer's other batch statements (see Messages.takeSeqs).
    try (PreparedStatement ps = h.getConnection().prepareStatement(sql)) {
      int i = 1;
      for (RoomService.RoomUser pair : pairs) {
        ps.setString(i++, pair.roomId());
        ps.setString(i++, pair.userId());
      }
      Map<RoomService.RoomUser, Poster> rows = new HashMap<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.put(
              new RoomService.RoomUser(rs.getString("p_room"), rs.getString("p_user")),
              new Poster(
                  new Membership(
                      rs.getString("member_role"),
                      rs.getString("kind"),
                      rs.getLong("last_seq"),
                      rs.getLong("last_rev")),
                  rs.getString("id") == null ? null : Users.MAPPER.map(rs, null)));
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new Sql.Failed(e);
    }
  }

  static Optional<Room> byNameKey(Handle h, String nameKey, String viewer) {
    return h.createQuery(SELECT + " WHERE r.name_key = :key")
        .bind("key", nameKey)
        .bind("viewer", viewer)
        .map(MAPPER)
        .findOne();
  }

  static Optional<Room> byDmKey(Handle h, String dmKey, String viewer) {
    return h.createQuery(SELECT + " WHERE r.dm_key = :key")
        .bind("key", dmKey)
        .bind("viewer", viewer)
        .map(MAPPER)
        .findOne();
  }

  static List<Room> ofMember(Handle h, String viewer) {
    return h.createQuery(
            SELECT + " WHERE me.user_id IS NOT NULL ORDER BY r.last_activity_at DESC, r.id")
        .bind("viewer", viewer)
        .map(MAPPER)
        .list();
  }

  static List<Room> publicChannels(Handle h, String viewer, String query, int limit) {
    String pattern =
        "%"
            + query
                .toLowerCase(Locale.ROOT)
                .replace("!", "!!")
                .replace("%", "!%")
                .replace("_", "!_")
            + "%";
    return h.createQuery(
            SELECT
                + """
         WHERE r.kind = 'channel' AND r.visibility = 'public' AND r.name_key LIKE :pattern ESCAPE '!'
         ORDER BY member_count DESC, r.name_key
         LIMIT :limit
        """)
        .bind("viewer", viewer)
        .bind("pattern", pattern)
        .bind("limit", limit)
        .map(MAPPER)
        .list();
  }

  static void insert(
      Handle h,
      String id,
      String kind,
      String name,
      String nameKey,
      String dmKey,
      String topic,
      String visibility,
      String createdBy,
      long now) {
    h.createUpdate(
            """
        INSERT INTO rooms (id, kind, name, name_key, dm_key, topic, visibility, created_by, created_at,
                           last_seq, last_activity_at)
        VALUES (:id, :kind, :name, :nameKey, :dmKey, :topic, :visibility, :createdBy, :now, 0, :now)
        """)
        .bind("id", id)
        .bind("kind", kind)
        .bind("name", name)
        .bind("nameKey", nameKey)
        .bind("dmKey", dmKey)
        .bind("topic", topic)
        .bind("visibility", visibility)
        .bind("createdBy", createdBy)
        .bind("now", now)
        .execute();
  }

  static void update(
      Handle h, String id, String name, String nameKey, String topic, String visibility) {
    h.createUpdate(
            "UPDATE rooms SET name = :name, name_key = :nameKey, topic = :topic, visibility = :visibility"
                + " WHERE id = :id")
        .bind("id", id)
        .bind("name", name)
        .bind("nameKey", nameKey)
        .bind("topic", topic)
        .bind("visibility", visibility)
        .execute();
  }

  static void delete(Handle h, String id) {
    h.createUpdate("DELETE FROM rooms WHERE id = :id").bind("id", id).execute();
  }

  /** Adds a member; false when already one. */
  static boolean addMember(
      Handle h, String roomId, String userId, String role, long now, long readSeq) {
    if (roleOf(h, roomId, userId).isPresent()) {
      return false;
    }
    h.createUpdate(
            """
        INSERT INTO room_members (room_id, user_id, role, joined_at, last_read_seq)
        VALUES (:room, :user, :role, :now, :read)
        """)
        .bind("room", roomId)
        .bind("user", userId)
        .bind("role", role)
        .bind("now", now)
        .bind("read", readSeq)
        .execute();
    return true;
  }

  static boolean removeMember(Handle h, String roomId, String userId) {
    return h.createUpdate("DELETE FROM room_members WHERE room_id = :room AND user_id = :user")
            .bind("room", roomId)
            .bind("user", userId)
            .execute()
        == 1;
  }

  static Optional<String> roleOf(Handle h, String roomId, String userId) {
    return h.createQuery("SELECT role FROM room_members WHERE room_id = :room AND user_id = :user")
        .bind("room", roomId)
        .bind("user", userId)
        .mapTo(String.class)
        .findOne();
  }

  static void setRole(Handle h, String roomId, String userId, String role) {
    h.createUpdate("UPDATE room_members SET role = :role WHERE room_id = :room AND user_id = :user")
        .bind("role", role)
        .bind("room", roomId)
        .bind("user", userId)
        .execute();
  }

  static long countRole(Handle h, String roomId, String role) {
    return h.createQuery("SELECT count(*) FROM room_members WHERE room_id = :room AND role = :role")
        .bind("room", roomId)
        .bind("role", role)
        .mapTo(Long.class)
        .one();
  }

  static long countMembers(Handle h, String roomId) {
    return h.createQuery("SELECT count(*) FROM room_members WHERE room_id = :room")
        .bind("room", roomId)
        .mapTo(Long.class)
        .one();
  }

  /** The guest accounts among a room's members. */
  static List<String> guestMemberIds(Handle h, String roomId) {
    return h.createQuery(
            """
        SELECT m.user_id FROM room_members m JOIN users u ON u.id = m.user_id
         WHERE m.room_id = :room AND u.guest = :yes
        """)
        .bind("room", roomId)
        .bind("yes", true)
        .mapTo(String.class)
        .list();
  }

  static List<String> memberIds(Handle h, String roomId) {
    return h.createQuery("SELECT user_id FROM room_members WHERE room_id = :room")
        .bind("room", roomId)
        .mapTo(String.class)
        .list();
  }

  /** The rooms {@code userId} is a member of. */
  static List<String> roomIdsOf(Handle h, String userId) {
    return h.createQuery("SELECT room_id FROM room_members WHERE user_id = :user")
        .bind("user", userId)
        .mapTo(String.class)
        .list();
  }

  /** A member row with its user, for the members list. */
  record MemberRow(
      String userId,
      String username,
      String displayName,
      String avatarUrl,
      String statusText,
      String role,
      long joinedAt) {}

  static List<MemberRow> members(Handle h, String roomId) {
    return h.createQuery(
            """
        SELECT u.id, u.username, u.display_name, u.avatar_url, u.status_text, m.role, m.joined_at
          FROM room_members m JOIN users u ON u.id = m.user_id
         WHERE m.room_id = :room
         ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, u.username
        """)
        .bind("room", roomId)
        .map(
            (rs, ctx) ->
                new MemberRow(
                    rs.getString("id"),
                    rs.getString("username"),
                    rs.getString("display_name"),
                    rs.getString("avatar_url"),
                    rs.getString("status_text"),
                    rs.getString("role"),
                    rs.getLong("joined_at")))
        .list();
  }

  /** A member's read marker with the member, for "seen by". */
  record Reader(
      String userId, String username, String displayName, String avatarUrl, long lastReadSeq) {}

  /** The markers of the members but {@code except} at or after {@code minSeq}, newest first. */
  static List<Reader> readers(Handle h, String roomId, String except, long minSeq, int limit) {
    return h.createQuery(
            """
        SELECT u.id, u.username, u.display_name, u.avatar_url, m.last_read_seq
          FROM room_members m JOIN users u ON u.id = m.user_id
         WHERE m.room_id = :room AND m.user_id <> :except AND m.last_read_seq >= :min
         ORDER BY m.last_read_seq DESC, u.username
         LIMIT :limit
        """)
        .bind("room", roomId)
        .bind("except", except)
        .bind("min", minSeq)
        .bind("limit", limit)
        .map(
            (rs, ctx) ->
                new Reader(
                    rs.getString("id"),
                    rs.getString("username"),
                    rs.getString("display_name"),
                    rs.getString("avatar_url"),
                    rs.getLong("last_read_seq")))
        .list();
  }

  static long countReaders(Handle h, String roomId, String except, long minSeq) {
    return h.createQuery(
            """
        SELECT count(*) FROM room_members
         WHERE room_id = :room AND user_id <> :except AND last_read_seq >= :min
        """)
        .bind("room", roomId)
        .bind("except", except)
        .bind("min", minSeq)
        .mapTo(Long.class)
        .one();
  }

  /** Moves a read marker forward only; returns true when it moved. */
  static boolean markRead(Handle h, String roomId, String userId, long seq) {
    return h.createUpdate(
                """
        UPDATE room_members SET last_read_seq = :seq
         WHERE room_id = :room AND user_id = :user AND last_read_seq < :seq
        """)
            .bind("seq", seq)
            .bind("room", roomId)
            .bind("user", userId)
            .execute()
        == 1;
  }

  static void setNotifications(
      Handle h, String roomId, String userId, String level, Long mutedUntil) {
    h.createUpdate(
            """
        UPDATE room_members SET notification_level = :level, muted_until = :until
         WHERE room_id = :room AND user_id = :user
        """)
        .bind("level", level)
        .bindByType("until", mutedUntil, Long.class)
        .bind("room", roomId)
        .bind("user", userId)
        .execute();
  }
}
