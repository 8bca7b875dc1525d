package dev.banter.messages;

import dev.banter.core.ApiError;
import java.util.regex.Pattern;

/** Validation of message fields (SPEC §4); each failure is a 422 naming the field. */
public final class MessageFields {
  public static final int BODY_MAX = 4000;
  public static final int CLIENT_ID_MAX = 64;

  /** An emoji is a short symbol sequence (flags, skin tones, ZWJ families) or a :shortcode:. */
  private static final int EMOJI_MAX_CODE_POINTS = 16;

  private static final Pattern SHORTCODE = Pattern.compile(":[a-z0-9_+-]{1,30}:");

  private MessageFields() {}

  /** The body as given, after checking that its trimmed length is 1-4000 characters. */
  public static String body(String raw) {
    if (raw == null) {
      throw ApiError.badRequest("field 'body' is required", "body");
    }
    String trimmed = raw.strip();
    if (trimmed.isEmpty()) {
      throw ApiError.validation("body", "body must not be blank");
    }
    if (trimmed.codePointCount(0, trimmed.length()) > BODY_MAX) {
      throw ApiError.validation("body", "body must be at most " + BODY_MAX + " characters");
    }
    return raw;
  }

  public static String clientId(String raw) {
    if (raw == null) {
      return null;
    }
    if (raw.isEmpty()
        || raw.length() > CLIENT_ID_MAX
        || raw.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
      throw ApiError.validation(
          "client_id", "client_id must be 1-" + CLIENT_ID_MAX + " visible characters");
    }
    return raw;
  }

  /** An emoji as used in reaction routes and frames, or a 422. */
  public static String emoji(String raw) {
    if (raw == null) {
      throw ApiError.badRequest("field 'emoji' is required", "emoji");
    }
    if (SHORTCODE.matcher(raw).matches()) {
      return raw;
    }
    int count = raw.codePointCount(0, raw.length());
    boolean symbol =
        raw.codePoints()
            .anyMatch(
                cp ->
                    Character.getType(cp) == Character.OTHER_SYMBOL
                        || cp >= 0x1F1E6 && cp <= 0x1F1FF);
    boolean onlyEmojiParts = raw.codePoints().allMatch(MessageFields::emojiPart);
    if (count == 0 || count > EMOJI_MAX_CODE_POINTS || !symbol || !onlyEmojiParts) {
      throw ApiError.validation("emoji", "emoji must be one emoji or a :shortcode:");
    }
    return raw;
  }

  private static boolean emojiPart(int cp) {
    int type = Character.getType(cp);
    return type == Character.OTHER_SYMBOL
        || type == Character.MATH_SYMBOL && cp > 0x7f
        || type == Character.NON_SPACING_MARK
        || type == Character.ENCLOSING_MARK
        || type == Character.FORMAT // ZWJ
        || cp >= 0x1F1E6 && cp <= 0x1F1FF // regional indicators (flags)
        || cp >= 0x1F3FB && cp <= 0x1F3FF // skin tones
        || cp >= 0xFE00 && cp <= 0xFE0F // variation selectors
        || cp >= 0xE0020 && cp <= 0xE007F // tag sequences
        || cp == '#'
        || cp == '*'
        || cp >= '0' && cp <= '9' // keycaps
        || cp == 0x00A9
        || cp == 0x00AE
        || cp >= 0x2000 && cp <= 0x3300 && !Character.isLetter(cp);
  }
}
