package dev.banter.config;

/** A configuration value that cannot be used; start-up stops with its one-line message. */
public final class ConfigException extends RuntimeException {
  public ConfigException(Setting setting, String problem) {
    super(setting.variable + ": " + problem);
  }

  public ConfigException(String message) {
    super(message);
  }
}
