package dev.banter.auth;

import dev.banter.core.ApiError;
import dev.banter.core.Ids;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which avatars a profile may carry: one of its owner's own image uploads, nothing else. An avatar
 * on another host would be fetched by every viewer's browser, telling that host who looks at whom
 * and when (and a name may resolve to a private address); the page's {@code img-src} allows only
 * this server.
 *
 * <p>An upload itself is readable only with a bearer token and only by its uploader and the members
 * of rooms it was posted in, which an {@code <img>} of another user cannot satisfy. So setting an
 * avatar gives it a key of {@link #KEY_BYTES} random bytes, and profiles carry {@code
 * /api/v1/avatars/{key}}: an open route that serves that one image and nothing else (see
 * docs/decisions.md, "Avatar URLs (#21)"). A new avatar, or none, retires the old key.
 */
public final class AvatarUrls {
  private static final int MAX_LENGTH = 2048;

  /** 144 random bits: 24 base64url characters. */
  static final int KEY_BYTES = 18;

  /** Image types a browser shows in an {@code <img>} that cannot carry script (no SVG). */
  public static final Set<String> TYPES =
      Set.of("image/png", "image/jpeg", "image/webp", "image/gif");

  /** The largest file that may be an avatar (the web client sends a 256-pixel square). */
  public static final long MAX_BYTES = 1024 * 1024;

  public static final String PREFIX = "/api/v1/avatars/";
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{24}");
  private static final Pattern OWN_UPLOAD =
      Pattern.compile("/api/v1/uploads/([A-Za-z0-9_-]{1,64})");
  private static final Pattern AVATAR = Pattern.compile(Pattern.quote(PREFIX) + "([^/]*)");
  private static final String FIELD = "avatar_url";

  private AvatarUrls() {}

  /** What a PATCH asks for: no avatar, an upload to make the avatar, or the avatar kept as is. */
  sealed interface Wanted {}

  record Clear() implements Wanted {}

  record FromUpload(String uploadId) implements Wanted {}

  /** The {@code /api/v1/avatars/{key}} the profile already has (a client sending it back). */
  record Keep(String url) implements Wanted {}

  /** What {@code raw} asks for, or a 422. */
  static Wanted check(String raw) {
    String url = raw.strip();
    if (url.isEmpty()) {
      return new Clear();
    }
    if (url.length() > MAX_LENGTH) {
      throw ApiError.validation(FIELD, "avatar_url must be at most " + MAX_LENGTH + " characters");
    }
    Matcher upload = OWN_UPLOAD.matcher(url);
    if (upload.matches()) {
      return new FromUpload(upload.group(1));
    }
    if (AVATAR.matcher(url).matches()) {
      return new Keep(url);
    }
    throw ApiError.validation(
        FIELD, "avatar_url must be one of your uploads (/api/v1/uploads/{id}) or empty");
  }

  /** Whether {@code key} has the form of an avatar key (anything else is a 404 at once). */
  public static boolean wellFormedKey(String key) {
    return key != null && KEY.matcher(key).matches();
  }

  static String newKey() {
    return Ids.randomToken(KEY_BYTES);
  }

  static String url(String key) {
    return PREFIX + key;
  }

  /** Why {@code upload} cannot be {@code userId}'s avatar, or null when it can. */
  static String refusal(String userId, String uploaderId, String contentType, long size) {
    if (!userId.equals(uploaderId)) {
      return "avatar_url must be one of your own uploads";
    }
    if (!TYPES.contains(contentType)) {
      return "an avatar must be a PNG, JPEG, WebP or GIF image";
    }
    if (size > MAX_BYTES) {
      return "an avatar must be at most " + MAX_BYTES / 1024 + " KiB";
    }
    return null;
  }
}
