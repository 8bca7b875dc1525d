package dev.banter.auth;

import dev.banter.core.UserLimits;
import dev.banter.http.Request;
import dev.banter.http.Routes;
import java.util.Map;

/** The REST routes of SPEC §2: /api/v1/auth/* and /api/v1/users*. */
public final class AuthRoutes {
  private static final int SEARCH_LIMIT_MAX = 100;
  private static final int SEARCH_LIMIT_DEFAULT = 20;

  private final AuthService auth;
  private final UserService users;
  private final UserLimits limits;

  public AuthRoutes(AuthService auth, UserService users, UserLimits limits) {
    this.auth = auth;
    this.users = users;
    this.limits = limits;
  }

  record Register(String username, String password, String displayName, String inviteCode) {}

  record Login(String username, String password) {}

  record Guest(String username) {}

  record RefreshToken(String refreshToken) {}

  record ProfilePatch(String displayName, String avatarUrl, String statusText) {}

  record PasswordChange(String currentPassword, String newPassword) {}

  public void mount(Routes r) {
    r.post("/api/v1/auth/register", this::register).open().authBudget().created();
    r.post("/api/v1/auth/login", this::login).open().authBudget();
    r.post("/api/v1/auth/refresh", this::refresh).open().authBudget();
    r.post("/api/v1/auth/logout", this::logout).open().authBudget().noContent();
    r.post("/api/v1/auth/guest", this::guest).open().authBudget().created();
    r.get("/api/v1/auth/me", this::me);
    r.get("/api/v1/auth/sessions", this::sessions);
    r.delete("/api/v1/auth/sessions/{id}", this::endSession).noContent();
    r.get("/api/v1/users", this::search);
    r.patch("/api/v1/users/me", this::updateProfile);
    r.post("/api/v1/users/me/password", this::changePassword).noContent();
    r.get("/api/v1/users/{username}", this::profile);
  }

  Object register(Request req) {
    var body = req.body(Register.class);
    return auth.register(
            body.username(), body.password(), body.displayName(), body.inviteCode(), device(req))
        .view();
  }

  Object login(Request req) {
    var body = req.body(Login.class);
    return auth.login(body.username(), body.password(), req.clientKey(), device(req)).view();
  }

  Object guest(Request req) {
    return auth.guest(req.body(Guest.class).username(), device(req)).view();
  }

  Object refresh(Request req) {
    return auth.refresh(req.body(RefreshToken.class).refreshToken(), device(req)).view();
  }

  Object logout(Request req) {
    auth.logout(req.body(RefreshToken.class).refreshToken());
    return null;
  }

  private static Device device(Request req) {
    return new Device(req.clientIp(), req.header("User-Agent").orElse(null));
  }

  Object sessions(Request req) {
    limits.check(UserLimits.Action.SESSIONS, req.user().userId());
    return Map.of("sessions", auth.sessions(req.user()));
  }

  Object endSession(Request req) {
    limits.check(UserLimits.Action.SESSIONS, req.user().userId());
    auth.endSession(req.user(), req.param("id"));
    return null;
  }

  Object me(Request req) {
    return auth.me(req.user().userId()).view();
  }

  Object search(Request req) {
    String query = req.query("query").orElse("");
    int limit = req.queryInt("limit", 1, SEARCH_LIMIT_MAX, SEARCH_LIMIT_DEFAULT);
    return Map.of("users", users.profilesFor(req.user(), users.search(query, limit)));
  }

  Object profile(Request req) {
    String name = req.param("username");
    User u = name.equals("me") ? auth.me(req.user().userId()) : users.byUsername(name);
    return users.profileFor(req.user(), u);
  }

  Object updateProfile(Request req) {
    var body = req.body(ProfilePatch.class);
    User u =
        users.update(req.user().userId(), body.displayName(), body.avatarUrl(), body.statusText());
    return users.profileFor(req.user(), u);
  }

  Object changePassword(Request req) {
    var body = req.body(PasswordChange.class);
    auth.changePassword(req.user(), body.currentPassword(), body.newPassword());
    return null;
  }
}
