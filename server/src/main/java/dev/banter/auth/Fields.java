package dev.banter.auth;

import dev.banter.core.ApiError;
import dev.banter.core.Names;
import java.util.Locale;
import java.util.regex.Pattern;

/** Validation of the account fields of SPEC §2; each failure is a 422 naming the field. */
final class Fields {
  private static final Pattern USERNAME = Pattern.compile("[a-z0-9_.-]{3,32}");
  static final int PASSWORD_MIN = 8;
  static final int PASSWORD_MAX = 128;
  static final int DISPLAY_NAME_MAX = 64;
  static final int STATUS_MAX = 140;

  private Fields() {}

  static <T> T required(T value, String field) {
    if (value == null) {
      throw ApiError.badRequest("field '" + field + "' is required", field);
    }
    return value;
  }

  /** The canonical (lower-case) username, or a 422. */
  static String username(String raw) {
    String u = required(raw, "username").strip().toLowerCase(Locale.ROOT);
    if (!USERNAME.matcher(u).matches()) {
      throw ApiError.validation(
          "username", "username must be 3-32 characters of a-z, 0-9, '_', '.', '-'");
    }
    return u;
  }

  static String newPassword(String raw, String field) {
    String p = required(raw, field);
    int length = p.codePointCount(0, p.length());
    if (length < PASSWORD_MIN || length > PASSWORD_MAX) {
      throw ApiError.validation(
          field, field + " must be " + PASSWORD_MIN + "-" + PASSWORD_MAX + " characters");
    }
    return p;
  }

  /** A display name: without format characters, trimmed, 1-64 characters, no control characters. */
  static String displayName(String raw) {
    String d = Names.withoutFormatting(raw).strip();
    if (d.isEmpty()) {
      throw ApiError.validation("display_name", "display_name must not be blank");
    }
    return limited(d, "display_name", DISPLAY_NAME_MAX);
  }

  static String statusText(String raw) {
    return limited(raw.strip(), "status_text", STATUS_MAX);
  }

  private static String limited(String value, String field, int max) {
    if (value.codePointCount(0, value.length()) > max) {
      throw ApiError.validation(field, field + " must be at most " + max + " characters");
    }
    if (value.chars().anyMatch(c -> Character.isISOControl(c))) {
      throw ApiError.validation(field, field + " must not contain control characters");
    }
    return value;
  }
}
