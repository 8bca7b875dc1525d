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
import org.jdbi.v3.core.Handle;

/** User directory and profiles (SPEC §2). */
public final class UserService {
  private static final String AVATAR_FIELD = "avatar_url";

  private final Database db;

  /** Whether a user has a live connection; always false until the real-time gateway answers it. */
  private final Predicate<String> online;

  private final UserLimits limits;

  public UserService(Database db, Predicate<String> online, UserLimits limits) {
    this.db = db;
    this.online = online;
    this.limits = limits;
    convertLegacyAvatars();
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

  /**
   * Applies the fields that are present (null = unchanged) and returns the new profile. An avatar
   * is given as one of the user's own image uploads ({@code /api/v1/uploads/{id}}) and stored under
   * a new key; see {@link AvatarUrls}. A refusal (422) changes nothing.
   */
  public User update(String userId, String displayName, String avatarUrl, String statusText) {
    limits.check(UserLimits.Action.PROFILE, userId);
    String newDisplay = displayName == null ? null : Fields.displayName(displayName);
    AvatarUrls.Wanted avatar = avatarUrl == null ? null : AvatarUrls.check(avatarUrl);
    String newStatus = statusText == null ? null : Fields.statusText(statusText);
    return db.jdbi()
        .inTransaction(
            h -> {
              User u =
                  Users.byId(h, userId)
                      .orElseThrow(() -> ApiError.unauthorized("user no longer exists"));
              if (avatar != null) {
                applyAvatar(h, u, avatar);
              }
              Users.updateProfile(
                  h,
                  userId,
                  newDisplay != null ? newDisplay : u.displayName(),
                  Users.byId(h, userId).orElseThrow().avatarUrl(),
                  statusText != null ? (newStatus.isEmpty() ? null : newStatus) : u.statusText());
              return Users.byId(h, userId).orElseThrow();
            });
  }

  private static void applyAvatar(Handle h, User u, AvatarUrls.Wanted wanted) {
    switch (wanted) {
      case AvatarUrls.Clear ignored -> Users.setAvatar(h, u.id(), null, null, null);
      case AvatarUrls.Keep k -> {
        if (!k.url().equals(u.avatarUrl())) {
          throw ApiError.validation(
              AVATAR_FIELD, "avatar_url names an avatar that is not yours (or no longer is)");
        }
      }
      case AvatarUrls.FromUpload f -> {
        if (f.uploadId().equals(Users.avatarUploadOf(h, u.id()).orElse(null))) {
          return; // already the avatar: the key stays, so caches stay good
        }
        Users.UploadFacts facts =
            Users.upload(h, f.uploadId())
                .orElseThrow(() -> ApiError.validation(AVATAR_FIELD, "no such upload"));
        String refusal =
            AvatarUrls.refusal(u.id(), facts.uploaderId(), facts.contentType(), facts.size());
        if (refusal != null) {
          throw ApiError.validation(AVATAR_FIELD, refusal);
        }
        String key = AvatarUrls.newKey();
        Users.setAvatar(h, u.id(), AvatarUrls.url(key), key, f.uploadId());
      }
    }
  }

  /**
   * Profiles stored before avatar keys carry {@code /api/v1/uploads/{id}}, which other users cannot
   * load: each becomes a keyed avatar when the upload may be one, and is cleared otherwise. Runs at
   * start; once converted, nothing matches.
   */
  void convertLegacyAvatars() {
    db.jdbi()
        .useTransaction(
            h -> {
              List<User> legacy =
                  h.createQuery(
                          "SELECT "
                              + Users.columns("u")
                              + " FROM users u WHERE u.avatar_key IS NULL AND u.avatar_url IS NOT NULL")
                      .map(Users.MAPPER)
                      .list();
              for (User u : legacy) {
                try {
                  applyAvatar(h, u, AvatarUrls.check(u.avatarUrl()));
                } catch (ApiError e) {
                  Users.setAvatar(h, u.id(), null, null, null);
                }
              }
            });
  }
}
