package dev.banter.auth;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** The SQL of invites. Every method runs in the caller's handle (and transaction). */
final class Invites {
  /** One stored invite; {@code creator} is the creator's username. */
  record Invite(
      String code,
      String createdBy,
      String creator,
      long createdAt,
      Long expiresAt,
      Integer maxUses,
      int uses,
      String roomId) {
    boolean usable(long now) {
      return (expiresAt == null || expiresAt > now) && (maxUses == null || uses < maxUses);
    }
  }

  private static final RowMapper<Invite> MAPPER =
      (rs, ctx) -> {
        long expires = rs.getLong("expires_at");
        Long expiresAt = rs.wasNull() ? null : expires;
        int max = rs.getInt("max_uses");
        Integer maxUses = rs.wasNull() ? null : max;
        return new Invite(
            rs.getString("code"),
            rs.getString("created_by"),
            rs.getString("username"),
            rs.getLong("created_at"),
            expiresAt,
            maxUses,
            rs.getInt("uses"),
            rs.getString("room_id"));
      };

  private static final String SELECT =
      "SELECT i.code, i.created_by, u.username, i.created_at, i.expires_at, i.max_uses, i.uses,"
          + " i.room_id FROM invites i JOIN users u ON u.id = i.created_by";

  /** A usable invite: not expired, not used up. */
  private static final String USABLE =
      "(i.expires_at IS NULL OR i.expires_at > :now) AND (i.max_uses IS NULL OR i.uses < i.max_uses)";

  private Invites() {}

  static void insert(Handle h, Invite i) {
    h.createUpdate(
            """
            INSERT INTO invites (code, created_by, created_at, expires_at, max_uses, uses, room_id)
            VALUES (:code, :createdBy, :createdAt, :expiresAt, :maxUses, 0, :roomId)
            """)
        .bind("code", i.code())
        .bind("createdBy", i.createdBy())
        .bind("createdAt", i.createdAt())
        .bind("expiresAt", i.expiresAt())
        .bind("maxUses", i.maxUses())
        .bind("roomId", i.roomId())
        .execute();
  }

  static Optional<Invite> byCode(Handle h, String code) {
    return h.createQuery(SELECT + " WHERE i.code = :code").bind("code", code).map(MAPPER).findOne();
  }

  /** The usable invites {@code userId} made. */
  static int usableOf(Handle h, String userId, long now) {
    return h.createQuery("SELECT count(*) FROM invites i WHERE i.created_by = :u AND " + USABLE)
        .bind("u", userId)
        .bind("now", now)
        .mapTo(Integer.class)
        .one();
  }

  /** The newest invites, of everyone ({@code userId} null) or of one creator. */
  static List<Invite> newest(Handle h, String userId, int limit) {
    return h.createQuery(
            SELECT
                + (userId == null ? "" : " WHERE i.created_by = :u")
                + " ORDER BY i.created_at DESC, i.code LIMIT :limit")
        .bind("u", userId)
        .bind("limit", limit)
        .map(MAPPER)
        .list();
  }

  /** Counts one use of a usable invite; false when it is spent, expired or gone. */
  static boolean use(Handle h, String code, long now) {
    return h.createUpdate(
                "UPDATE invites SET uses = uses + 1 WHERE code = :code AND code IN (SELECT i.code"
                    + " FROM invites i WHERE i.code = :code AND "
                    + USABLE
                    + ")")
            .bind("code", code)
            .bind("now", now)
            .execute()
        == 1;
  }

  static boolean delete(Handle h, String code) {
    return h.createUpdate("DELETE FROM invites WHERE code = :code").bind("code", code).execute()
        == 1;
  }
}
