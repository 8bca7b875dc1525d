package dev.banter.auth;

import dev.banter.core.ApiError;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * Which avatar URLs a profile may carry: {@code https:} to a public host, or an upload of
 * this server. Never {@code javascript:}, {@code data:}, {@code http:}, nor an address on
 * a private network (the browsers of other users would fetch it).
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
    if (OWN_UPLOAD.matcher(url).matches()) {
      return url;
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw ApiError.validation(FIELD, "avatar_url is not a valid URL");
    }
    if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw ApiError.validation(FIELD, "avatar_url must be an https: URL or an upload of this server");
    }
    if (isPrivateHost(uri.getHost())) {
      throw ApiError.validation(FIELD, "avatar_url must not point to a private or local address");
    }
    return url;
  }

  /** Literal IPs on loopback/private/link-local ranges and obvious local names; no DNS lookup. */
  private static boolean isPrivateHost(String host) {
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost") || h.toLowerCase(java.util.Locale.ROOT).endsWith(".localhost")
        || h.toLowerCase(java.util.Locale.ROOT).endsWith(".local") || h.toLowerCase(java.util.Locale.ROOT).endsWith(".internal")) {
      return true;
    }
    if (!h.matches("[0-9.]+") && !h.contains(":")) {
      return false; // a name; not resolved here
    }
    try {
      InetAddress a = InetAddress.getByName(h); // a literal: parsed, not looked up
      return a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
          || a.isMulticastAddress() || (a.getAddress().length == 16 && (a.getAddress()[0] & 0xfe) == 0xfc);
    } catch (java.net.UnknownHostException e) {
      return true;
    }
  }
}
