package dev.banter.realtime;

import dev.banter.core.Principal;

/**
 * Who an authenticated connection speaks for: the principal of its newest access token and the id
 * of this WebSocket session (logged, and sent in {@code ready}). Immutable: a re-sent {@code auth}
 * replaces the whole session with {@link #renewed}.
 */
record Session(Principal principal, String id) {
  String userId() {
    return principal.userId();
  }

  String username() {
    return principal.username();
  }

  boolean guest() {
    return principal.guest();
  }

  /** The same session under a fresh token of the same user. */
  Session renewed(Principal fresh) {
    return new Session(fresh, id);
  }
}
