package dev.banter.auth;

import dev.banter.core.ApiError;
import dev.banter.core.Ids;
import dev.banter.core.Principal;
import dev.banter.core.Times;
import dev.banter.store.AuditLog;
import dev.banter.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SPEC §9 password reset links: an admin issues one for a user (audited); whoever holds it sets a
 * new password once, before it expires, and every session of the user ends. Only a hash of the
 * token is stored; issuing a new link retires the user's older ones.
 */
public final class PasswordResets {
  public static final Duration LIFETIME = Duration.ofHours(24);
  private static final int TOKEN_BYTES = 32;
  private static final int MAX_TOKEN_LENGTH = 128;
  private static final String INVALID = "this reset link is not valid (used, expired or replaced)";

  private final Database db;
  private final Revocations revocations;
  private final String publicUrl;
  private final Clock clock;

  /**
   * @param publicUrl the base of a link's {@code reset_url} (BANTER_PUBLIC_URL), or "" for a path
   */
  public PasswordResets(Database db, Revocations revocations, String publicUrl, Clock clock) {
    this.db = db;
    this.revocations = revocations;
    this.publicUrl = publicUrl;
    this.clock = clock;
  }

  /** A link for {@code rawUsername}'s account: {@code reset_url} and {@code expires_at}. */
  public Map<String, Object> issue(Principal admin, String rawUsername) {
    String username = rawUsername.strip().toLowerCase(Locale.ROOT);
    String token = Ids.randomToken(TOKEN_BYTES);
    long now = clock.millis();
    long expires = now + LIFETIME.toMillis();
    db.jdbi()
        .useTransaction(
            h -> {
              User user =
                  Users.byUsername(h, username)
                      .filter(u -> !u.guest())
                      .orElseThrow(() -> ApiError.notFound("no such user"));
              h.createUpdate(
                      "UPDATE password_resets SET used_at = :now"
                          + " WHERE user_id = :user AND used_at IS NULL")
                  .bind("now", now)
                  .bind("user", user.id())
                  .execute();
              h.createUpdate(
                      """
                      INSERT INTO password_resets (token_hash, user_id, created_at, expires_at)
                      VALUES (:hash, :user, :now, :expires)
                      """)
                  .bind("hash", RefreshTokens.hash(token))
                  .bind("user", user.id())
                  .bind("now", now)
                  .bind("expires", expires)
                  .execute();
              AuditLog.record(
                  h,
                  admin,
                  "user.password_reset",
                  username,
                  Map.of("expires_at", Times.iso(expires)),
                  now);
            });
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("reset_url", publicUrl + "/#/reset/" + token);
    out.put("expires_at", Times.iso(expires));
    return out;
  }

  /** Sets a new password with a link's token; 403 for a token that is not (or no longer) valid. */
  public void reset(String rawToken, String rawPassword) {
    String token = Fields.required(rawToken, "token");
    String password = Fields.newPassword(rawPassword, "new_password");
    if (token.length() > MAX_TOKEN_LENGTH) {
      throw ApiError.forbidden(INVALID);
    }
    String hash = Passwords.hash(password); // before the transaction: hashing is slow
    String tokenHash = RefreshTokens.hash(token);
    long now = clock.millis();
    String[] userId = new String[1];
    List<String> ended =
        db.jdbi()
            .inTransaction(
                h -> {
                  String user =
                      h.createQuery(
                              "SELECT user_id FROM password_resets WHERE token_hash = :hash"
                                  + " AND used_at IS NULL AND expires_at > :now")
                          .bind("hash", tokenHash)
                          .bind("now", now)
                          .mapTo(String.class)
                          .findOne()
                          .orElseThrow(() -> ApiError.forbidden(INVALID));
                  int used =
                      h.createUpdate(
                              "UPDATE password_resets SET used_at = :now"
                                  + " WHERE token_hash = :hash AND used_at IS NULL")
                          .bind("now", now)
                          .bind("hash", tokenHash)
                          .execute();
                  if (used != 1) {
                    throw ApiError.forbidden(INVALID);
                  }
                  Users.updatePassword(h, user, hash);
                  userId[0] = user;
                  return RefreshTokens.revokeAllOf(h, user, null, now);
                });
    revocations.sessionsRevoked(userId[0], ended);
  }
}
