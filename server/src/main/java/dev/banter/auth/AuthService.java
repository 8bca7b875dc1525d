package dev.banter.auth;

import dev.banter.core.ApiError;
import dev.banter.core.Ids;
import dev.banter.core.Principal;
import dev.banter.core.Times;
import dev.banter.store.AuditLog;
import dev.banter.store.Database;
import dev.banter.store.Sql;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Accounts and sessions: register, login, guest, refresh rotation with reuse detection, logout,
 * password change.
 */
public final class AuthService {
  private static final String WRONG_CREDENTIALS = "wrong username or password";
  private static final long FIRST_USER_LOCK = 0x62616e746572L; // "banter"

  private final Database db;
  private final AccessTokens accessTokens;
  private final Policy policy;
  private final LoginThrottle logins;
  private final Clock clock;
  private final BiConsumer<Handle, User> onCreated;
  private final Revocations revocations;
  private Door door = Door.OPEN;

  /**
   * Who may register (SPEC §9 registration modes and invites). The first account and the names in
   * BANTER_ADMINS are {@code exempt}: they may always register, so a server can be set up.
   */
  public interface Door {
    /** Lets everyone in; an invite code is ignored. */
    Door OPEN = (h, code, exempt, now) -> null;

    /**
     * In the registration's transaction, before the account is stored: refuses (403) or admits,
     * counting a use of {@code inviteCode} (may be null); the room the invite joins, or null.
     */
    String admit(Handle h, String inviteCode, boolean exempt, long now);

    /** In the transaction, once the account is stored: joins the invite's room. */
    default void enter(Handle h, User user, String roomId) {}

    /** After the commit: tells the room's members. */
    default void entered(User user, String roomId) {}
  }

  /** Sets the door registrations pass (the invite service, which needs this service's users). */
  public void door(Door door) {
    this.door = door;
  }

  /**
   * @param onCreated runs inside the transaction that creates a user (e.g. joining the default
   *     room), so a user never exists half set up
   */
  public AuthService(
      Database db,
      AccessTokens accessTokens,
      Policy policy,
      LoginThrottle logins,
      Clock clock,
      BiConsumer<Handle, User> onCreated,
      Revocations revocations) {
    this.revocations = revocations;
    this.db = db;
    this.accessTokens = accessTokens;
    this.policy = policy;
    this.logins = logins;
    this.clock = clock;
    this.onCreated = onCreated;
  }

  /**
   * The operator's rules for accounts: how long a refresh token lives, the usernames that are
   * global admins (BANTER_ADMINS), and whether guests may sign in.
   */
  public record Policy(Duration refreshTtl, Set<String> admins, boolean guestAccess) {
    public Policy {
      admins = Set.copyOf(admins);
    }
  }

