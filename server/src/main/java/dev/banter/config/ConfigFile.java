package dev.banter.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An optional YAML file with the same keys as the environment ({@code BANTER_PORT: 9000}). The
 * environment wins over the file; an unknown key or an unreadable file is a configuration error.
 */
public final class ConfigFile {
  private static final Set<String> KNOWN =
      Arrays.stream(Setting.values()).map(s -> s.variable).collect(Collectors.toSet());

  private ConfigFile() {}

  /** The variables of {@code file} overlaid with {@code env}. */
  public static Map<String, String> merge(Path file, Map<String, String> env) {
    Map<String, String> vars = new HashMap<>(read(file));
    vars.putAll(env);
    return vars;
  }

  static Map<String, String> read(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
    } catch (IOException e) {
      throw new ConfigException(
          "BANTER_CONFIG: cannot read "
              + file
              + ": "
              + e.getMessage().lines().findFirst().orElse(""));
    }
    Map<String, String> out = new HashMap<>();
    if (root == null || root.isNull() || root.isMissingNode()) {
      return out;
    }
    if (!root.isObject()) {
      throw new ConfigException("BANTER_CONFIG: " + file + " must be a map of BANTER_* settings");
    }
    List<String> problems = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!KNOWN.contains(e.getKey())) {
        problems.add(
            "BANTER_CONFIG: unknown setting '"
                + e.getKey()
                + "' in "
                + file
                + KnownNames.closest(e.getKey()).map(k -> " (did you mean " + k + "?)").orElse(""));
      } else if (!e.getValue().isValueNode()) {
        problems.add(e.getKey() + ": must be a single value in " + file);
      } else {
        out.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText());
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return out;
  }
}
