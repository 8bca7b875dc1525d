package dev.banter.auth;

import dev.banter.core.ApiError;
import dev.banter.core.Principal;
import dev.banter.core.UserLimits;
import dev.banter.store.Database;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/** User directory and profiles (SPEC §2). */
public final class UserService {
  private final Database db;

  /** Whether a user has a live connection; always false until the real-time gateway answers it. */
  private final Predicate<String> online;

  private final UserLimits limits;

  public UserService(Database db, Predicate<String> online, UserLimits limits) {
    this.db = db;
    this.online = online;
    this.limits = limits;
  }

  /**
   * Profiles as {@code viewer} may see them: whether and when someone was online only to users who
   * share a room with them (as presence events go) and never to guests; yourself always.
   */
  public List<Map<String, Object>> profilesFor(Principal viewer, List<User> users) {
    List<String> others =
        users.stream().map(User::id).filter(id -> !id.equals(viewer.userId())).toList();
    Set<String> sharing =
        viewer.guest() || others.isEmpty()
            ? Set.of()
            : db.jdbi().withHandle(h -> Users.sharingARoomWith(h, viewer.userId(), others));
    return users.stream()
        .map(
            u -> {
              boolean visible = u.id().equals(viewer.userId()) || sharing.contains(u.id());
              return u.profile(visible && online.test(u.id()), visible);
            })
        .toList();
  }

  public Map<String, Object> profileFor(Principal viewer, User user) {
    return profilesFor(viewer, List.of(user)).getFirst();
  }

  public List<User> search(String query, int limit) {
    return db.jdbi().withHandle(h -> Users.search(h, query.strip(), limit));
  }

  public User byUsername(String username) {
    return db.jdbi()
        .withHandle(h -> Users.byUsername(h, username.toLowerCase(Locale.ROOT)))
        .orElseThrow(() -> ApiError.notFound("no such user"));
  }

  /**
   * Records when each user was last seen (their last connection closed then): one batched update.
   */
  public void seen(Map<String, Long> lastSeen) {
    db.jdbi().useTransaction(h -> Users.touchAll(h, lastSeen));
  }

  public Optional<String> usernameOf(String userId) {
    return db.jdbi().withHandle(h -> Users.byId(h, userId)).map(User::username);
  }

  /** Applies the fields that are present (null = unchanged) and returns the new profile. */
  public User update(String userId, String displayName, String avatarUrl, String statusText) {
    limits.check(UserLimits.Action.PROFILE, userId);
    String newDisplay = displayName == null ? null : Fields.displayName(displayName);
    String newAvatar = avatarUrl == null ? null : AvatarUrls.check(avatarUrl);
    String newStatus = statusText == null ? null : Fields.statusText(statusText);
    return db.jdbi()
        .inTransaction(
            h -> {
              User u =
                  Users.byId(h, userId)
                      .orElseThrow(() -> ApiError.unauthorized("user no longer exists"));
              Users.updateProfile(
                  h,
                  userId,
                  newDisplay != null ? newDisplay : u.displayName(),
                  avatarUrl != null ? newAvatar : u.avatarUrl(),
                  statusText != null ? (newStatus.isEmpty() ? null : newStatus) : u.statusText());
              return Users.byId(h, userId).orElseThrow();
            });
  }
}
