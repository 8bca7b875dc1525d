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
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;

/** The admin API, for global admins only: stats, disabling accounts, deleting any message. */
public final class AdminRoutes {
  private static final int AUDIT_PAGE_DEFAULT = 50;
  private static final int LIST_PAGE_DEFAULT = 50;

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
    r.get("/api/v1/admin/users", this::users);
    r.patch("/api/v1/admin/users/{username}", this::updateUser);
    r.get("/api/v1/admin/rooms", this::rooms);
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
    Principal p = budgeted(req);
    NewUser body = req.body(NewUser.class);
    return auth.createAccount(p, body.username(), body.password(), body.role()).view();
  }

  record UserPatch(String role, Boolean disabled) {}

  /** One page of an admin list: the query, the cursor and the limit as the request gives them. */
  private interface Lister {
    AdminDirectory.Page page(Handle h, String query, String cursor, int limit);
  }

  Object users(Request req) {
    return list(req, "users", (h, q, c, l) -> AdminDirectory.users(h, q, c, l, auth::namedAdmin));
  }

  Object rooms(Request req) {
    return list(req, "rooms", AdminDirectory::rooms);
  }

  private Object list(Request req, String name, Lister lister) {
    budgeted(req);
    String query = req.query("query").orElse("");
    String cursor = req.query("cursor").orElse(null);
    int limit = req.queryInt("limit", 1, AdminDirectory.MAX_PAGE, LIST_PAGE_DEFAULT);
    return paged(name, db.jdbi().withHandle(h -> lister.page(h, query, cursor, limit)));
  }

  /** A global admin within the admin budget. */
  private Principal budgeted(Request req) {
    Principal p = admin(req);
    limits.check(UserLimits.Action.ADMIN, p.userId());
    return p;
  }

  private static Map<String, Object> paged(String name, AdminDirectory.Page page) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(name, page.items());
    out.put("next_cursor", page.nextCursor());
    return out;
  }

  /** Changes a role and/or disables or enables; answers the account as the admin list shows it. */
  Object updateUser(Request req) {
    Principal p = budgeted(req);
    UserPatch body = req.body(UserPatch.class);
    String username = req.param("username");
    if (body.role() == null && body.disabled() == null) {
      throw ApiError.validation("role", "give role or disabled");
    }
    if (body.role() != null) {
      auth.setRole(p, username, body.role());
    }
    if (body.disabled() != null) {
      auth.setDisabled(p, username, body.disabled());
    }
    String name = username.strip().toLowerCase(Locale.ROOT);
    return db.jdbi()
        .withHandle(h -> AdminDirectory.user(h, name, auth::namedAdmin))
        .orElseThrow(() -> ApiError.notFound("no such user"));
  }

  Object audit(Request req) {
    budgeted(req);
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
    messages.deleteAsAdmin(admin(req), req.param("id"), req.param("message_id"));
    return null;
  }
}
