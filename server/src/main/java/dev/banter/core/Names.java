package dev.banter.core;

/**
 * Names people see (display names, room names) carry no invisible formatting: bidi overrides
 * (U+202E turns "gpj.exe" into "exe.jpg"), isolates, zero-width spaces and other format characters
 * are removed. Kept: the zero-width joiner and non-joiner (emoji sequences, Persian and Indic
 * scripts) and emoji tag characters (subdivision flags).
 */
public final class Names {
  private Names() {}

  public static String withoutFormatting(String s) {
    StringBuilder out = new StringBuilder(s.length());
    s.codePoints()
        .filter(
            c ->
                Character.getType(c) != Character.FORMAT
                    || c == 0x200C
                    || c == 0x200D
                    || (c >= 0xE0020 && c <= 0xE007F))
        .forEach(out::appendCodePoint);
    return out.toString();
  }
}
