package dev.banter.uploads;

/**
 * Why uploads cannot be stored: the setting to look at, a short reason that {@code /ready} shows to
 * anyone who asks, and what failed (paths, endpoints, exceptions), which only the log gets.
 */
record StoreProblem(String setting, String reason, String detail) {
  /** What {@code /ready} says: the setting and the reason, no paths or endpoints. */
  String summary() {
    return setting + ": " + reason;
  }
}
