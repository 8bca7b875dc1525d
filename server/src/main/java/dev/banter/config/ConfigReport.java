package dev.banter.config;

import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * The text of {@code --help}'s settings list, of {@code --print-config} and of the configuration a
 * starting node logs. Secrets are masked in all three by one rule, {@link #mask}, driven by {@link
 * Setting#masking}.
 */
public final class ConfigReport {
  /** Shown instead of a secret. */
  public static final String MASK = "****";

  /**
   * The user info of a URL: {@code user:pass@} or {@code pass@} (group 1: {@code user:}), up to the
   * value's last {@code @}: a password with an unescaped {@code @} or {@code /} is still hidden
   * whole ({@code --print-config} shows values before they are checked), at the price of hiding
   * more than needed when an {@code @} follows in the path or query.
   */
  private static final Pattern URL_USER_INFO = Pattern.compile("(?<=://)([^:/@?#]*:)?.*@");

  private static final Pattern QUERY_PASSWORD = Pattern.compile("(?i)(password=)[^&#]*");

  private ConfigReport() {}

  /** Every setting with its default and meaning; secrets say that their values are never shown. */
  public static String settings() {
    StringBuilder b =
        new StringBuilder(
            "Settings (environment variables, or keys of the --config file; the environment wins):\n");
    for (Setting s : Setting.values()) {
      b.append(
          String.format(
              "  %-26s default %-12s %s%s%n",
              s.variable,
              s.defaultValue.isEmpty() ? "(unset)" : s.defaultValue,
              s.secret ? "[secret: never shown] " : "",
              s.meaning));
    }
    return b.toString();
  }

  /** The effective value of every setting as {@code NAME=value}, secrets masked. */
  public static String effective(Map<String, String> vars) {
    StringBuilder b = new StringBuilder();
    for (Setting s : Setting.values()) {
      b.append(s.variable).append('=').append(mask(s, value(vars, s))).append('\n');
    }
    return b.toString();
  }

  /**
   * The settings given a value (the others are at their defaults) as {@code NAME=value, …}, secrets
   * masked: what a log line may say about a configuration.
   */
  public static String given(Map<Setting, String> values) {
    StringJoiner j = new StringJoiner(", ");
    for (Setting s : Setting.values()) {
      String v = values.getOrDefault(s, "");
      if (!v.isEmpty() && !v.equals(s.defaultValue)) {
        j.add(s.variable + "=" + mask(s, v));
      }
    }
    return j.length() == 0 ? "all defaults" : j + "; the rest default";
  }

  /** What {@code s}'s value looks like wherever it is shown. */
  public static String mask(Setting s, String value) {
    if (value.isEmpty()) {
      return "";
    }
    return switch (s.masking) {
      case NONE -> value;
      case WHOLE -> MASK;
      case URL_PASSWORD ->
          QUERY_PASSWORD
              .matcher(
                  URL_USER_INFO
                      .matcher(value)
                      .replaceAll(m -> (m.group(1) == null ? "" : "$1") + MASK + "@"))
              .replaceAll("$1" + MASK);
    };
  }

  static String value(Map<String, String> vars, Setting s) {
    String raw = vars.get(s.variable);
    return raw == null || raw.isBlank() ? s.defaultValue : raw.strip();
  }
}
