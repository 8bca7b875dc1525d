package dev.banter.auth;

import dev.banter.core.ApiError;
import java.util.regex.Pattern;

/**
 * Which avatar URLs a profile may carry: an upload of this server, nothing else. An avatar on
 * another host would be fetched by every viewer's browser, telling that host who looks at whom and
 * when (and a name may resolve to a private address); the page's {@code img-src} allows only this
 * server. Avatars stored on other hosts before this rule were cleared (a migration).
 */
final class AvatarUrls {
  private static final int MAX_LENGTH = 2048;
  private static final Pattern OWN_UPLOAD = Pattern.compile("/api/v1/uploads/[A-Za-z0-9_-]{1,64}");
  private static final String FIELD = "avatar_url";

  private AvatarUrls() {}

  /** The URL to store, null to clear (empty string), or a 422. */
  static String check(String raw) {
    String url = raw.strip();
    if (url.isEmpty()) {
      return null;
    }
    if (url.length() > MAX_LENGTH) {
      throw ApiError.validation(FIELD, "avatar_url must be at most " + MAX_LENGTH + " characters");
    }
    if (!OWN_UPLOAD.matcher(url).matches()) {
      throw ApiError.validation(
          FIELD, "avatar_url must be an upload of this server (/api/v1/uploads/{id})");
    }
    return url;
  }
}
