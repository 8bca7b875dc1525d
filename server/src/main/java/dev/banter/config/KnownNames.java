package dev.banter.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The {@code BANTER_*} names Banter knows, and for a name it does not know (a typo, a setting of a
 * later version) the known one it most likely meant.
 */
final class KnownNames {
  static final String PREFIX = "BANTER_";

  /** Names read by the command line ({@code BANTER_CONFIG}) or the {@code ./banter} launcher. */
  private static final Set<String> NOT_SETTINGS =
      Set.of("BANTER_CONFIG", "BANTER_AOT", "BANTER_JDK_DIRS");

  private static final Set<String> ALL =
      Stream.concat(Arrays.stream(Setting.values()).map(s -> s.variable), NOT_SETTINGS.stream())
          .collect(Collectors.toUnmodifiableSet());

  /** Edits (OSA distance) a typo may be away from what was meant. */
  private static final int MAX_EDITS = 2;

  private KnownNames() {}

  static boolean known(String name) {
    return ALL.contains(name);
  }

  /** One warning per {@code BANTER_*} name in {@code names} that Banter does not read, sorted. */
  static List<String> unknown(Set<String> names) {
    List<String> out = new ArrayList<>();
    for (String name : new TreeSet<>(names)) {
      if (name.startsWith(PREFIX) && !known(name)) {
        out.add(
            name
                + ": not a Banter setting, ignored"
                + closest(name).map(k -> " (did you mean " + k + "?)").orElse(""));
      }
    }
    return out;
  }

  /**
   * The known name {@code name} is a typo of: the only one within two edits (one for short names),
   * else the only one it is the start of ({@code BANTER_DATABASE} → {@code BANTER_DATABASE_URL}).
   */
  static Optional<String> closest(String name) {
    String tail = name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
    int allowed = tail.length() <= 4 ? 1 : MAX_EDITS;
    int best = Integer.MAX_VALUE;
    List<String> nearest = new ArrayList<>();
    for (String k : ALL) {
      int d = distance(tail, k.substring(PREFIX.length()));
      if (d < best) {
        best = d;
        nearest.clear();
      }
      if (d == best) {
        nearest.add(k);
      }
    }
    if (best <= allowed && nearest.size() == 1) {
      return Optional.of(nearest.get(0));
    }
    if (tail.length() >= 4) {
      List<String> longer = ALL.stream().filter(k -> k.startsWith(name)).toList();
      if (longer.size() == 1) {
        return Optional.of(longer.get(0));
      }
    }
    return Optional.empty();
  }

  /**
   * Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
   * neighbours ({@code PROT} → {@code PORT} is one).
   */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
