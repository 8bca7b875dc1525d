package dev.banter.config;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Why a configured signing secret would be unsafe: shorter than 32 bytes, a placeholder left over
 * from an example file, or of obviously low entropy. Random bytes ({@code openssl rand -base64 48},
 * {@code openssl rand -hex 32}, a UUID or two) always pass; the rules only catch what no generator
 * produces (docs/decisions.md, "Configuration and secrets").
 */
final class SecretStrength {
  static final int MIN_BYTES = 32;

  /** How to make a good one, for every refusal. */
  static final String HOW = "generate one with: openssl rand -base64 48";

  /**
   * Words of example and template values (deploy/k8s's {@code CHANGE-ME-…}, "your-secret-here",
   * "example-key"), looked for in the value lower-cased with all but letters and digits removed, so
   * {@code CHANGE-ME}, {@code change_me} and {@code ChangeMe} all count. All are six letters or
   * more: random base64 of 48 bytes holds one by chance about once in ten million.
   */
  private static final List<String> PLACEHOLDERS =
      List.of(
          "changeme",
          "changethis",
          "replaceme",
          "placeholder",
          "example",
          "secret",
          "password",
          "insecure");

  /**
   * Fewer distinct characters than this is no random value: 32 random decimal digits have fewer
   * than 7 about once in 30,000; hex or base64, practically never.
   */
  private static final int MIN_DISTINCT = 7;

  private SecretStrength() {}

  /** The problem with {@code secret} as one clause naming no part of it, or empty when fine. */
  static Optional<String> weakness(String secret) {
    int bytes = secret.getBytes(StandardCharsets.UTF_8).length;
    if (bytes < MIN_BYTES) {
      return Optional.of(
          "must be at least " + MIN_BYTES + " bytes, got " + bytes + " (" + HOW + ")");
    }
    String letters = secret.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    for (String word : PLACEHOLDERS) {
      if (letters.contains(word)) {
        return Optional.of(
            "looks like a placeholder (it contains \"" + word + "\"), not a secret (" + HOW + ")");
      }
    }
    int[] chars = secret.codePoints().toArray();
    Map<Integer, Integer> counts = new HashMap<>();
    for (int c : chars) {
      counts.merge(c, 1, Integer::sum);
    }
    if (counts.size() < MIN_DISTINCT) {
      return Optional.of(
          "has too little entropy: only " + counts.size() + " different characters (" + HOW + ")");
    }
    int most = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    if (most * 2 >= chars.length) {
      return Optional.of(
          "has too little entropy: one character makes up half of it or more (" + HOW + ")");
    }
    int period = period(chars);
    if (period > 0) {
      return Optional.of(
          "has too little entropy: it repeats a pattern of "
              + period
              + " characters ("
              + HOW
              + ")");
    }
    return Optional.empty();
  }

  /**
   * The length of the shortest unit that, repeated (the last time perhaps in part), makes up the
   * whole value, if at most half its length; else 0.
   */
  private static int period(int[] chars) {
    for (int p = 1; p <= chars.length / 2; p++) {
      boolean repeats = true;
      for (int i = p; i < chars.length && repeats; i++) {
        repeats = chars[i] == chars[i - p];
      }
      if (repeats) {
        return p;
      }
    }
    return 0;
  }
}
