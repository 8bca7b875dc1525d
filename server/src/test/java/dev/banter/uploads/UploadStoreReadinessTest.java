package dev.banter.uploads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.banter.support.Api.Reply;
import dev.banter.support.Backend;
import dev.banter.support.NodeProcess;
import dev.banter.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A node whose upload store cannot take files (the folder cannot be written, the bucket does not
 * answer) says so at start in a WARN line naming the setting, and answers /ready 503 naming the
 * upload store until the store works again.
 */
class UploadStoreReadinessTest {
  @TempDir Path dir;

  @Test
  void aNodeWhoseUploadFolderCannotBeWrittenSaysSoAtStartAndIsReadyOnceItCan() throws Exception {
    // A file where the folder should be: nothing can be written under it, even by root (this
    // machine runs the tests as root, whom permission bits do not stop).
    Path uploads = dir.resolve("shared-uploads");
    Files.writeString(uploads, "not a folder");
    try (NodeProcess node =
        NodeProcess.start("uploads", dir, Map.of("BANTER_UPLOAD_DIR", uploads.toString()))) {
      Reply ready = node.api().get("/ready", null);
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.errorCode()).isEqualTo("unavailable");
      assertThat(ready.json().at("/error/details/database").asText()).isEqualTo("up");
      assertThat(ready.json().at("/error/details/uploads").asText()).isEqualTo("down");
      assertThat(ready.json().at("/error/details/upload_store").asText())
          .isEqualTo("BANTER_UPLOAD_DIR: it is not a folder");
      assertThat(ready.raw().body())
          .as("paths are for the log only")
          .doesNotContain(uploads.toString());

      String log = node.log();
      String warning =
          log.lines()
              .filter(l -> l.contains(" WARN ") && l.contains("uploads cannot be stored"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no WARN line about uploads in\n" + log));
      assertThat(warning).contains("BANTER_UPLOAD_DIR").contains(uploads.toString());
      assertThat(log.indexOf(warning)).as("written at start").isLessThan(log.indexOf(" ready on "));

      Files.delete(uploads); // fixed: the folder can be made now
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(() -> assertThat(node.api().get("/ready", null).status()).isEqualTo(200));
      assertThat(node.api().get("/ready", null).json().at("/checks/uploads").asText())
          .isEqualTo("up");
      assertThat(node.log()).contains("uploads can be stored again (BANTER_UPLOAD_DIR works)");
    }
  }

  @Test
  void aReadOnlyUploadFolderMakesTheNodeUnreadyUntilItIsWritable() throws Exception {
    Path uploads = Files.createDirectories(dir.resolve("read-only"));
    writable(uploads, false);
    try (TestServer server =
        TestServer.start(Backend.SQLITE, Map.of("BANTER_UPLOAD_DIR", uploads.toString()))) {
      Reply ready = server.api().get("/ready", null);
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.json().at("/error/details/upload_store").asText())
          .isEqualTo("BANTER_UPLOAD_DIR: the folder is not writable");
      writable(uploads, true);
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () -> assertThat(server.api().get("/ready", null).status()).isEqualTo(200));
    } finally {
      writable(uploads, true);
    }
  }

  /**
   * Makes {@code folder} refuse new files, or take them again: by its permission bits, or, since
   * those do not stop root (as the tests run on CI machines), by the immutable attribute.
   */
  private static void writable(Path folder, boolean writable) throws Exception {
    if (!"root".equals(System.getProperty("user.name"))) {
      Files.setPosixFilePermissions(
          folder, PosixFilePermissions.fromString(writable ? "rwxr-xr-x" : "r-xr-xr-x"));
      return;
    }
    Process chattr =
        new ProcessBuilder("chattr", writable ? "-i" : "+i", folder.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(chattr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(chattr.waitFor()).as("chattr on %s: %s", folder, out).isZero();
  }

  @Test
  void aNodeWhoseBucketDoesNotAnswerSaysSoAtStartAndInReadiness() {
    Logger logger = (Logger) LoggerFactory.getLogger(StoreHealth.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    logger.addAppender(logs);
    try (TestServer server =
        TestServer.start(
            Backend.SQLITE,
            Map.of(
                "BANTER_S3_BUCKET",
                "banter",
                "BANTER_S3_ENDPOINT",
                "http://127.0.0.1:" + NodeProcess.freePort(), // nothing listens there
                "BANTER_S3_ACCESS_KEY",
                "key",
                "BANTER_S3_SECRET_KEY",
                "secret"))) {
      assertThat(logs.list)
          .as("said at start")
          .anyMatch(
              e ->
                  e.getLevel() == Level.WARN
                      && e.getFormattedMessage().contains("BANTER_S3_BUCKET")
                      && e.getFormattedMessage().contains("the bucket is unreachable"));
      Reply ready = server.api().get("/ready", null);
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.json().at("/error/details/uploads").asText()).isEqualTo("down");
      assertThat(ready.json().at("/error/details/upload_store").asText())
          .isEqualTo("BANTER_S3_BUCKET: the bucket is unreachable");
    } finally {
      logger.detachAppender(logs);
    }
  }
}
