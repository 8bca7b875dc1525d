package dev.banter.core;

/**
 * The authenticated caller of a request or WebSocket session, as its access token states it: {@code
 * sessionId} is the sign-in the token belongs to (null outside one), {@code expiresAt} when the
 * token stops being valid (epoch milliseconds).
 */
public record Principal(
    String userId, String username, String role, boolean guest, String sessionId, long expiresAt) {

  /** A caller outside any signed-in session (in-process tools and benchmarks): never expires. */
  public Principal(String userId, String username, String role, boolean guest) {
    this(userId, username, role, guest, null, Long.MAX_VALUE);
  }

  public boolean isAdmin() {
    return "admin".equals(role);
  }
}
