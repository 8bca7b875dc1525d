package dev.banter.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code java dev.banter.Banter ARGS} run to its end as a real process, with only the given
 * BANTER_* variables: for what the command line and start-up print and how they exit.
 */
public final class BanterCommand {
  /** How a run ended: its exit code and everything it wrote. */
  public record Outcome(int code, String out, String err) {
    /** Both streams, for greps that care about neither. */
    public String all() {
      return out + err;
    }

    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private BanterCommand() {}

  public static Outcome run(Map<String, String> env, String... args) {
    return run(Duration.ofSeconds(90), env, args);
  }

  /** As {@link #run(Map, String...)}, for a command that may take up to {@code limit}. */
  public static Outcome run(Duration limit, Map<String, String> env, String... args) {
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
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("BANTER_"));
    pb.environment().putAll(env);
    try {
      Path out = Files.createTempFile("banter-out-", ".txt");
      Path err = Files.createTempFile("banter-err-", ".txt");
      try {
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          throw new AssertionError(
              "banter did not stop by itself; stderr: " + Files.readString(err));
        }
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
