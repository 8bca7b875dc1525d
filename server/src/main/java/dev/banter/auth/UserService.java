package dev.banter.auth;

import dev.banter.core.ApiError;
import dev.banter.store.Database;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/** User directory and profiles (SPEC §2). */
public final class UserService {
  private final Database db;
  /** Whether a user has a live connection; always false until the real-time gateway answers it. */
  private final Predicate<String> online;

  public UserService(Database db, Predicate<String> online) {
    this.db = db;
    this.online = online;
  }

  public List<User> search(String query, int limit) {
    return db.jdbi().withHandle(h -> Users.search(h, query.strip(), limit));
  }

  public User byUsername(String username) {
    return db.jdbi().withHandle(h -> Users.byUsername(h, username.toLowerCase(Locale.ROOT)))
        .orElseThrow(() -> ApiError.notFound("no such user"));
  }

  /** Records when each user was last seen (their last connection closed then): one batched update. */
  public void seen(Map<String, Long> lastSeen) {
    db.jdbi().useTransaction(h -> Users.touchAll(h, lastSeen));
  }

  public java.util.Optional<String> usernameOf(String userId) {
    return db.jdbi().withHandle(h -> Users.byId(h, userId)).map(User::username);
  }

  public boolean isOnline(String userId) {
    return online.test(userId);
  }

  /** Applies the fields that are present (null = unchanged) and returns the new profile. */
  public User update(String userId, String displayName, String avatarUrl, String statusText) {
    String newDisplay = displayName == null ? null : Fields.displayName(displayName);
    String newAvatar = avatarUrl == null ? null : AvatarUrls.check(avatarUrl);
    String newStatus = statusText == null ? null : Fields.statusText(statusText);
    return db.jdbi().inTransaction(h -> {
      User u = Users.byId(h, userId).orElseThrow(() -> ApiError.unauthorized("user no longer exists"));
      Users.updateProfile(h, userId,
          newDisplay != null ? newDisplay : u.displayName(),
          avatarUrl != null ? newAvatar : u.avatarUrl(),
          statusText != null ? (newStatus.isEmpty() ? null : newStatus) : u.statusText());
      return Users.byId(h, userId).orElseThrow();
    });
  }
}
