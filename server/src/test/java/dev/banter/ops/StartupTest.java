package dev.banter.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real main(): a bad setting stops start-up with one line naming it and exit code 2. */
class StartupTest {
  @TempDir Path dataDir;

  private record Outcome(int exitCode, String stderr) {}

  private Outcome run(Map<String, String> env) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb =
        new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.banter.Banter");
    pb.environment().keySet().removeIf(k -> k.startsWith("BANTER_"));
    pb.environment().put("BANTER_DATA_DIR", dataDir.toString());
    pb.environment().put("BANTER_HOST", "127.0.0.1");
    pb.environment().putAll(env);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the server did not stop by itself");
    }
    return new Outcome(
        p.exitValue(), new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void aNonNumericPortStopsStartUpWithExitCode2() throws Exception {
    Outcome o = run(Map.of("BANTER_PORT", "abc"));
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.stderr().strip().lines().toList()).hasSize(1);
    assertThat(o.stderr()).contains("BANTER_PORT");
  }

  @Test
  void anUnparsableDatabaseUrlStopsStartUpWithExitCode2() throws Exception {
    Outcome o =
        run(Map.of("BANTER_DATABASE_URL", "postgresql://user:pw@/nodb", "BANTER_PORT", "0"));
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.stderr()).contains("BANTER_DATABASE_URL").doesNotContain("pw@");
    assertThat(o.stderr().strip().lines().toList()).hasSize(1);
  }

  @Test
  void aShortJwtSecretStopsStartUpWithoutShowingIt() throws Exception {
    Outcome o = run(Map.of("BANTER_JWT_SECRET", "short-secret-xyz", "BANTER_PORT", "0"));
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.stderr()).contains("BANTER_JWT_SECRET").doesNotContain("short-secret-xyz");
    assertThat(o.stderr().strip().lines().toList()).hasSize(1);
  }

  @Test
  void noDataIsWrittenWhenTheConfigurationIsBad() throws Exception {
    run(Map.of("BANTER_PORT", "abc"));
    try (var files = Files.list(dataDir)) {
      assertThat(files.toList()).isEqualTo(List.of());
    }
  }

  @Test
  void everyBadSettingIsReportedAtOnceOneLineEach() throws Exception {
    Outcome o =
        run(
            Map.of(
                "BANTER_PORT", "abc",
                "BANTER_LOG_LEVEL", "loud",
                "BANTER_PUBLIC_URL", "https://chat.example.com/banter",
                "BANTER_WS_IDLE_TIMEOUT", "soon",
                "BANTER_SMTP_URL", "mail.example.com"));
    assertThat(o.exitCode()).isEqualTo(2);
    List<String> lines = o.stderr().strip().lines().toList();
    assertThat(lines).hasSize(5).allMatch(l -> l.startsWith("banter: configuration error: "));
    for (String variable :
        List.of(
            "BANTER_PORT",
            "BANTER_LOG_LEVEL",
            "BANTER_PUBLIC_URL",
            "BANTER_WS_IDLE_TIMEOUT",
            "BANTER_SMTP_URL")) {
      assertThat(lines).as(variable).anyMatch(l -> l.contains(": " + variable + ": "));
    }
  }

  @Test
  void theJwtSecretOfTheKubernetesExampleIsRefused() throws Exception {
    String example = kubernetesExampleSecret();
    assertThat(example).isNotBlank().hasSizeGreaterThanOrEqualTo(32);
    Outcome o = run(Map.of("BANTER_JWT_SECRET", example, "BANTER_PORT", "0"));
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.stderr().strip().lines().toList()).hasSize(1);
    assertThat(o.stderr())
        .contains("BANTER_JWT_SECRET: looks like a placeholder")
        .doesNotContain(example);
  }

  @Test
  void aLowEntropyJwtSecretIsRefused() throws Exception {
    Outcome o = run(Map.of("BANTER_JWT_SECRET", "x".repeat(40), "BANTER_PORT", "0"));
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.stderr().strip().lines().toList()).hasSize(1);
    assertThat(o.stderr()).contains("BANTER_JWT_SECRET: has too little entropy");
  }

  /** The BANTER_JWT_SECRET of the example Secret in deploy/k8s/config.yaml. */
  private static String kubernetesExampleSecret() throws IOException {
    Path file = Path.of("..", "deploy", "k8s", "config.yaml");
    try (MappingIterator<JsonNode> docs =
        new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class).readValues(file.toFile())) {
      for (JsonNode doc : docs.readAll()) {
        if ("Secret".equals(doc.path("kind").asText())) {
          return doc.at("/stringData/BANTER_JWT_SECRET").asText();
        }
      }
    }
    throw new AssertionError("no Secret in " + file);
  }
}
