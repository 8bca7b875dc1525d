package dev.banter.push;

import dev.banter.core.ApiError;
import dev.banter.http.Request;
import dev.banter.http.Response;
import dev.banter.http.Routes;
import java.util.Map;

/** The REST routes of SPEC §8 Web Push: the server's key, subscribing and unsubscribing. */
public final class PushRoutes {
  private final PushService push;

  public PushRoutes(PushService push) {
    this.push = push;
  }

  record Keys(String p256dh, String auth) {}

  /** {@code PushSubscription.toJSON()} as browsers give it (its expirationTime is ignored). */
  record NewSubscription(String endpoint, Keys keys) {}

  public void mount(Routes r) {
    r.get("/api/v1/push/key", this::key);
    r.post("/api/v1/push/subscriptions", this::subscribe).created();
    r.delete("/api/v1/push/subscriptions/{id}", this::unsubscribe).noContent();
  }

  Object key(Request req) {
    return Map.of("public_key", push.publicKey());
  }

  Object subscribe(Request req) {
    NewSubscription body = req.body(NewSubscription.class);
    if (body.endpoint() == null) {
      throw ApiError.badRequest("endpoint is required", "endpoint");
    }
    if (body.keys() == null) {
      throw ApiError.badRequest("keys is required", "keys");
    }
    if (body.keys().p256dh() == null) {
      throw ApiError.badRequest("keys.p256dh is required", "keys.p256dh");
    }
    if (body.keys().auth() == null) {
      throw ApiError.badRequest("keys.auth is required", "keys.auth");
    }
    PushService.Subscribed s =
        push.subscribe(req.user(), body.endpoint(), body.keys().p256dh(), body.keys().auth());
    return Response.json(s.created() ? 201 : 200, Map.of("id", s.id()));
  }

  Object unsubscribe(Request req) {
    push.unsubscribe(req.user(), req.param("id"));
    return null;
  }
}
