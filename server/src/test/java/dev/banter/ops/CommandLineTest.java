package dev.banter.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.banter.config.Setting;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar banter.jar --help | --print-config | --config FILE}, run as a real process. */
class CommandLineTest {
  @TempDir Path dir;

  private record Outcome(int code, String out, String err) {}

  private Outcome run(Map<String, String> env, String... args) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    String[] cmd = new String[args.length + 4];
    cmd[0] = java;
    cmd[1] = "-cp";
    cmd[2] = System.getProperty("java.class.path");
    cmd[3] = "dev.banter.Banter";
    System.arraycopy(args, 0, cmd, 4, args.length);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("BANTER_"));
    pb.environment().putAll(env);
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Outcome(
        p.exitValue(),
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void helpListsEverySettingWithItsDefault() throws Exception {
    Outcome o = run(Map.of(), "--help");
    assertThat(o.code()).isZero();
    for (Setting s : Setting.values()) {
      assertThat(o.out()).contains(s.variable);
      if (!s.defaultValue.isEmpty()) {
        assertThat(o.out())
            .containsPattern(s.variable + "\\s+default " + Pattern.quote(s.defaultValue));
      }
    }
    assertThat(o.out()).contains("--config").contains("--print-config");
  }

  @Test
  void theFileSuppliesSettingsTheEnvironmentOverridesAndSecretsAreMasked() throws Exception {
    Path file = dir.resolve("banter.yaml");
    Files.writeString(
        file,
        """
        BANTER_PORT: 9999
        BANTER_GUEST_ACCESS: true
        BANTER_DATABASE_URL: postgresql://bob:hunter2@db.example:5432/chat
        BANTER_JWT_SECRET: a-hmac-key-that-is-long-enough-to-be-valid-01
        """);
    Outcome o = run(Map.of("BANTER_PORT", "7777"), "--config", file.toString(), "--print-config");
    assertThat(o.code()).as(o.err()).isZero();
    assertThat(o.out())
        .contains("BANTER_PORT=7777")
        .contains("BANTER_GUEST_ACCESS=true")
        .contains("BANTER_DATABASE_URL=postgresql://bob:****@db.example:5432/chat")
        .contains("BANTER_JWT_SECRET=****")
        .doesNotContain("hunter2")
        .doesNotContain("a-hmac-key-that");
    Outcome viaEnv = run(Map.of("BANTER_CONFIG", file.toString()), "--print-config");
    assertThat(viaEnv.out()).contains("BANTER_PORT=9999");
  }

  @Test
  void anUnknownKeyOrABadValueInTheFileStopsWithExitCode2() throws Exception {
    Path unknown = dir.resolve("unknown.yaml");
    Files.writeString(unknown, "BANTER_PROT: 9000\n");
    Outcome o = run(Map.of(), "--config", unknown.toString(), "--print-config");
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err())
        .contains("BANTER_PROT")
        .contains("did you mean BANTER_PORT?")
        .hasLineCount(1);
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "BANTER_PORT: abc\n");
    Outcome b = run(Map.of(), "--config", bad.toString());
    assertThat(b.code()).isEqualTo(2);
    assertThat(b.err()).contains("BANTER_PORT");
    Outcome missing = run(Map.of(), "--config", dir.resolve("nope.yaml").toString());
    assertThat(missing.code()).isEqualTo(2);
  }

  @Test
  void printConfigWarnsAboutAnUnknownVariableByName() throws Exception {
    Outcome o = run(Map.of("BANTER_JWT_SECERT", "x", "BANTER_PORT", "7777"), "--print-config");
    assertThat(o.code()).as(o.err()).isZero();
    assertThat(o.out()).contains("BANTER_PORT=7777").doesNotContain("BANTER_JWT_SECERT");
    assertThat(o.err())
        .isEqualTo(
            "banter: warning: BANTER_JWT_SECERT: not a Banter setting, ignored (did you mean"
                + " BANTER_JWT_SECRET?)"
                + System.lineSeparator());
  }
}