  /** What register, login, guest and refresh answer. */
  public record Session(User user, String accessToken, String refreshToken, long expiresIn) {
    public Map<String, Object> view() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("user", user.view());
      m.put("access_token", accessToken);
      m.put("refresh_token", refreshToken);
      m.put("token_type", "Bearer");
      m.put("expires_in", expiresIn);
      return m;
    }
  }

  /**
   * The most live sessions a user keeps: a new sign-in beyond it ends the least recently used one.
   */
  public static final int MAX_SESSIONS = 50;

  /** How long an ended or expired session stays stored (longer than any of its access tokens). */
  private static final long FORGET_MILLIS = Duration.ofDays(1).toMillis();

  public Session register(
      String rawUsername, String rawPassword, String rawDisplayName, String inviteCode) {
    return register(rawUsername, rawPassword, rawDisplayName, inviteCode, Device.UNKNOWN);
  }

  public Session register(
      String rawUsername,
      String rawPassword,
      String rawDisplayName,
      String inviteCode,
      Device device) {
    String username = Fields.username(rawUsername);
    String password = Fields.newPassword(rawPassword, "password");
    String displayName = rawDisplayName == null ? username : Fields.displayName(rawDisplayName);
    String hash =
        Passwords.hash(password); // before the transaction: hashing is slow, the write lock is not
    return createUser(username, displayName, hash, false, inviteCode, device);
  }

  /**
   * An account made by a global admin (SPEC §9 {@code POST /api/v1/admin/users}, the only way in
   * when registration is closed), with a role; audited. No session is opened: the new user signs
   * in.
   */
  public User createAccount(Principal admin, String rawUsername, String rawPassword, String role) {
    String username = Fields.username(rawUsername);
    String password = Fields.newPassword(rawPassword, "password");
    String chosen = role == null ? "user" : role;
    if (!chosen.equals("user") && !chosen.equals("admin")) {
      throw ApiError.validation("role", "role must be user or admin");
    }
    String hash = Passwords.hash(password);
    long now = clock.millis();
    try {
      User created =
          db.jdbi()
              .inTransaction(
                  h -> {
                    if (Users.byUsername(h, username).isPresent()) {
                      throw ApiError.conflict("username is taken");
                    }
                    User user =
                        new User(
                            Ids.newId(),
                            username,
                            username,
                            hash,
                            null,
                            null,
                            chosen,
                            false,
                            now,
                            null);
                    Users.insert(h, user);
                    onCreated.accept(h, user);
                    AuditLog.record(h, admin, "user.create", username, Map.of("role", chosen), now);
                    return user;
                  });
      return effectiveRole(created);
    } catch (UnableToExecuteStatementException e) {
      if (Sql.isUniqueViolation(e)) {
        throw ApiError.conflict("username is taken");
      }
      throw e;
    }
  }

  public Session guest(String rawUsername) {
    return guest(rawUsername, Device.UNKNOWN);
  }

  public Session guest(String rawUsername, Device device) {
    if (!policy.guestAccess()) {
      throw ApiError.forbidden("guest access is disabled on this server");
    }
    String username = Fields.username(rawUsername);
    if (policy
        .admins()
        .contains(username)) { // an admin-to-be registers it; a guest must not squat it first
      throw ApiError.conflict("username is taken");
    }
    return createUser(username, username, null, true, null, device);
  }

  private Session createUser(
      String username,
      String displayName,
      String hash,
      boolean guest,
      String inviteCode,
      Device device) {
    long now = clock.millis();
    String[] joined = new String[1];
    try {
      Session session =
          db.jdbi()
              .inTransaction(
                  h -> {
                    // Only a registered user can be the first (the admin): registrations take turns
                    // to
                    // decide
                    // it; guests, who never are, do not wait for each other (the unique index
                    // settles
                    // names).
                    String lock = guest ? null : db.dialect().serializeOn(FIRST_USER_LOCK);
                    if (lock != null) {
                      h.execute(lock);
                    }
                    if (Users.byUsername(h, username).isPresent()) {
                      throw ApiError.conflict("username is taken");
                    }
                    boolean first = !guest && !Users.anyRegistered(h);
                    // guests are governed by BANTER_GUEST_ACCESS alone, not by the registration
                    // mode
                    String room =
                        guest
                            ? null
                            : door.admit(
                                h, inviteCode, first || policy.admins().contains(username), now);
                    String role =
                        first || (!guest && policy.admins().contains(username)) ? "admin" : "user";
                    User user =
                        new User(
                            Ids.newId(),
                            username,
                            displayName,
                            hash,
                            null,
                            null,
                            role,
                            guest,
                            now,
                            now);
                    Users.insert(h, user);
                    onCreated.accept(h, user);
                    if (room != null) {
                      door.enter(h, user, room);
                      joined[0] = room;
                    }
                    return openSession(h, user, now, device).session(); // a new user ends none
                  });
      if (joined[0] != null) {
        door.entered(session.user(), joined[0]);
      }
      return session;
    } catch (UnableToExecuteStatementException e) {
      if (Sql.isUniqueViolation(e)) {
        throw ApiError.conflict("username is taken");
      }
      throw e;
    }
  }

  /** Signs in from {@code clientAddress} (the attempts are throttled per username and address). */
  public Session login(String rawUsername, String rawPassword, String clientAddress) {
    return login(rawUsername, rawPassword, clientAddress, Device.UNKNOWN);
  }

  /** Signs in as {@link #login(String, String, String)}, recording the session's device. */
  public Session login(
      String rawUsername, String rawPassword, String clientAddress, Device device) {
    String username = Fields.required(rawUsername, "username").strip().toLowerCase(Locale.ROOT);
    String password = Fields.required(rawPassword, "password");
    logins.check(username, clientAddress);
    User user = db.jdbi().withHandle(h -> Users.byUsername(h, username)).orElse(null);
    boolean ok = Passwords.matches(password, user == null ? null : user.passwordHash());
    if (!ok || user.guest()) {
      throw ApiError.unauthorized(WRONG_CREDENTIALS);
    }
    if (revocations.userDisabled(user.id())) {
      throw ApiError.forbidden("this account is disabled");
    }
    long now = clock.millis();
    Opened opened =
        db.jdbi()
            .inTransaction(
                h -> {
                  Users.touch(h, user.id(), now);
                  return openSession(h, user, now, device);
                });
    revocations.sessionsRevoked(user.id(), opened.ended());
    return opened.session();
  }

  /** A new session, and the oldest ones it ended to stay within {@link #MAX_SESSIONS}. */
  private record Opened(Session session, List<String> ended) {}

  private Opened openSession(Handle h, User user, long now, Device device) {
    User effective = effectiveRole(user);
    long ttl = policy.refreshTtl().toMillis();
    RefreshTokens.Family family = RefreshTokens.startFamily(h, user.id(), now, ttl, device);
    List<String> ended = RefreshTokens.bound(h, user.id(), MAX_SESSIONS, now, ttl, FORGET_MILLIS);
    return new Opened(
        new Session(
            effective,
            accessTokens.issue(effective, family.id()),
            family.firstToken(),
            accessTokens.ttlSeconds()),
        ended);
  }

  /** Admins named in BANTER_ADMINS are admins whatever the stored role says. */
  private User effectiveRole(User user) {
    return !user.guest() && policy.admins().contains(user.username())
        ? user.withRole("admin")
        : user;
  }

  private enum Outcome {
    OK,
    UNKNOWN,
    REUSED,
    EXPIRED,
    REVOKED
  }

  private record Rotation(Outcome outcome, Session session, String userId, String familyId) {
    Rotation(Outcome outcome, Session session) {
      this(outcome, session, null, null);
    }
  }

  /**
   * Spends {@code token} and returns the next pair; a second use of a spent token revokes its
   * family.
   */
  public Session refresh(String rawToken) {
    return refresh(rawToken, Device.UNKNOWN);
  }

  /** Refreshes as {@link #refresh(String)}, recording where the session is used now. */
  public Session refresh(String rawToken, Device device) {
    String token = Fields.required(rawToken, "refresh_token");
    long now = clock.millis();
    Rotation r =
        db.jdbi()
            .inTransaction(
                h -> {
                  var stored = RefreshTokens.find(h, token).orElse(null);
                  if (stored == null) {
                    return new Rotation(Outcome.UNKNOWN, null);
                  }
                  if (stored.revokedAt() != null) {
                    return new Rotation(Outcome.REVOKED, null);
                  }
                  if (stored.usedAt() != null || !RefreshTokens.spend(h, token, now)) {
                    RefreshTokens.revokeFamily(
                        h, stored.familyId(), now); // committed before we answer 401
                    return new Rotation(Outcome.REUSED, null, stored.userId(), stored.familyId());
                  }
                  if (stored.expiresAt() <= now) {
                    return new Rotation(Outcome.EXPIRED, null);
                  }
                  if (revocations.userDisabled(stored.userId())) {
                    return new Rotation(Outcome.REVOKED, null);
                  }
                  User user = effectiveRole(Users.byId(h, stored.userId()).orElseThrow());
                  Users.touch(h, user.id(), now);
                  RefreshTokens.touchFamily(h, stored.familyId(), now, device);
                  String next =
                      RefreshTokens.issue(
                          h, stored.familyId(), now, policy.refreshTtl().toMillis());
                  return new Rotation(
                      Outcome.OK,
                      new Session(
                          user,
                          accessTokens.issue(user, stored.familyId()),
                          next,
                          accessTokens.ttlSeconds()));
                });
    return switch (r.outcome()) {
      case OK -> r.session();
      case REUSED -> {
        // a stolen token, or a client that lost the race: whoever holds that session is signed out
        // now
        revocations.sessionsRevoked(r.userId(), List.of(r.familyId()));
        throw ApiError.unauthorized("refresh token reused; every session of this login is revoked");
      }
      case EXPIRED -> throw ApiError.unauthorized("refresh token expired");
      case UNKNOWN, REVOKED -> throw ApiError.unauthorized("invalid refresh token");
    };
  }

  /**
   * Ends the session of {@code token}: its refresh token stops working, its access tokens are
   * refused and its WebSockets close, on every node. An unknown token is not an error (logging out
   * twice is fine).
   */
  public void logout(String rawToken) {
    String token = Fields.required(rawToken, "refresh_token");
    long now = clock.millis();
    var ended =
        db.jdbi()
            .inTransaction(
                h -> {
                  var stored = RefreshTokens.find(h, token);
                  stored.ifPresent(s -> RefreshTokens.revokeFamily(h, s.familyId(), now));
                  return stored;
                });
    ended.ifPresent(s -> revocations.sessionsRevoked(s.userId(), List.of(s.familyId())));
  }

  public User me(String userId) {
    return db.jdbi()
        .withHandle(h -> Users.byId(h, userId))
        .map(this::effectiveRole)
        .orElseThrow(() -> ApiError.unauthorized("user no longer exists"));
  }

  /**
   * Disables or enables an account (global admins). Disabling revokes its sessions and closes its
   * sockets.
   */
  public void setDisabled(Principal admin, String rawUsername, boolean disable) {
    String username = rawUsername.strip().toLowerCase(Locale.ROOT);
    User user =
        db.jdbi()
            .withHandle(h -> Users.byUsername(h, username))
            .orElseThrow(() -> ApiError.notFound("no such user"));
    if (user.id().equals(admin.userId())) {
      throw ApiError.validation("username", "you cannot disable yourself");
    }
    long now = clock.millis();
    var ended =
        db.jdbi()
            .inTransaction(
                h -> {
                  Users.setDisabled(h, user.id(), disable);
                  AuditLog.record(
                      h, admin, disable ? "user.disable" : "user.enable", username, Map.of(), now);
                  return disable
                      ? RefreshTokens.revokeAllOf(h, user.id(), null, now)
                      : List.<String>of();
                });
    revocations.userDisabled(user.id(), disable);
    revocations.sessionsRevoked(user.id(), ended);
  }

  /** Whether {@code username} is named in BANTER_ADMINS (an admin whatever is stored). */
  public boolean namedAdmin(String username) {
    return policy.admins().contains(username);
  }

  /**
   * Sets an account's global role (global admins; audited). Taking admin away ends the user's
   * sessions at once, so no access token keeps the old role until it expires; a name in
   * BANTER_ADMINS stays an admin whatever is stored (409).
   */
  public void setRole(Principal admin, String rawUsername, String role) {
    if (!"user".equals(role) && !"admin".equals(role)) {
      throw ApiError.validation("role", "role must be user or admin");
    }
    String username = rawUsername.strip().toLowerCase(Locale.ROOT);
    long now = clock.millis();
    String[] demoted = new String[1];
    List<String> ended =
        db.jdbi()
            .inTransaction(
                h -> {
                  User user =
                      Users.byUsername(h, username)
                          .orElseThrow(() -> ApiError.notFound("no such user"));
                  if (user.guest()) {
                    throw ApiError.validation("role", "guests cannot be given a role");
                  }
                  if (user.id().equals(admin.userId()) && !"admin".equals(role)) {
                    throw ApiError.validation("role", "you cannot take admin away from yourself");
                  }
                  if (namedAdmin(username) && !"admin".equals(role)) {
                    throw ApiError.conflict(
                        "this user is named in BANTER_ADMINS and stays an admin");
                  }
                  if (user.role().equals(role)) {
                    return List.<String>of();
                  }
                  h.createUpdate("UPDATE users SET role = :role WHERE id = :id")
                      .bind("role", role)
                      .bind("id", user.id())
                      .execute();
                  AuditLog.record(
                      h,
                      admin,
                      "user.role",
                      username,
                      Map.of("from", user.role(), "to", role),
                      now);
                  if (!"admin".equals(role)) {
                    demoted[0] = user.id();
                    return RefreshTokens.revokeAllOf(h, user.id(), null, now);
                  }
                  return List.<String>of();
                });
    if (demoted[0] != null) {
      revocations.sessionsRevoked(demoted[0], ended);
    }
  }

  /**
   * Changes the password after checking the current one. Every other session of the user ends at
   * once (refresh tokens, access tokens, WebSockets); the one that made the change goes on.
   */
  public void changePassword(Principal caller, String rawCurrent, String rawNew) {
    String userId = caller.userId();
    String current = Fields.required(rawCurrent, "current_password");
    String next = Fields.newPassword(rawNew, "new_password");
    User user = me(userId);
    logins.check(user.username(), "session " + caller.sessionId());
    if (!Passwords.matches(current, user.passwordHash())) {
      throw ApiError.forbidden("current password is wrong");
    }
    String hash = Passwords.hash(next);
    long now = clock.millis();
    var ended =
        db.jdbi()
            .inTransaction(
                h -> {
                  Users.updatePassword(h, userId, hash);
                  return RefreshTokens.revokeAllOf(h, userId, caller.sessionId(), now);
                });
    revocations.sessionsRevoked(userId, ended);
  }

  /**
   * {@code caller}'s signed-in sessions, most recently used first (SPEC §9), {@code current}
   * marking the caller's own. At most {@link #MAX_SESSIONS}: no more are kept.
   */
  public List<Map<String, Object>> sessions(Principal caller) {
    long now = clock.millis();
    List<RefreshTokens.Live> live =
        db.jdbi()
            .withHandle(
                h ->
                    RefreshTokens.live(
                        h, caller.userId(), now, policy.refreshTtl().toMillis(), MAX_SESSIONS));
    return live.stream()
        .map(
            s -> {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("id", s.id());
              m.put("created_at", Times.iso(s.createdAt()));
              m.put("last_used_at", Times.iso(s.lastUsedAt()));
              m.put("ip", s.ip());
              m.put("user_agent", s.userAgent());
              m.put("current", s.id().equals(caller.sessionId()));
              return m;
            })
        .toList();
  }

  /**
   * Ends one of {@code caller}'s sessions (their current one too, which is a logout): its refresh
   * token stops working, its access tokens are refused and its WebSockets close 4001, on every
   * node. Someone else's session, an unknown one or one already ended is a 404.
   */
  public void endSession(Principal caller, String sessionId) {
    long now = clock.millis();
    boolean ended =
        sessionId.length() <= 64
            && db.jdbi()
                .inTransaction(h -> RefreshTokens.revokeOwn(h, caller.userId(), sessionId, now));
    if (!ended) {
      throw ApiError.notFound("no such session");
    }
    revocations.sessionsRevoked(caller.userId(), List.of(sessionId));
  }
}
