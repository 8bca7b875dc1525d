package dev.banter.config;

import java.util.List;

/**
 * Configuration that cannot be used: start-up stops with one line per problem (each names its
 * setting), all of them at once.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public ConfigException(Setting setting, String problem) {
    this(List.of(setting.variable + ": " + problem));
  }

  public ConfigException(String message) {
    this(List.of(message));
  }

  public ConfigException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, one line each. */
  public List<String> problems() {
    return problems;
  }
}
