package dev.banter.messages;

import dev.banter.http.Request;
import dev.banter.http.Routes;
import java.util.Map;

/** The REST routes of SPEC §8 pins: list a room's pins, pin and unpin a message. */
public final class PinRoutes {
  private final PinService pins;

  public PinRoutes(PinService pins) {
    this.pins = pins;
  }

  public void mount(Routes r) {
    r.get("/api/v1/rooms/{id}/pins", this::list);
    r.put("/api/v1/rooms/{id}/pins/{message_id}", this::pin);
    r.delete("/api/v1/rooms/{id}/pins/{message_id}", this::unpin);
  }

  Object list(Request req) {
    return Map.of(
        "messages", pins.list(req.user(), req.param("id")).stream().map(Message::view).toList());
  }

  Object pin(Request req) {
    return pins.pin(req.user(), req.param("id"), req.param("message_id"), true).view();
  }

  Object unpin(Request req) {
    return pins.pin(req.user(), req.param("id"), req.param("message_id"), false).view();
  }
}
