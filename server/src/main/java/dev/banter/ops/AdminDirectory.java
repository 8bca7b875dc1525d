package dev.banter.ops;

import dev.banter.core.Times;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.jdbi.v3.core.Handle;

/**
 * What global admins list (SPEC §9): every account, and every channel with its size, searched and
 * paged by a cursor. Direct rooms are not listed: who talks to whom privately is not the admin's to
 * browse. Every method runs in the caller's handle.
 */
final class AdminDirectory {
  /** The most rows on one page. */
  static final int MAX_PAGE = 200;

  private AdminDirectory() {}

  /** One page and the cursor of the next (null at the end). */
  record Page(List<Map<String, Object>> items, String nextCursor) {}

  private static String like(String query) {
    String escaped =
        query
            .strip()
            .toLowerCase(Locale.ROOT)
            .replace("!", "!!")
            .replace("%", "!%")
            .replace("_", "!_");
    return "%" + escaped + "%";
  }

  private static final String USER_COLUMNS =
      "SELECT id, username, display_name, role, guest, disabled, created_at, last_seen_at FROM users";

  /**
   * Accounts whose username or display name contains {@code query}, by username after {@code
   * cursor} (a username; null from the start); {@code namedAdmin} tells the BANTER_ADMINS names.
   */
  static Page users(
      Handle h, String query, String cursor, int limit, Predicate<String> namedAdmin) {
    List<Map<String, Object>> rows =
        h.createQuery(
                USER_COLUMNS
                    + " WHERE (lower(username) LIKE :q ESCAPE '!'"
                    + " OR lower(display_name) LIKE :q ESCAPE '!')"
                    + " AND username > :cursor ORDER BY username LIMIT :limit")
            .bind("q", like(query))
            .bind("cursor", cursor == null ? "" : cursor)
            .bind("limit", limit + 1)
            .map((rs, ctx) -> userRow(rs, namedAdmin))
            .list();
    return page(rows, limit, "username");
  }

  /** One account as {@link #users} lists it. */
  static Optional<Map<String, Object>> user(
      Handle h, String username, Predicate<String> namedAdmin) {
    return h.createQuery(USER_COLUMNS + " WHERE username = :u")
        .bind("u", username)
        .map((rs, ctx) -> userRow(rs, namedAdmin))
        .findOne();
  }

  private static Map<String, Object> userRow(ResultSet rs, Predicate<String> namedAdmin)
      throws SQLException {
    Map<String, Object> m = new LinkedHashMap<>();
    String username = rs.getString("username");
    boolean guest = rs.getBoolean("guest");
    m.put("id", rs.getString("id"));
    m.put("username", username);
    m.put("display_name", rs.getString("display_name"));
    m.put("role", !guest && namedAdmin.test(username) ? "admin" : rs.getString("role"));
    m.put("guest", guest);
    m.put("disabled", rs.getBoolean("disabled"));
    m.put("created_at", Times.iso(rs.getLong("created_at")));
    long seen = rs.getLong("last_seen_at");
    m.put("last_seen_at", rs.wasNull() ? null : Times.iso(seen));
    return m;
  }

  /** Channels whose name or topic contains {@code query}, newest first, before {@code cursor}. */
  static Page rooms(Handle h, String query, String cursor, int limit) {
    String sql =
        """
        SELECT r.id, r.name, r.topic, r.visibility, r.created_at, r.last_activity_at, r.last_seq,
               (SELECT count(*) FROM room_members c WHERE c.room_id = r.id) AS member_count
          FROM rooms r
         WHERE r.kind = 'channel'
           AND (lower(r.name) LIKE :q ESCAPE '!' OR lower(r.topic) LIKE :q ESCAPE '!')
        """
            + (cursor == null ? "" : " AND r.id < :cursor")
            + " ORDER BY r.id DESC LIMIT :limit";
    List<Map<String, Object>> rows =
        h.createQuery(sql)
            .bind("q", like(query))
            .bind("cursor", cursor)
            .bind("limit", limit + 1)
            .map(
                (rs, ctx) -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("id", rs.getString("id"));
                  m.put("name", rs.getString("name"));
                  m.put("topic", rs.getString("topic"));
                  m.put("visibility", rs.getString("visibility"));
                  m.put("member_count", rs.getLong("member_count"));
                  m.put("last_seq", rs.getLong("last_seq"));
                  m.put("created_at", Times.iso(rs.getLong("created_at")));
                  m.put("last_activity_at", Times.iso(rs.getLong("last_activity_at")));
                  return m;
                })
            .list();
    return page(rows, limit, "id");
  }

  private static Page page(List<Map<String, Object>> rows, int limit, String key) {
    if (rows.size() <= limit) {
      return new Page(rows, null);
    }
    List<Map<String, Object>> shown = new ArrayList<>(rows.subList(0, limit));
    return new Page(shown, (String) shown.get(limit - 1).get(key));
  }
}
