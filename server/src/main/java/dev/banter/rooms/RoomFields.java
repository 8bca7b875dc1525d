package dev.banter.rooms;

import dev.banter.core.ApiError;
import dev.banter.core.Names;
import java.util.Locale;

/** Validation of room fields; each failure is a 422 naming the field. */
final class RoomFields {
  static final int NAME_MAX = 64;
  static final int TOPIC_MAX = 250;

  private RoomFields() {}

  static String name(String raw) {
    String n = Names.withoutFormatting(raw).strip();
    if (n.isEmpty() || n.codePointCount(0, n.length()) > NAME_MAX) {
      throw ApiError.validation("name", "name must be 1-" + NAME_MAX + " characters");
    }
    if (n.chars().anyMatch(Character::isISOControl)) {
      throw ApiError.validation("name", "name must not contain control characters");
    }
    return n;
  }

  /** The case-insensitive uniqueness key of a channel name. */
  static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  static String topic(String raw) {
    String t = raw.strip();
    if (t.codePointCount(0, t.length()) > TOPIC_MAX) {
      throw ApiError.validation("topic", "topic must be at most " + TOPIC_MAX + " characters");
    }
    if (t.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n')) {
      throw ApiError.validation("topic", "topic must not contain control characters");
    }
    return t;
  }

  static String visibility(String raw) {
    String v = raw.strip().toLowerCase(Locale.ROOT);
    if (!v.equals(Room.PUBLIC) && !v.equals(Room.PRIVATE)) {
      throw ApiError.validation("visibility", "visibility must be public or private");
    }
    return v;
  }
}
