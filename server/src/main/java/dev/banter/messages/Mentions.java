package dev.banter.messages;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a body mentions (SPEC §8): names after an at sign, the word room after one (every member)
 * and the word here after one (members online now). Text in code, a fenced block or an inline code
 * span, mentions no one: pasting a log or a snippet must not page the room. {@link #names} are
 * candidates as written (lower-cased); which of them are members of the room is for the store to
 * say.
 */
public record Mentions(List<String> names, boolean room, boolean here) {
  /** Names one message can mention; more are ignored (each is a row and maybe a notification). */
  public static final int MAX_NAMES = 50;

  public static final Mentions NONE = new Mentions(List.of(), false, false);

  public Mentions {
    names = List.copyOf(names);
  }

  public boolean any() {
    return room || here || !names.isEmpty();
  }

  /** The mentions of {@code body}, with code excluded. */
  public static Mentions parse(String body) {
    if (body.indexOf('@') < 0) {
      return NONE;
    }
    Set<String> names = new LinkedHashSet<>();
    boolean room = false;
    boolean here = false;
    boolean fenced = false;
    String fence = null;
    for (String line : body.split("\n", -1)) {
      String trimmed = line.stripLeading();
      if (fenced) {
        if (trimmed.startsWith(fence)) {
          fenced = false;
        }
        continue;
      }
      if (trimmed.startsWith("```") || trimmed.startsWith("~~~")) {
        fenced = true;
        fence = trimmed.substring(0, 3);
        continue;
      }
      if (line.startsWith("    ") || line.startsWith("\t")) {
        continue; // an indented code block
      }
      for (String word : outsideCodeSpans(line)) {
        String bare = stripTrailingPunctuation(word);
        switch (bare) {
          case "room" -> room = true;
          case "here" -> here = true;
          default -> {
            for (String name : List.of(word, bare)) {
              if (name.length() >= 3 && names.size() < MAX_NAMES) {
                names.add(name);
              }
            }
          }
        }
      }
    }
    return names.isEmpty() && !room && !here ? NONE : new Mentions(List.copyOf(names), room, here);
  }

  /**
   * The names after {@code @} in {@code line}, outside inline code spans (a run of backticks up to
   * the next run of the same length).
   */
  private static List<String> outsideCodeSpans(String line) {
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = line.length();
    while (i < n) {
      char c = line.charAt(i);
      if (c == '`') {
        int run = runOf(line, i, '`');
        int close = closingRun(line, i + run, run);
        if (close >= 0) {
          i = close + run;
          continue;
        }
        i += run; // an unmatched run is literal text
        continue;
      }
      if (c == '@' && (i == 0 || !isNameChar(line.charAt(i - 1)))) {
        int end = i + 1;
        while (end < n && isNameChar(line.charAt(end))) {
          end++;
        }
        int len = end - i - 1;
        if (len >= 3 && len <= 33) { // 33: a 32-character name and a full stop
          out.add(line.substring(i + 1, end).toLowerCase(Locale.ROOT));
        }
        i = end;
        continue;
      }
      i++;
    }
    return out;
  }

  private static int runOf(String s, int from, char c) {
    int j = from;
    while (j < s.length() && s.charAt(j) == c) {
      j++;
    }
    return j - from;
  }

  /** Where a run of exactly {@code run} backticks starts at or after {@code from}; -1 if none. */
  private static int closingRun(String s, int from, int run) {
    int j = from;
    while (j < s.length()) {
      if (s.charAt(j) == '`') {
        int r = runOf(s, j, '`');
        if (r == run) {
          return j;
        }
        j += r;
      } else {
        j++;
      }
    }
    return -1;
  }

  /** A character a username may hold (SPEC §2: {@code [a-z0-9_.-]}), in either case. */
  private static boolean isNameChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '.'
        || c == '-';
  }

  /** "@alice." at the end of a sentence names alice. */
  private static String stripTrailingPunctuation(String word) {
    int end = word.length();
    while (end > 0 && (word.charAt(end - 1) == '.' || word.charAt(end - 1) == '-')) {
      end--;
    }
    return word.substring(0, end);
  }
}
