package dev.banter.push;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The payloads Banter pushes, small enough for one RFC 8291 record: the service worker ({@code
 * web/sw.js}) turns {@code type: "notification"} into a system notification.
 */
public final class PushPayload {
  /** Bodies are cut to this many characters (code points): a notification shows a line or two. */
  public static final int BODY_CHARS = 200;

  private PushPayload() {}

  /**
   * {@code {type: "notification", room_id, room_name, reason, message: {id, seq, body, author:
   * {username, display_name}}}} for a SPEC §8 notification; {@code roomName} may be null (a DM).
   */
  public static Map<String, Object> notification(
      String roomId,
      String roomName,
      String reason,
      String messageId,
      long seq,
      String body,
      String authorUsername,
      String authorDisplayName) {
    Map<String, Object> author = new LinkedHashMap<>();
    author.put("username", authorUsername);
    author.put("display_name", authorDisplayName);
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("id", messageId);
    message.put("seq", seq);
    message.put("body", truncate(body == null ? "" : body));
    message.put("author", author);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("type", "notification");
    out.put("room_id", roomId);
    out.put("room_name", roomName);
    out.put("reason", reason);
    out.put("message", message);
    return out;
  }

  static String truncate(String body) {
    if (body.codePointCount(0, body.length()) <= BODY_CHARS) {
      return body;
    }
    return body.substring(0, body.offsetByCodePoints(0, BODY_CHARS - 1)) + "…";
  }
}
