package dev.banter.messages;

import dev.banter.core.ApiError;
import dev.banter.http.Request;
import dev.banter.http.Response;
import dev.banter.http.Routes;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The REST routes of SPEC §4 (search and uploads aside): history, one message, post, edit, delete,
 * reactions.
 */
public final class MessageRoutes {
  private static final int PAGE_MAX = 200;
  private static final int PAGE_DEFAULT = 50;

  private final MessageService messages;

  public MessageRoutes(MessageService messages) {
    this.messages = messages;
  }

  record NewMessage(
      String body, String replyTo, String threadId, String clientId, List<String> attachments) {}

  record Edit(String body) {}

  public void mount(Routes r) {
    r.get("/api/v1/rooms/{id}/messages", this::history);
    r.post("/api/v1/rooms/{id}/messages", this::post).created();
    r.get("/api/v1/rooms/{id}/messages/{message_id}", this::one);
    r.patch("/api/v1/rooms/{id}/messages/{message_id}", this::edit);
    r.delete("/api/v1/rooms/{id}/messages/{message_id}", this::delete).noContent();
    r.put("/api/v1/rooms/{id}/messages/{message_id}/reactions/{emoji}", this::react);
    r.delete("/api/v1/rooms/{id}/messages/{message_id}/reactions/{emoji}", this::unreact);
    r.get("/api/v1/search", this::search);
  }

  Object search(Request req) {
    String q =
        req.query("q")
            .orElseThrow(() -> ApiError.badRequest("query parameter 'q' is required", "q"));
    long before = req.query("before").map(MessageRoutes::instant).orElse(Long.MAX_VALUE);
    int limit = req.queryInt("limit", 1, 100, 20);
    var hits = messages.search(req.user(), q, req.query("room_id").orElse(null), before, limit + 1);
    boolean more = hits.size() > limit;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(
        "results",
        hits.stream()
            .limit(limit)
            .map(
                h -> {
                  Map<String, Object> r = new LinkedHashMap<>();
                  r.put("message", h.message().view());
                  r.put("snippet", h.snippet());
                  r.put("highlights", h.highlights());
                  return r;
                })
            .toList());
    out.put("has_more", more);
    return out;
  }

  /** {@code before} is an ISO-8601 time: the created_at of the last result of the previous page. */
  private static long instant(String iso) {
    try {
      return Instant.parse(iso).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw ApiError.badRequest(
          "before must be an ISO-8601 time such as 2026-11-23T10:15:30.123Z", "before");
    }
  }

  /**
   * History by seq ({@code before}/{@code after}), or the messages changed after a rev (SPEC §5.1).
   */
  Object history(Request req) {
    Long before = req.queryLong("before", 0, Long.MAX_VALUE).orElse(null);
    Long after = req.queryLong("after", 0, Long.MAX_VALUE).orElse(null);
    Long changedAfterRev = req.queryLong("changed_after_rev", 0, Long.MAX_VALUE).orElse(null);
    int limit = req.queryInt("limit", 1, PAGE_MAX, PAGE_DEFAULT);
    if (changedAfterRev != null && (before != null || after != null)) {
      throw ApiError.badRequest(
          "use changed_after_rev alone, without before or after", "changed_after_rev");
    }
    var page =
        changedAfterRev != null
            ? messages.changes(req.user(), req.param("id"), changedAfterRev, limit)
            : messages.history(req.user(), req.param("id"), before, after, limit);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("messages", page.messages().stream().map(Message::view).toList());
    out.put("has_more", page.hasMore());
    return out;
  }

  Object post(Request req) {
    var body = req.body(NewMessage.class);
    var posted =
        messages.post(
            req.user(),
            new MessageService.Draft(
                req.param("id"),
                body.body(),
                body.replyTo(),
                body.threadId(),
                body.clientId(),
                body.attachments()));
    return Response.json(posted.created() ? 201 : 200, posted.message().view());
  }

  Object one(Request req) {
    return messages.one(req.user(), req.param("id"), req.param("message_id")).view();
  }

  Object edit(Request req) {
    return messages
        .edit(req.user(), req.param("id"), req.param("message_id"), req.body(Edit.class).body())
        .view();
  }

  Object delete(Request req) {
    messages.delete(req.user(), req.param("id"), req.param("message_id"));
    return null;
  }

  Object react(Request req) {
    return messages
        .react(req.user(), req.param("id"), req.param("message_id"), req.param("emoji"), true)
        .view();
  }

  Object unreact(Request req) {
    return messages
        .react(req.user(), req.param("id"), req.param("message_id"), req.param("emoji"), false)
        .view();
  }
}
