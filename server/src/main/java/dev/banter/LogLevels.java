package dev.banter;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import dev.banter.config.Config;
import org.slf4j.LoggerFactory;

/**
 * Sets the server process's log level (BANTER_LOG_LEVEL) on the logback configuration it loaded.
 */
final class LogLevels {
  private LogLevels() {}

  /**
   * Makes {@code level} the root level. Loggers the configuration sets quieter (HikariCP and Flyway
   * at WARN, Netty at INFO, Lettuce's protocol layer at DEBUG) stay quieter at {@code debug}, and
   * are made as quiet as the root at {@code error} or {@code warn}: the level is never louder than
   * asked anywhere.
   */
  static void apply(Config.LogLevel level) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext logs)) {
      return;
    }
    Level root = Level.toLevel(level.name());
    for (Logger l : logs.getLoggerList()) {
      Level own = l.getLevel();
      if (Logger.ROOT_LOGGER_NAME.equals(l.getName())
          || own != null && !own.isGreaterOrEqual(root)) {
        l.setLevel(root);
      }
    }
  }
}
