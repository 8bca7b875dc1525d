package dev.banter.tools;

import dev.banter.support.BanterCommand;
import java.time.Duration;
import java.util.Map;

/**
 * {@code java … dev.banter.Banter <sub-command> …} run as its own process, as an operator runs the
 * jar ({@link BanterCommand}): the test's classpath, none of the test's BANTER_* variables, only
 * {@code env}; a copy of a whole database may take up to 180 s.
 */
final class Tool {
  private Tool() {}

  static BanterCommand.Outcome run(Map<String, String> env, String... args) {
    return BanterCommand.run(Duration.ofSeconds(180), env, args);
  }
}
