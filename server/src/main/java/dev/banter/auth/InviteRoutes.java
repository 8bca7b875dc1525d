package dev.banter.auth;

import dev.banter.http.Request;
import dev.banter.http.Routes;
import java.util.Map;

/** The REST routes of SPEC §9 invites: make, list and revoke invite links. */
public final class InviteRoutes {
  private final InviteService invites;

  public InviteRoutes(InviteService invites) {
    this.invites = invites;
  }

  record NewInvite(Integer maxUses, Long expiresIn, String roomId) {}

  public void mount(Routes r) {
    r.post("/api/v1/invites", this::create).created();
    r.get("/api/v1/invites", this::list);
    r.delete("/api/v1/invites/{code}", this::revoke).noContent();
  }

  Object create(Request req) {
    NewInvite body = req.body(NewInvite.class);
    return invites.view(
        invites.create(req.user(), body.maxUses(), body.expiresIn(), body.roomId()));
  }

  Object list(Request req) {
    return Map.of("invites", invites.list(req.user()).stream().map(invites::view).toList());
  }

  Object revoke(Request req) {
    invites.revoke(req.user(), req.param("code"));
    return null;
  }
}
