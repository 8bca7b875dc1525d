package dev.banter.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.core.Json;
import dev.banter.core.Principal;
import dev.banter.core.Times;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * The append-only record of every moderation and administration act (SPEC §9): who did what to
 * whom, when, with the act's own details. Written in the act's transaction, so an act and its entry
 * are stored together or not at all; nothing updates or deletes an entry.
 */
public final class AuditLog {
  /** Entries on one page of {@code GET /api/v1/admin/audit}. */
  public static final int MAX_PAGE = 200;

  private AuditLog() {}

  /** One entry as the admin API shows it. */
  public record Entry(
      long id, long at, String actor, String action, String target, JsonNode details) {
    public Map<String, Object> view() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", String.valueOf(id));
      m.put("at", Times.iso(at));
      m.put("actor", actor);
      m.put("action", action);
      m.put("target", target);
      m.put("details", details);
      return m;
    }
  }

  /** Appends {@code action} by {@code actor} on {@code target} (a username, room id or code). */
  public static void record(
      Handle h, Principal actor, String action, String target, Map<String, ?> details, long at) {
    h.createUpdate(
            """
            INSERT INTO audit_log (at, actor_id, actor, action, target, details)
            VALUES (:at, :actorId, :actor, :action, :target, :details)
            """)
        .bind("at", at)
        .bind("actorId", actor.userId())
        .bind("actor", actor.username())
        .bind("action", action)
        .bind("target", target)
        .bind("details", new String(Json.write(details), StandardCharsets.UTF_8))
        .execute();
  }

  /** The newest entries older than {@code before} (null: the newest of all), newest first. */
  public static List<Entry> page(Handle h, Long before, int limit) {
    return h.createQuery(
            "SELECT id, at, actor, action, target, details FROM audit_log"
                + (before == null ? "" : " WHERE id < :before")
                + " ORDER BY id DESC LIMIT :limit")
        .bind("before", before)
        .bind("limit", limit)
        .map(
            (rs, ctx) ->
                new Entry(
                    rs.getLong("id"),
                    rs.getLong("at"),
                    rs.getString("actor"),
                    rs.getString("action"),
                    rs.getString("target"),
                    details(rs.getString("details"))))
        .list();
  }

  private static JsonNode details(String stored) {
    try {
      return Json.MAPPER.readTree(stored);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an audit entry's details are not JSON", e);
    }
  }
}
