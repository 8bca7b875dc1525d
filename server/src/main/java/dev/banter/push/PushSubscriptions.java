package dev.banter.push;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** The SQL of push subscriptions. Every method runs in the caller's handle (and transaction). */
final class PushSubscriptions {
  /** One stored browser subscription. */
  record Subscription(String id, String userId, String endpoint, String p256dh, String auth) {}

  private static final RowMapper<Subscription> MAPPER =
      (rs, ctx) ->
          new Subscription(
              rs.getString("id"),
              rs.getString("user_id"),
              rs.getString("endpoint"),
              rs.getString("p256dh"),
              rs.getString("auth"));

  private static final String SELECT =
      "SELECT id, user_id, endpoint, p256dh, auth FROM push_subscriptions";

  private PushSubscriptions() {}

  /**
   * Locks the user's row until commit (a write that changes nothing), so that two subscribes of one
   * user count and evict one after the other on PostgreSQL; SQLite has one writer anyway. False
   * when there is no such user.
   */
  static boolean lockUser(Handle h, String userId) {
    return h.createUpdate("UPDATE users SET id = id WHERE id = :id").bind("id", userId).execute()
        == 1;
  }

  static Optional<Subscription> byEndpoint(Handle h, String endpoint) {
    return h.createQuery(SELECT + " WHERE endpoint = :endpoint")
        .bind("endpoint", endpoint)
        .map(MAPPER)
        .findOne();
  }

  static List<Subscription> ofUser(Handle h, String userId) {
    return h.createQuery(SELECT + " WHERE user_id = :user ORDER BY created_at, id")
        .bind("user", userId)
        .map(MAPPER)
        .list();
  }

  /**
   * What to push to: the user's subscriptions, none while the account is disabled (they come back
   * with it, so a re-enabled user's browsers need not subscribe again).
   */
  static List<Subscription> toPush(Handle h, String userId) {
    return h.createQuery(
            SELECT
                + " WHERE user_id = :user AND user_id IN"
                + " (SELECT id FROM users WHERE id = :user AND disabled = :no)")
        .bind("user", userId)
        .bind("no", false)
        .map(MAPPER)
        .list();
  }

  static void insert(Handle h, Subscription s, long now) {
    h.createUpdate(
            """
            INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, created_at)
            VALUES (:id, :user, :endpoint, :p256dh, :auth, :now)
            """)
        .bind("id", s.id())
        .bind("user", s.userId())
        .bind("endpoint", s.endpoint())
        .bind("p256dh", s.p256dh())
        .bind("auth", s.auth())
        .bind("now", now)
        .execute();
  }

  /** New keys for a subscription the browser renewed under the same endpoint. */
  static void updateKeys(Handle h, String id, String p256dh, String auth) {
    h.createUpdate("UPDATE push_subscriptions SET p256dh = :p256dh, auth = :auth WHERE id = :id")
        .bind("id", id)
        .bind("p256dh", p256dh)
        .bind("auth", auth)
        .execute();
  }

  /** Deletes {@code id} if it is {@code userId}'s; false when there is none such. */
  static boolean deleteOwn(Handle h, String id, String userId) {
    return h.createUpdate("DELETE FROM push_subscriptions WHERE id = :id AND user_id = :user")
            .bind("id", id)
            .bind("user", userId)
            .execute()
        == 1;
  }

  static void delete(Handle h, String id) {
    h.createUpdate("DELETE FROM push_subscriptions WHERE id = :id").bind("id", id).execute();
  }

  /** The users among {@code userIds} with at least one subscription. */
  static List<String> usersAmong(Handle h, List<String> userIds) {
    if (userIds.isEmpty()) {
      return List.of();
    }
    return h.createQuery(
            "SELECT DISTINCT user_id FROM push_subscriptions WHERE user_id IN (<users>)")
        .bindList("users", userIds)
        .mapTo(String.class)
        .list();
  }

  /** A channel's name, for a notification's title; null for a direct room (or a room gone). */
  static String channelName(Handle h, String roomId) {
    return h.createQuery("SELECT name FROM rooms WHERE id = :room AND kind = 'channel'")
        .bind("room", roomId)
        .mapTo(String.class)
        .findOne()
        .orElse(null);
  }
}
