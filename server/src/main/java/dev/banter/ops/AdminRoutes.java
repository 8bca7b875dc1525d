package dev.banter.ops;

import dev.banter.auth.AuthService;
import dev.banter.core.ApiError;
import dev.banter.core.Principal;
import dev.banter.core.UserLimits;
import dev.banter.http.Request;
import dev.banter.http.Routes;
import dev.banter.messages.MessageService;
import dev.banter.store.AuditLog;
import dev.banter.store.Database;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The admin API, for global admins only: stats, disabling accounts, deleting any message. */
public final class AdminRoutes {
  private static final int AUDIT_PAGE_DEFAULT = 50;

  private final Database db;
  private final AuthService auth;
  private final MessageService messages;
  private final Supplier<Map<String, Long>> connectionsPerNode;
  private final UserLimits limits;

  public AdminRoutes(
      Database db,
      AuthService auth,
      MessageService messages,
      UserLimits limits,
      Supplier<Map<String, Long>> connectionsPerNode) {
    this.db = db;
    this.auth = auth;
    this.messages = messages;
    this.limits = limits;
    this.connectionsPerNode = connectionsPerNode;
  }

  public void mount(Routes r) {
    r.get("/api/v1/admin/stats", this::stats);
    r.post("/api/v1/admin/users", this::createUser).created();
    r.get("/api/v1/admin/audit", this::audit);
    r.post("/api/v1/admin/users/{username}/disable", this::disable).noContent();
    r.post("/api/v1/admin/users/{username}/enable", this::enable).noContent();
    r.delete("/api/v1/admin/rooms/{id}/messages/{message_id}", this::deleteMessage).noContent();
  }

  private static Principal admin(Request req) {
    Principal p = req.user();
    if (!p.isAdmin()) {
      throw ApiError.forbidden("global admins only");
    }
    return p;
  }

  record NewUser(String username, String password, String role) {}

  Object createUser(Request req) {
    Principal p = admin(req);
    limits.check(UserLimits.Action.ADMIN, p.userId());
    NewUser body = req.body(NewUser.class);
    return auth.createAccount(p, body.username(), body.password(), body.role()).view();
  }

  Object audit(Request req) {
    Principal p = admin(req);
    limits.check(UserLimits.Action.ADMIN, p.userId());
    Long before = req.queryLong("before", 1, Long.MAX_VALUE).orElse(null);
    int limit = req.queryInt("limit", 1, AuditLog.MAX_PAGE, AUDIT_PAGE_DEFAULT);
    List<AuditLog.Entry> page = db.jdbi().withHandle(h -> AuditLog.page(h, before, limit + 1));
    boolean more = page.size() > limit;
    List<Map<String, Object>> entries =
        page.stream().limit(limit).map(AuditLog.Entry::view).toList();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("entries", entries);
    out.put("has_more", more);
    return out;
  }

  Object stats(Request req) {
    admin(req);
    Map<String, Object> out = new LinkedHashMap<>();
    db.jdbi()
        .useHandle(
            h -> {
              for (String table : List.of("users", "rooms", "messages")) {
                out.put(
                    table, h.createQuery("SELECT count(*) FROM " + table).mapTo(Long.class).one());
              }
            });
    List<Map<String, Object>> nodes = new ArrayList<>();
    connectionsPerNode
        .get()
        .forEach((node, n) -> nodes.add(Map.of("node_id", node, "connections", n)));
    out.put("nodes", nodes);
    return out;
  }

  Object disable(Request req) {
    auth.setDisabled(admin(req), req.param("username"), true);
    return null;
  }

  Object enable(Request req) {
    auth.setDisabled(admin(req), req.param("username"), false);
    return null;
  }

  Object deleteMessage(Request req) {
    admin(req);
    messages.deleteAsAdmin(req.param("id"), req.param("message_id"));
    return null;
  }
}
