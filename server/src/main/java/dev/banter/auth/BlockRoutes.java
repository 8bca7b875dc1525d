package dev.banter.auth;

import dev.banter.http.Request;
import dev.banter.http.Routes;
import java.util.Map;

/** The REST routes of SPEC §9 blocking: list, block, unblock. */
public final class BlockRoutes {
  private final Blocks blocks;

  public BlockRoutes(Blocks blocks) {
    this.blocks = blocks;
  }

  public void mount(Routes r) {
    r.get("/api/v1/users/me/blocks", this::list);
    r.put("/api/v1/users/me/blocks/{username}", this::block).noContent();
    r.delete("/api/v1/users/me/blocks/{username}", this::unblock).noContent();
  }

  Object list(Request req) {
    return Map.of("users", blocks.blocked(req.user()));
  }

  Object block(Request req) {
    blocks.block(req.user(), req.param("username"));
    return null;
  }

  Object unblock(Request req) {
    blocks.unblock(req.user(), req.param("username"));
    return null;
  }
}
