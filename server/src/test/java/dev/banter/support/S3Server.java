package dev.banter.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

/**
 * An S3-compatible server for tests: s3rver (Node.js, from the npm registry, installed once into
 * target/s3rver), started on a free port with one bucket. No Node or npm → the test fails under
 * CI=true and is skipped otherwise.
 */
public final class S3Server implements AutoCloseable {
  public static final String BUCKET = "banter";
  public static final String KEY = "S3RVER"; // s3rver's fixed credentials
  private static final Path INSTALL = Path.of("target", "s3rver").toAbsolutePath();

  private final Process process;
  private final int port;

  private S3Server(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static S3Server start(Path dataDir) throws Exception {
    Path script = INSTALL.resolve("node_modules/s3rver/bin/s3rver.js");
    if (!Files.exists(script)) {
      install();
    }
    int port = NodeProcess.freePort();
    Process p =
        new ProcessBuilder(
                "node",
                script.toString(),
                "-d",
                dataDir.toString(),
                "-p",
                String.valueOf(port),
                "-a",
                "127.0.0.1",
                "--configure-bucket",
                BUCKET)
            .redirectErrorStream(true)
            .redirectOutput(dataDir.resolveSibling("s3rver.log").toFile())
            .start();
    S3Server s = new S3Server(p, port);
    HttpClient http = HttpClient.newHttpClient();
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () ->
                http.send(
                            HttpRequest.newBuilder(URI.create(s.endpoint() + "/" + BUCKET)).build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                    == 200);
    return s;
  }

  private static void install() throws IOException, InterruptedException {
    Files.createDirectories(INSTALL);
    Process npm;
    try {
      npm =
          new ProcessBuilder(
                  "npm",
                  "install",
                  "--silent",
                  "--no-audit",
                  "--no-fund",
                  "--prefix",
                  INSTALL.toString(),
                  "s3rver@3.7.1")
              .redirectErrorStream(true)
              .redirectOutput(INSTALL.resolve("npm.log").toFile())
              .start();
    } catch (IOException e) {
      unavailable("npm is not installed");
      return;
    }
    if (!npm.waitFor(180, TimeUnit.SECONDS) || npm.exitValue() != 0) {
      unavailable("npm install s3rver failed; see " + INSTALL.resolve("npm.log"));
    }
  }

  private static void unavailable(String why) {
    if (Postgres.inCi()) {
      fail(why + " (CI=true: the S3 test must run)");
    }
    Assumptions.abort(why);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
