package dev.banter.tools;

import dev.banter.config.Config;
import dev.banter.config.ConfigFile;
import dev.banter.config.ConfigLoader;
import dev.banter.config.Setting;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The configuration a sub-command works on: the server's own (the environment over {@code --config
 * FILE} or {@code BANTER_CONFIG}), so the tool finds the data directory the server would open;
 * {@code --data-dir} overrides {@code BANTER_DATA_DIR}.
 */
final class ToolConfig {
  private static final String CONFIG_VARIABLE = "BANTER_CONFIG";

  private ToolConfig() {}

  /**
   * @param spec the sub-command, whose parent may carry {@code --config} ({@code banter --config F
   *     migrate …})
   * @param configFile the sub-command's own {@code --config}, or null
   * @param dataDir the sub-command's {@code --data-dir}, or null
   */
  static Config load(CommandSpec spec, Path configFile, Path dataDir) {
    Map<String, String> env = System.getenv();
    Path file = configFile != null ? configFile : parentConfig(spec);
    if (file == null && env.get(CONFIG_VARIABLE) != null && !env.get(CONFIG_VARIABLE).isBlank()) {
      file = Path.of(env.get(CONFIG_VARIABLE));
    }
    Map<String, String> vars = new HashMap<>(file == null ? env : ConfigFile.merge(file, env));
    if (dataDir != null) {
      vars.put(Setting.DATA_DIR.variable, dataDir.toString());
    }
    return new ConfigLoader(vars, System.console() != null).load();
  }

  private static Path parentConfig(CommandSpec spec) {
    if (spec == null || spec.parent() == null) {
      return null;
    }
    OptionSpec option = spec.parent().findOption("--config");
    return option == null ? null : option.getValue();
  }
}
