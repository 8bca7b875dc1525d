package dev.banter.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads single settings as numbers, durations, flags or lists from the variables, and keeps every
 * problem found instead of stopping at the first: a bad value is noted and its setting read as its
 * default from then on, so that {@link ConfigLoader} goes on and reports them all at once.
 */
final class SettingReader {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private final Map<String, String> vars;
  private final List<String> problems = new ArrayList<>();

  /** Settings whose given value was bad: read as their default from then on. */
  private final Set<Setting> rejected = EnumSet.noneOf(Setting.class);

  SettingReader(Map<String, String> vars) {
    this.vars = vars;
  }

  /** Every problem noted so far, one line each, naming its setting. */
  List<String> problems() {
    return problems;
  }

  /** Whether {@code s} was given a bad value (checks that combine it with others skip it). */
  boolean rejected(Setting s) {
    return rejected.contains(s);
  }

  /**
   * {@code parse(s)}; when the value is bad, the problem is noted and {@code parse} reads the
   * default instead (defaults are always valid), so that loading goes on to the next setting.
   */
  <T> T read(Setting s, Function<Setting, T> parse) {
    try {
      return parse.apply(s);
    } catch (ConfigException e) {
      problems.addAll(e.problems());
      rejected.add(s);
      return parse.apply(s);
    }
  }

  void problem(Setting s, String problem) {
    problems.add(s.variable + ": " + problem);
  }

  /** Every setting given a value, as given (secrets too: only {@link ConfigReport} shows them). */
  Map<Setting, String> given() {
    Map<Setting, String> out = new EnumMap<>(Setting.class);
    for (Setting s : Setting.values()) {
      String v = vars.get(s.variable);
      if (v != null && !v.isBlank()) {
        out.put(s, v.strip());
      }
    }
    return out;
  }

  String text(Setting s) {
    String v = vars.get(s.variable);
    return v == null || v.isBlank() || rejected.contains(s) ? s.defaultValue : v.strip();
  }

  Optional<String> optional(Setting s) {
    String v = text(s);
    return v.isEmpty() ? Optional.empty() : Optional.of(v);
  }

  int integer(Setting s, int min, int max) {
    return (int) longValue(s, min, max);
  }

  long longValue(Setting s, long min, long max) {
    return read(
        s,
        x -> {
          String v = text(x);
          long n;
          try {
            n = Long.parseLong(v);
          } catch (NumberFormatException e) {
            throw new ConfigException(x, "expected a whole number, got '" + v + "'");
          }
          if (n < min || n > max) {
            throw new ConfigException(x, "must be between " + min + " and " + max + ", got " + n);
          }
          return n;
        });
  }

  double decimal(Setting s) {
    return read(
        s,
        x -> {
          String v = text(x);
          try {
            double d = Double.parseDouble(v);
            if (!(d > 0) || Double.isInfinite(d)) {
              throw new ConfigException(x, "must be a positive number, got '" + v + "'");
            }
            return d;
          } catch (NumberFormatException e) {
            throw new ConfigException(x, "expected a number, got '" + v + "'");
          }
        });
  }

  boolean bool(Setting s) {
    return read(
        s,
        x -> {
          String v = text(x).toLowerCase(Locale.ROOT);
          return switch (v) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new ConfigException(x, "expected true or false, got '" + v + "'");
          };
        });
  }

  Duration duration(Setting s) {
    return read(
        s,
        x -> {
          String v = text(x).toLowerCase(Locale.ROOT);
          Matcher m = DURATION.matcher(v);
          if (!m.matches()) {
            throw new ConfigException(
                x, "expected a duration such as 500ms, 10s, 15m, 12h or 30d, got '" + v + "'");
          }
          long n = Long.parseLong(m.group(1));
          Duration d =
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
              };
          if (d.isZero()) {
            throw new ConfigException(x, "must be longer than zero");
          }
          return d;
        });
  }

  List<String> list(Setting s) {
    return Arrays.stream(text(s).split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
  }
}
