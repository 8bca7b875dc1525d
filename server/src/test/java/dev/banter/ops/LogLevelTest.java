package dev.banter.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.banter.support.NodeProcess;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server process started with a misspelt variable warns about it by name, and BANTER_LOG_LEVEL
 * sets how much its log says.
 */
class LogLevelTest {
  /** A text log line: {@code 10:41:07.123 INFO dev.banter.Banter [node] - …}. */
  private static final Pattern LINE = Pattern.compile("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (\\w+) .*");

  private static final String TYPO_WARNING =
      "BANTER_WS_PER_PI: not a Banter setting, ignored (did you mean BANTER_WS_PER_IP?)";

  @TempDir Path dir;

  /** The whole log of the last node. */
  private String log;

  /**
   * The levels of the lines a node logged from its start to its stop, with {@code env} and a
   * misspelt variable; {@code awaited} (if not null) is in the log before it is stopped.
   */
  private List<String> levelsLogged(Map<String, String> env, String awaited) {
    Map<String, String> all = new HashMap<>(env);
    all.put("BANTER_WS_PER_PI", "5");
    NodeProcess node = NodeProcess.start("levels", dir, all);
    try {
      if (awaited != null) {
        Awaitility.await().until(() -> node.log().contains(awaited));
      }
    } finally {
      node.close();
    }
    log = node.log();
    return log.lines().map(LINE::matcher).filter(Matcher::matches).map(m -> m.group(1)).toList();
  }

  @Test
  void byDefaultTheLogSaysInfoAndWarnsAboutAMisspeltVariableByName() {
    assertThat(levelsLogged(Map.of(), TYPO_WARNING))
        .contains("INFO", "WARN")
        .doesNotContain("DEBUG", "TRACE");
  }

  @Test
  void atWarnOnlyWarningsAndErrorsAreLogged() {
    assertThat(levelsLogged(Map.of("BANTER_LOG_LEVEL", "warn"), TYPO_WARNING))
        .isNotEmpty()
        .allMatch(level -> level.equals("WARN") || level.equals("ERROR"));
  }

  @Test
  void atErrorNotEvenTheWarningsAre() {
    assertThat(levelsLogged(Map.of("BANTER_LOG_LEVEL", "ERROR"), null))
        .allMatch(level -> level.equals("ERROR"));
    assertThat(log).doesNotContain("BANTER_WS_PER_PI");
  }
}
