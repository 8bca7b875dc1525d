package dev.banter.auth;

import dev.banter.store.Sql;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;

/** The SQL of the users table. Every method runs inside the caller's handle (and transaction). */
public final class Users {
  /** Maps a row of {@link #columns} (by column name) to a user. */
  public static final RowMapper<User> MAPPER =
      (rs, ctx) ->
          new User(
              rs.getString("id"),
              rs.getString("username"),
              rs.getString("display_name"),
              rs.getString("password_hash"),
              rs.getString("avatar_url"),
              rs.getString("status_text"),
              rs.getString("role"),
              rs.getBoolean("guest"),
              rs.getLong("created_at"),
              Sql.nullableLong(rs, "last_seen_at"));

  private static final String COLUMNS =
      "id, username, display_name, password_hash, avatar_url, status_text, role, guest, created_at, last_seen_at";

  private static final String TOUCH = "UPDATE users SET last_seen_at = :now WHERE id = :id";

  private static final String INSERT =
      """
      INSERT INTO users (id, username, display_name, password_hash, role, guest, created_at, last_seen_at)
      VALUES (:id, :username, :displayName, :passwordHash, :role, :guest, :createdAt, :createdAt)
      """;

  private static final String SEARCH =
      """
      SELECT %s FROM users
       WHERE lower(username) LIKE :prefix ESCAPE '!' OR lower(display_name) LIKE :prefix ESCAPE '!'
       ORDER BY username
       LIMIT :limit
      """
          .formatted(COLUMNS);

  private Users() {}

  /**
   * The columns {@link #MAPPER} reads, qualified by {@code alias}: for a query that joins users in.
   */
  public static String columns(String alias) {
    return alias + "." + COLUMNS.replace(", ", ", " + alias + ".");
  }

  public static Optional<User> byId(Handle h, String id) {
    return h.createQuery("SELECT " + COLUMNS + " FROM users WHERE id = :id")
        .bind("id", id)
        .map(MAPPER)
        .findOne();
  }

  public static Optional<User> byUsername(Handle h, String username) {
    return h.createQuery("SELECT " + COLUMNS + " FROM users WHERE username = :u")
        .bind("u", username)
        .map(MAPPER)
        .findOne();
  }

  static void insert(Handle h, User u) {
    h.createUpdate(INSERT)
        .bind("id", u.id())
        .bind("username", u.username())
        .bind("displayName", u.displayName())
        .bind("passwordHash", u.passwordHash())
        .bind("role", u.role())
        .bind("guest", u.guest())
        .bind("createdAt", u.createdAt())
        .execute();
  }

  /** Whether any registered (non-guest) user exists; stops at the first one found. */
  static boolean anyRegistered(Handle h) {
    return h.createQuery("SELECT 1 FROM users WHERE guest = :guest LIMIT 1")
        .bind("guest", false)
        .mapTo(Integer.class)
        .findOne()
        .isPresent();
  }

  static List<User> search(Handle h, String prefix, int limit) {
    String escaped =
        prefix.toLowerCase(Locale.ROOT).replace("!", "!!").replace("%", "!%").replace("_", "!_");
    return h.createQuery(SEARCH)
        .bind("prefix", escaped + "%")
        .bind("limit", limit)
        .map(MAPPER)
        .list();
  }

  static void touch(Handle h, String id, long now) {
    h.createUpdate(TOUCH).bind("now", now).bind("id", id).execute();
  }

  static void touchAll(Handle h, Map<String, Long> lastSeen) {
    PreparedBatch batch = h.prepareBatch(TOUCH);
    lastSeen.forEach((id, now) -> batch.bind("now", now).bind("id", id).add());
    if (batch.size() > 0) {
      batch.execute();
    }
  }

  static void updateProfile(
      Handle h, String id, String displayName, String avatarUrl, String statusText) {
    h.createUpdate(
            """
        UPDATE users SET display_name = :displayName, avatar_url = :avatarUrl, status_text = :statusText
         WHERE id = :id
        """)
        .bind("id", id)
        .bind("displayName", displayName)
        .bind("avatarUrl", avatarUrl)
        .bind("statusText", statusText)
        .execute();
  }

  /** Sets (or, with nulls, clears) the avatar: its URL, its key and the upload it shows. */
  static void setAvatar(Handle h, String id, String url, String key, String uploadId) {
    h.createUpdate(
            "UPDATE users SET avatar_url = :url, avatar_key = :key, avatar_upload_id = :upload WHERE id = :id")
        .bind("id", id)
        .bind("url", url)
        .bind("key", key)
        .bind("upload", uploadId)
        .execute();
  }

  /** The upload an avatar key stands for now. */
  static Optional<String> avatarUploadOf(Handle h, String id) {
    return h.createQuery("SELECT avatar_upload_id FROM users WHERE id = :id")
        .bind("id", id)
        .mapTo(String.class)
        .findOne();
  }

  /** What an upload offered as an avatar is: its uploader, type and size. */
  record UploadFacts(String uploaderId, String contentType, long size) {}

  static Optional<UploadFacts> upload(Handle h, String uploadId) {
    return h.createQuery("SELECT uploader_id, content_type, size FROM uploads WHERE id = :id")
        .bind("id", uploadId)
        .map((rs, ctx) -> new UploadFacts(rs.getString(1), rs.getString(2), rs.getLong(3)))
        .findOne();
  }

  static void setDisabled(Handle h, String id, boolean disabled) {
    h.createUpdate("UPDATE users SET disabled = :d WHERE id = :id")
        .bind("d", disabled)
        .bind("id", id)
        .execute();
  }

  static boolean isDisabled(Handle h, String id) {
    return h.createQuery("SELECT disabled FROM users WHERE id = :id")
        .bind("id", id)
        .mapTo(Boolean.class)
        .findOne()
        .orElse(false);
  }

  static void updatePassword(Handle h, String id, String hash) {
    h.createUpdate("UPDATE users SET password_hash = :hash WHERE id = :id")
        .bind("hash", hash)
        .bind("id", id)
        .execute();
  }

  /** Those of {@code others} who share at least one room with {@code viewer}. */
  static Set<String> sharingARoomWith(Handle h, String viewer, List<String> others) {
    return Set.copyOf(
        h.createQuery(
                """
        SELECT DISTINCT theirs.user_id
          FROM room_members mine JOIN room_members theirs ON theirs.room_id = mine.room_id
         WHERE mine.user_id = :viewer AND theirs.user_id IN (<others>)
        """)
            .bind("viewer", viewer)
            .bindList("others", others)
            .mapTo(String.class)
            .list());
  }
}
