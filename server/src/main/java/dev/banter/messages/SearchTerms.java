package dev.banter.messages;

import dev.banter.core.ApiError;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How message text is made searchable, the same way on SQLite and PostgreSQL. Stock tokenizers
 * split on spaces, which Chinese and Japanese do not use and which Korean uses between whole
 * phrases — so a two-character word inside a sentence is never found. Banter indexes a derived text
 * instead: lower-case words, and for runs of Han, Hiragana, Katakana and Hangul characters all
 * their bigrams (for words of two or more characters) followed by the single characters. A query is
 * cut the same way: a word becomes a prefix match, a CJK run a phrase of bigrams.
 */
public final class SearchTerms {
  static final int MAX_QUERY_CHARS = 256;
  static final int MAX_CLAUSES = 16;

  private SearchTerms() {}

  /** A run of the text: a word, or a run of CJK characters. */
  private record Run(String text, boolean cjk) {}

  /** One part of a query: tokens that must appear in this order; the last may be a prefix. */
  public record Clause(List<String> tokens, boolean prefix) {}

  static boolean isCjk(int cp) {
    Character.UnicodeScript s = Character.UnicodeScript.of(cp);
    return s == Character.UnicodeScript.HAN
        || s == Character.UnicodeScript.HIRAGANA
        || s == Character.UnicodeScript.KATAKANA
        || s == Character.UnicodeScript.HANGUL;
  }

  private static List<Run> runs(String text) {
    String t = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    List<Run> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean curCjk = false;
    for (int i = 0; i < t.length(); ) {
      int cp = t.codePointAt(i);
      i += Character.charCount(cp);
      boolean cjk = isCjk(cp);
      boolean part =
          cjk
              || Character.isLetterOrDigit(cp)
              || Character.getType(cp) == Character.NON_SPACING_MARK;
      if (!part || (cur.length() > 0 && cjk != curCjk)) {
        if (cur.length() > 0) {
          out.add(new Run(cur.toString(), curCjk));
          cur.setLength(0);
        }
      }
      if (part) {
        cur.appendCodePoint(cp);
        curCjk = cjk;
      }
    }
    if (cur.length() > 0) {
      out.add(new Run(cur.toString(), curCjk));
    }
    return out;
  }

  private static List<String> bigrams(String run) {
    int[] cps = run.codePoints().toArray();
    List<String> out = new ArrayList<>();
    for (int i = 0; i + 1 < cps.length; i++) {
      out.add(new String(cps, i, 2));
    }
    return out;
  }

  private static List<String> unigrams(String run) {
    return run.codePoints().mapToObj(Character::toString).toList();
  }

  /** The text to index for {@code body}: space-separated terms. */
  public static String index(String body) {
    StringBuilder b = new StringBuilder();
    for (Run r : runs(body)) {
      List<String> terms = new ArrayList<>();
      if (r.cjk()) {
        terms.addAll(bigrams(r.text())); // adjacent, so a phrase of bigrams matches in order
        terms.addAll(unigrams(r.text()));
      } else {
        terms.add(r.text());
      }
      for (String t : terms) {
        if (b.length() > 0) {
          b.append(' ');
        }
        b.append(t);
      }
    }
    return b.toString();
  }

  /**
   * Parses a user query: {@code "a phrase"} in quotes, or words (each a prefix: {@code hel} finds
   * hello). Nothing searchable, or too long a query, is a 422 naming {@code q}.
   */
  public static List<Clause> parse(String q) {
    if (q == null || q.isBlank()) {
      throw ApiError.validation("q", "q must not be empty");
    }
    if (q.length() > MAX_QUERY_CHARS) {
      throw ApiError.validation("q", "q must be at most " + MAX_QUERY_CHARS + " characters");
    }
    List<Clause> clauses = new ArrayList<>();
    String[] parts = q.split("\"", -1);
    for (int i = 0; i < parts.length; i++) {
      boolean quoted = i % 2 == 1 && i < parts.length - 1; // an unmatched quote is just text
      if (quoted) {
        List<String> tokens = new ArrayList<>();
        for (Run r : runs(parts[i])) {
          tokens.addAll(r.cjk() ? cjkTokens(r.text()) : List.of(r.text()));
        }
        if (!tokens.isEmpty()) {
          clauses.add(new Clause(tokens, false));
        }
      } else {
        for (Run r : runs(parts[i])) {
          clauses.add(
              r.cjk()
                  ? new Clause(cjkTokens(r.text()), false)
                  : new Clause(List.of(r.text()), true));
        }
      }
    }
    if (clauses.isEmpty()) {
      throw ApiError.validation("q", "q has nothing to search for (letters, digits or characters)");
    }
    if (clauses.size() > MAX_CLAUSES) {
      throw ApiError.validation("q", "q may have at most " + MAX_CLAUSES + " words");
    }
    return clauses;
  }

  private static List<String> cjkTokens(String run) {
    return run.codePointCount(0, run.length()) == 1 ? List.of(run) : bigrams(run);
  }

  /** The plain words of the query, for highlighting matches in the original text. */
  public static List<String> highlightTerms(List<Clause> clauses) {
    List<String> out = new ArrayList<>();
    for (Clause c : clauses) {
      if (c.tokens().size() > 1 && isCjk(c.tokens().get(0).codePointAt(0))) {
        StringBuilder joined = new StringBuilder(c.tokens().get(0));
        for (int i = 1; i < c.tokens().size(); i++) {
          joined.appendCodePoint(c.tokens().get(i).codePointBefore(c.tokens().get(i).length()));
        }
        out.add(joined.toString());
      } else {
        out.addAll(c.tokens());
      }
    }
    return out;
  }
}
