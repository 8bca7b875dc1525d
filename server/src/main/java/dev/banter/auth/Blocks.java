package dev.banter.auth;

import dev.banter.core.ApiError;
import dev.banter.core.Principal;
import dev.banter.core.UserLimits;
import dev.banter.store.Database;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * A user's blocks (SPEC §9): whom they block, kept so that those users' messages never notify them
 * (SPEC §8). What else a block refuses (direct rooms, collapsed messages) comes with SPEC §9's
 * issue.
 */
public final class Blocks {
  /** Users one user can block; a block is a row and a check on every message that could notify. */
  public static final int MAX_BLOCKS = 1_000;

  private final Database db;
  private final Clock clock;
  private final UserLimits limits;

  public Blocks(Database db, Clock clock, UserLimits limits) {
    this.db = db;
    this.clock = clock;
    this.limits = limits;
  }

  /** {@code p} blocks {@code rawUsername}; blocking again changes nothing. */
  public void block(Principal p, String rawUsername) {
    limits.check(UserLimits.Action.BLOCK, p.userId());
    db.jdbi()
        .useTransaction(
            h -> {
              User target = target(h, rawUsername);
              if (target.id().equals(p.userId())) {
                throw ApiError.validation("username", "you cannot block yourself");
              }
              long count =
                  h.createQuery("SELECT count(*) FROM blocks WHERE blocker_id = :me")
                      .bind("me", p.userId())
                      .mapTo(Long.class)
                      .one();
              if (count >= MAX_BLOCKS) {
                throw new ApiError(
                    409,
                    "conflict",
                    "you block " + MAX_BLOCKS + " users already; unblock someone first",
                    Map.of("limit", MAX_BLOCKS));
              }
              h.createUpdate(
                      """
                  INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (:me, :them, :now)
                  ON CONFLICT (blocker_id, blocked_id) DO NOTHING
                  """)
                  .bind("me", p.userId())
                  .bind("them", target.id())
                  .bind("now", clock.millis())
                  .execute();
            });
  }

  /** {@code p} no longer blocks {@code rawUsername}; unblocking someone not blocked is fine. */
  public void unblock(Principal p, String rawUsername) {
    limits.check(UserLimits.Action.BLOCK, p.userId());
    db.jdbi()
        .useTransaction(
            h ->
                h.createUpdate("DELETE FROM blocks WHERE blocker_id = :me AND blocked_id = :them")
                    .bind("me", p.userId())
                    .bind("them", target(h, rawUsername).id())
                    .execute());
  }

  /** The users {@code p} blocks, the newest block first. */
  public List<Map<String, Object>> blocked(Principal p) {
    return db.jdbi()
        .withHandle(
            h ->
                h
                    .createQuery(
                        """
                    SELECT b.blocked_id FROM blocks b WHERE b.blocker_id = :me
                     ORDER BY b.created_at DESC, b.blocked_id
                    """)
                    .bind("me", p.userId())
                    .mapTo(String.class)
                    .list()
                    .stream()
                    .map(id -> Users.byId(h, id))
                    .flatMap(Optional::stream)
                    .map(User::summary)
                    .toList());
  }

  private static User target(Handle h, String rawUsername) {
    if (rawUsername == null || rawUsername.length() > 64) {
      throw ApiError.notFound("no such user");
    }
    return Users.byUsername(h, rawUsername.toLowerCase(Locale.ROOT))
        .orElseThrow(() -> ApiError.notFound("no such user"));
  }
}
