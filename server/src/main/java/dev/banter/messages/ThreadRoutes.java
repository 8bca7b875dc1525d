package dev.banter.messages;

import dev.banter.http.Request;
import dev.banter.http.Routes;
import java.util.LinkedHashMap;
import java.util.Map;

/** The REST routes of SPEC §8 threads: a thread's replies, followed threads, read markers. */
public final class ThreadRoutes {
  private static final int PAGE_MAX = 200;
  private static final int PAGE_DEFAULT = 50;

  private final ThreadService threads;

  public ThreadRoutes(ThreadService threads) {
    this.threads = threads;
  }

  record ReadMarker(Long seq) {}

  public void mount(Routes r) {
    r.get("/api/v1/rooms/{id}/threads/{root_id}/messages", this::replies);
    r.get("/api/v1/threads", this::followed);
    r.post("/api/v1/threads/{root_id}/read", this::read).noContent();
  }

  Object replies(Request req) {
    long after = req.queryLong("after", 0, Long.MAX_VALUE).orElse(0L);
    int limit = req.queryInt("limit", 1, PAGE_MAX, PAGE_DEFAULT);
    var page = threads.replies(req.user(), req.param("id"), req.param("root_id"), after, limit);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("root", page.root().view());
    out.put("messages", page.replies().stream().map(Message::view).toList());
    out.put("has_more", page.hasMore());
    return out;
  }

  Object followed(Request req) {
    int limit = req.queryInt("limit", 1, PAGE_MAX, PAGE_DEFAULT);
    return Map.of(
        "threads",
        threads.followed(req.user(), limit).stream()
            .map(
                f -> {
                  Map<String, Object> t = new LinkedHashMap<>();
                  t.put("room_id", f.root().roomId());
                  t.put("root", f.root().view());
                  t.put("unread_count", f.unreadCount());
                  t.put("last_read_seq", f.lastReadSeq());
                  return t;
                })
            .toList());
  }

  Object read(Request req) {
    threads.markRead(req.user(), req.param("root_id"), req.body(ReadMarker.class).seq());
    return null;
  }
}
