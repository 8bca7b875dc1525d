package dev.banter.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code java … dev.banter.Banter <sub-command> …} run as its own process, as an operator runs the
 * jar: the test's classpath, none of the test's BANTER_* variables, only {@code env}.
 */
final class Tool {
  /** What the process said and how it ended. */
  record Outcome(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private Tool() {}

  static Outcome run(Map<String, String> env, String... args) {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx256m",
                "--enable-native-access=ALL-UNNAMED", // as the jar's manifest says
                "-cp",
                System.getProperty("java.class.path"),
                "dev.banter.Banter"));
    cmd.addAll(List.of(args));
    try {
      Path out = Files.createTempFile("banter-tool-", ".out");
      Path err = Files.createTempFile("banter-tool-", ".err");
      try {
        ProcessBuilder pb =
            new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("BANTER_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("the command ended within 180 s").isTrue();
        return new Outcome(
            p.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
