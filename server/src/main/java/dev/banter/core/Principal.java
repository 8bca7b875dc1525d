package dev.banter.core;

/** The authenticated caller of a request or WebSocket session, as its access token states it. */
public record Principal(String userId, String username, String role, boolean guest) {
  public boolean isAdmin() {
    return "admin".equals(role);
  }
}
