package dev.banter.auth;

import dev.banter.core.Ids;
import dev.banter.store.Sql;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Opaque refresh tokens in families: a login starts a family, each refresh spends its token and
 * issues the next of the same family. Only SHA-256 hashes are stored.
 */
final class RefreshTokens {
  private static final int TOKEN_BYTES = 32;

  /** A stored token with its family's state. */
  record Stored(String familyId, String userId, long expiresAt, Long usedAt, Long revokedAt) {}

  private RefreshTokens() {}

  /** A new family (a signed-in session) and its first token. */
  record Family(String id, String firstToken) {}

  /** Starts a new family for {@code userId}: a new signed-in session, made from {@code device}. */
  static Family startFamily(Handle h, String userId, long now, long ttlMillis, Device device) {
    String family = Ids.newId();
    h.createUpdate(
            """
        INSERT INTO token_families (id, user_id, created_at, last_used_at, ip, user_agent)
        VALUES (:id, :user, :now, :now, :ip, :agent)
        """)
        .bind("id", family)
        .bind("user", userId)
        .bind("now", now)
        .bind("ip", device.ip())
        .bind("agent", device.userAgent())
        .execute();
    return new Family(family, issue(h, family, now, ttlMillis));
  }

  /** Where and when a session was last used: each refresh records it. */
  static void touchFamily(Handle h, String familyId, long now, Device device) {
    h.createUpdate(
            """
        UPDATE token_families SET last_used_at = :now, ip = coalesce(:ip, ip),
               user_agent = coalesce(:agent, user_agent)
         WHERE id = :id
        """)
        .bind("id", familyId)
        .bind("now", now)
        .bind("ip", device.ip())
        .bind("agent", device.userAgent())
        .execute();
  }

  /** A signed-in session as GET /api/v1/auth/sessions lists it. */
  record Live(String id, long createdAt, long lastUsedAt, String ip, String userAgent) {}

  /**
   * {@code userId}'s live sessions, most recently used first: not revoked, and refreshed within
   * {@code ttlMillis} (each refresh issues a token that lives that long, so an older one is dead).
   */
  static List<Live> live(Handle h, String userId, long now, long ttlMillis, int limit) {
    return h.createQuery(
            """
        SELECT id, created_at, last_used_at, ip, user_agent FROM token_families
         WHERE user_id = :user AND revoked_at IS NULL AND last_used_at > :cutoff
         ORDER BY last_used_at DESC, id DESC
         LIMIT :limit
        """)
        .bind("user", userId)
        .bind("cutoff", now - ttlMillis)
        .bind("limit", limit)
        .map(
            (rs, ctx) ->
                new Live(
                    rs.getString("id"),
                    rs.getLong("created_at"),
                    rs.getLong("last_used_at"),
                    rs.getString("ip"),
                    rs.getString("user_agent")))
        .list();
  }

  /**
   * Ends the oldest live sessions of {@code userId} beyond the newest {@code keep} and forgets the
   * ones ended or expired more than {@code forgetMillis} ago; returns the ids it ended.
   */
  static List<String> bound(
      Handle h, String userId, int keep, long now, long ttlMillis, long forgetMillis) {
    List<String> beyond =
        h.createQuery(
                """
        SELECT id FROM token_families WHERE user_id = :user AND revoked_at IS NULL
         ORDER BY last_used_at DESC, id DESC
        """)
            .bind("user", userId)
            .mapTo(String.class)
            .list();
    List<String> ended = beyond.size() > keep ? beyond.subList(keep, beyond.size()) : List.of();
    for (String id : ended) {
      revokeFamily(h, id, now);
    }
    h.createUpdate(
            """
        DELETE FROM token_families
         WHERE user_id = :user AND (revoked_at < :forget OR last_used_at < :expired)
        """)
        .bind("user", userId)
        .bind("forget", now - forgetMillis)
        .bind("expired", now - ttlMillis - forgetMillis)
        .execute();
    return List.copyOf(ended);
  }

  /** Ends one of {@code userId}'s sessions; false when it is not theirs or already ended. */
  static boolean revokeOwn(Handle h, String userId, String familyId, long now) {
    return h.createUpdate(
                """
        UPDATE token_families SET revoked_at = :now
         WHERE id = :id AND user_id = :user AND revoked_at IS NULL
        """)
            .bind("now", now)
            .bind("id", familyId)
            .bind("user", userId)
            .execute()
        == 1;
  }

  static String issue(Handle h, String familyId, long now, long ttlMillis) {
    String token = Ids.randomToken(TOKEN_BYTES);
    h.createUpdate(
            """
        INSERT INTO refresh_tokens (token_hash, family_id, issued_at, expires_at)
        VALUES (:hash, :family, :now, :expires)
        """)
        .bind("hash", hash(token))
        .bind("family", familyId)
        .bind("now", now)
        .bind("expires", now + ttlMillis)
        .execute();
    return token;
  }

  static Optional<Stored> find(Handle h, String token) {
    return h.createQuery(
            """
        SELECT t.family_id, f.user_id, t.expires_at, t.used_at, f.revoked_at
          FROM refresh_tokens t JOIN token_families f ON f.id = t.family_id
         WHERE t.token_hash = :hash
        """)
        .bind("hash", hash(token))
        .map(
            (rs, ctx) ->
                new Stored(
                    rs.getString("family_id"),
                    rs.getString("user_id"),
                    rs.getLong("expires_at"),
                    Sql.nullableLong(rs, "used_at"),
                    Sql.nullableLong(rs, "revoked_at")))
        .findOne();
  }

  /** Marks the token spent; false when it already was (a concurrent or repeated use). */
  static boolean spend(Handle h, String token, long now) {
    return h.createUpdate(
                "UPDATE refresh_tokens SET used_at = :now WHERE token_hash = :hash AND used_at IS NULL")
            .bind("now", now)
            .bind("hash", hash(token))
            .execute()
        == 1;
  }

  static void revokeFamily(Handle h, String familyId, long now) {
    h.createUpdate(
            "UPDATE token_families SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL")
        .bind("now", now)
        .bind("id", familyId)
        .execute();
  }

  /**
   * Revokes every live family of {@code userId} but {@code keep} (may be null); returns the revoked
   * ids.
   */
  static List<String> revokeAllOf(Handle h, String userId, String keep, long now) {
    List<String> live =
        h.createQuery("SELECT id FROM token_families WHERE user_id = :user AND revoked_at IS NULL")
            .bind("user", userId)
            .mapTo(String.class)
            .list();
    List<String> revoked = live.stream().filter(id -> !id.equals(keep)).toList();
    for (String id : revoked) {
      revokeFamily(h, id, now);
    }
    return revoked;
  }

  static String hash(String token) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
