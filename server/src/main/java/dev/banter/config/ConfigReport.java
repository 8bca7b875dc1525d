package dev.banter.config;

import java.util.Map;
import java.util.regex.Pattern;

/** The text of {@code --help}'s settings list and of {@code --print-config} (secrets masked). */
public final class ConfigReport {
  private static final Pattern URL_PASSWORD = Pattern.compile("(://[^:/@]*:)[^@]*@");
  private static final Pattern QUERY_PASSWORD = Pattern.compile("(?i)(password=)[^&]*");

  private ConfigReport() {}

  /** Every setting with its default and meaning. */
  public static String settings() {
    StringBuilder b =
        new StringBuilder(
            "Settings (environment variables, or keys of the --config file; the environment wins):\n");
    for (Setting s : Setting.values()) {
      b.append(
          String.format(
              "  %-26s default %-12s %s%n",
              s.variable, s.defaultValue.isEmpty() ? "(unset)" : s.defaultValue, s.meaning));
    }
    return b.toString();
  }

  /** The effective value of every setting as {@code NAME=value}, secrets masked. */
  public static String effective(Map<String, String> vars) {
    StringBuilder b = new StringBuilder();
    for (Setting s : Setting.values()) {
      String raw = vars.get(s.variable);
      String value = raw == null || raw.isBlank() ? s.defaultValue : raw.strip();
      b.append(s.variable).append('=').append(mask(s, value)).append('\n');
    }
    return b.toString();
  }

  static String mask(Setting s, String value) {
    if (value.isEmpty()) {
      return "";
    }
    if (s == Setting.JWT_SECRET) {
      return "****";
    }
    if (s.secret) {
      return QUERY_PASSWORD
          .matcher(URL_PASSWORD.matcher(value).replaceAll("$1****@"))
          .replaceAll("$1****");
    }
    return value;
  }
}
