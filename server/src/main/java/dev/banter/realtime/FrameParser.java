package dev.banter.realtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.core.ApiError;
import dev.banter.core.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Text frame → {@link ClientFrame}. Invalid JSON, an unknown type, a missing or wrongly typed field
 * are {@code bad_request} errors that carry the frame's ref when it could be read.
 */
public final class FrameParser {
  /**
   * A parse failure with the ref of the offending frame (null when the frame had none or was not
   * JSON).
   */
  static final class Invalid extends RuntimeException {
    final String ref;
    final ApiError error;

    Invalid(String ref, ApiError error) {
      super(error.getMessage(), null, false, false);
      this.ref = ref;
      this.error = error;
    }
  }

  private FrameParser() {}

  public static ClientFrame parse(String text) {
    if (!Json.isStorable(text)) {
      throw new Invalid(
          null, ApiError.badRequest("a frame must be text without NUL or unpaired surrogates"));
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new Invalid(null, ApiError.badRequest("invalid JSON: " + e.getOriginalMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new Invalid(null, ApiError.badRequest("a frame must be a JSON object"));
    }
    JsonNode refNode = root.get("ref");
    String ref =
        refNode != null && refNode.isTextual() && Json.isStorable(refNode.textValue())
            ? refNode.textValue()
            : null;
    if (refNode != null && !refNode.isNull() && ref == null) {
      throw new Invalid(
          null,
          refNode.isTextual()
              ? unstorable("ref")
              : ApiError.badRequest("field 'ref' must be a string", "ref"));
    }
    try {
      String type = text(root, "type", true);
      return switch (type) {
        case "auth" -> new ClientFrame.Auth(ref, text(root, "token", true));
        case "join_room" ->
            new ClientFrame.JoinRoom(
                ref,
                text(root, "room_id", true),
                number(root, "since_seq", false),
                number(root, "since_rev", false));
        case "leave_room" -> new ClientFrame.LeaveRoom(ref, text(root, "room_id", true));
        case "send_message" ->
            new ClientFrame.SendMessage(
                ref,
                text(root, "room_id", true),
                text(root, "body", true),
                text(root, "client_id", true),
                text(root, "reply_to", false),
                text(root, "thread_id", false),
                strings(root, "attachments"));
        case "edit_message" ->
            new ClientFrame.EditMessage(
                ref,
                text(root, "room_id", true),
                text(root, "message_id", true),
                text(root, "body", true));
        case "delete_message" ->
            new ClientFrame.DeleteMessage(
                ref, text(root, "room_id", true), text(root, "message_id", true));
        case "react" ->
            new ClientFrame.React(
                ref,
                text(root, "room_id", true),
                text(root, "message_id", true),
                text(root, "emoji", true),
                bool(root, "on"));
        case "typing" ->
            new ClientFrame.Typing(ref, text(root, "room_id", true), bool(root, "active"));
        case "read" ->
            new ClientFrame.Read(ref, text(root, "room_id", true), number(root, "seq", true));
        case "ping" -> new ClientFrame.Ping(ref);
        default -> throw ApiError.badRequest("unknown frame type '" + type + "'", "type");
      };
    } catch (ApiError e) {
      throw new Invalid(ref, e);
    }
  }

  private static String text(JsonNode root, String field, boolean required) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      if (required) {
        throw ApiError.badRequest("field '" + field + "' is required", field);
      }
      return null;
    }
    if (!n.isTextual()) {
      throw ApiError.badRequest("field '" + field + "' must be a string", field);
    }
    if (!Json.isStorable(n.textValue())) {
      throw unstorable(field);
    }
    return n.textValue();
  }

  /** A JSON escape such as \\u0000 or \\ud800 decodes to text no database stores as it is. */
  private static ApiError unstorable(String field) {
    return ApiError.badRequest(
        "field '" + field + "' has NUL or an unpaired UTF-16 surrogate", field);
  }

  private static Long number(JsonNode root, String field, boolean required) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      if (required) {
        throw ApiError.badRequest("field '" + field + "' is required", field);
      }
      return null;
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      throw ApiError.badRequest("field '" + field + "' must be a whole number", field);
    }
    if (n.asLong() < 0) {
      throw ApiError.validation(field, field + " must not be negative");
    }
    return n.asLong();
  }

  private static boolean bool(JsonNode root, String field) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      throw ApiError.badRequest("field '" + field + "' is required", field);
    }
    if (!n.isBoolean()) {
      throw ApiError.badRequest("field '" + field + "' must be true or false", field);
    }
    return n.asBoolean();
  }

  private static List<String> strings(JsonNode root, String field) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isArray()) {
      throw ApiError.badRequest("field '" + field + "' must be an array of strings", field);
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : n) {
      if (!item.isTextual()) {
        throw ApiError.badRequest("field '" + field + "' must be an array of strings", field);
      }
      if (!Json.isStorable(item.textValue())) {
        throw unstorable(field);
      }
      out.add(item.textValue());
    }
    return out;
  }
}
