package dev.banter.auth;

import dev.banter.core.ApiError;
import dev.banter.core.Principal;
import dev.banter.core.UserLimits;
import dev.banter.http.Request;
import dev.banter.http.Routes;

/** The REST routes of SPEC §9 password reset: an admin issues a link, its holder uses it. */
public final class PasswordResetRoutes {
  private final PasswordResets resets;
  private final UserLimits limits;

  public PasswordResetRoutes(PasswordResets resets, UserLimits limits) {
    this.resets = resets;
    this.limits = limits;
  }

  record Reset(String token, String newPassword) {}

  public void mount(Routes r) {
    r.post("/api/v1/admin/users/{username}/password-reset", this::issue);
    r.post("/api/v1/auth/reset", this::reset).open().authBudget().noContent();
  }

  Object issue(Request req) {
    Principal p = req.user();
    if (!p.isAdmin()) {
      throw ApiError.forbidden("global admins only");
    }
    limits.check(UserLimits.Action.ADMIN, p.userId());
    return resets.issue(p, req.param("username"));
  }

  Object reset(Request req) {
    Reset body = req.body(Reset.class);
    resets.reset(body.token(), body.newPassword());
    return null;
  }
}
