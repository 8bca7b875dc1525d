package dev.banter.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's ./banter launcher picks a JDK >= 21 by itself, or says in one line what to
 * install.
 */
class LauncherTest {
  private static final Path LAUNCHER = Path.of("..", "banter").toAbsolutePath().normalize();

  @TempDir Path tmp;
  private Path tools;
  private Path oldJdk;

  private record Outcome(int exitCode, String stdout, String stderr) {}

  @BeforeEach
  void prepare() throws IOException {
    // A PATH holding only the tools the launcher needs, so no JDK of this machine leaks in.
    tools = Files.createDirectories(tmp.resolve("tools"));
    for (String tool : new String[] {"bash", "awk", "dirname", "readlink", "ls", "find", "env"}) {
      for (String dir : new String[] {"/usr/bin", "/bin"}) {
        Path p = Path.of(dir, tool);
        if (Files.isExecutable(p)) {
          Files.createSymbolicLink(tools.resolve(tool), p);
          break;
        }
      }
    }
    // A fake JDK 17: it answers the version probe like a real one would.
    oldJdk = Files.createDirectories(tmp.resolve("jdks/old-17/bin"));
    Files.writeString(
        oldJdk.resolve("java"), "#!/bin/sh\necho '    java.specification.version = 17' >&2\n");
    Files.writeString(oldJdk.resolve("javac"), "#!/bin/sh\nexit 0\n");
    oldJdk.resolve("java").toFile().setExecutable(true);
    oldJdk.resolve("javac").toFile().setExecutable(true);
  }

  private Outcome javaHome(String javaHome, String jdkDirs) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(tools.resolve("bash").toString(), LAUNCHER.toString(), "java-home");
    pb.environment().clear();
    pb.environment().put("PATH", tools.toString());
    pb.environment().put("HOME", tmp.toString());
    pb.environment().put("JAVA_HOME", javaHome);
    pb.environment().put("BANTER_JDK_DIRS", jdkDirs);
    Process p = pb.start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Outcome(
        p.exitValue(),
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip(),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip());
  }

  @Test
  void withOnlyAnOldJdkItStopsWithOneLineSayingWhatToInstall() throws Exception {
    Outcome o = javaHome(oldJdk.getParent().toString(), tmp.resolve("jdks").toString());
    assertThat(o.exitCode()).isEqualTo(1);
    assertThat(o.stderr().lines().toList()).hasSize(1);
    assertThat(o.stderr()).contains("JDK 21 or newer").contains("install");
  }

  @Test
  void whenJavaHomeIsTooOldItFindsANewerJdkInTheInstallFolders() throws Exception {
    Path current = Path.of(System.getProperty("java.home"));
    Path jdks = tmp.resolve("jdks");
    Files.createSymbolicLink(jdks.resolve("current"), current);
    Outcome o = javaHome(oldJdk.getParent().toString(), jdks.toString());
    assertThat(o.exitCode()).as(o.stderr()).isZero();
    assertThat(o.stdout()).isEqualTo(jdks.resolve("current").toString());
  }

  @Test
  void aSuitableJavaHomeIsUsedAsIs() throws Exception {
    String current = System.getProperty("java.home");
    Outcome o = javaHome(current, tmp.resolve("jdks").toString());
    assertThat(o.exitCode()).as(o.stderr()).isZero();
    assertThat(o.stdout()).isEqualTo(current);
  }
}
