package dev.banter.auth;

/**
 * Where a session signs in or refreshes from, as {@code GET /api/v1/auth/sessions} shows it to its
 * owner: the client's address and its User-Agent header (cut to {@link #AGENT_MAX} characters,
 * control characters dropped). Either may be null.
 */
public record Device(String ip, String userAgent) {
  static final int AGENT_MAX = 256;
  static final int IP_MAX = 64;

  /** Neither known (a tool or test calling the service directly). */
  public static final Device UNKNOWN = new Device(null, null);

  public Device {
    ip = cut(ip, IP_MAX);
    userAgent = cut(userAgent, AGENT_MAX);
  }

  private static String cut(String raw, int max) {
    if (raw == null) {
      return null;
    }
    String s = raw.replaceAll("\\p{Cntrl}", "").strip();
    if (s.isEmpty()) {
      return null;
    }
    return s.length() > max ? s.substring(0, max) : s;
  }
}
