package dev.banter.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

/**
 * A private nginx for a test: its own prefix, pid, logs and temp folders under {@code dir}, in the
 * foreground, killed by {@link #close()}. It serves a site configuration (what would go in {@code
 * conf.d/}, the {@code http} context) on a port of its own. Missing nginx fails under CI=true and
 * skips the test otherwise.
 */
public final class Nginx implements AutoCloseable {
  public static final Path BINARY =
      Path.of(System.getenv().getOrDefault("BANTER_TEST_NGINX", "/usr/sbin/nginx"));

  private final Process process;
  private final Path dir;
  private final int port;

  private Nginx(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  /** A free port for the site to listen on (render it into the site before {@link #start}). */
  public static int freePort() {
    return NodeProcess.freePort();
  }

  /**
   * Starts nginx with {@code site} in {@code dir} and waits until {@code port} accepts connections.
   */
  public static Nginx start(Path dir, String site, int port) {
    if (!Files.isExecutable(BINARY)) {
      if (Postgres.inCi()) {
        fail(BINARY + " is not installed (CI=true: proxy tests must run)");
      }
      Assumptions.abort(BINARY + " is not installed");
    }
    try {
      for (String temp :
          new String[] {"client_body", "proxy", "fastcgi", "uwsgi", "scgi", "logs"}) {
        Files.createDirectories(dir.resolve(temp));
      }
      Files.writeString(dir.resolve("site.conf"), site);
      // master_process off: one process that stays the user who started it (no worker user to
      // switch to)
      Files.writeString(
          dir.resolve("nginx.conf"),
          """
          master_process off;
          pid %1$s/nginx.pid;
          error_log %1$s/logs/error.log info;
          events { worker_connections 1024; }
          http {
            access_log %1$s/logs/access.log;
            client_body_temp_path %1$s/client_body;
            proxy_temp_path %1$s/proxy;
            fastcgi_temp_path %1$s/fastcgi;
            uwsgi_temp_path %1$s/uwsgi;
            scgi_temp_path %1$s/scgi;
            include %1$s/site.conf;
          }
          """
              .formatted(dir));
      Process p =
          new ProcessBuilder(
                  BINARY.toString(),
                  "-p",
                  dir.toString(),
                  "-c",
                  dir.resolve("nginx.conf").toString(),
                  "-e",
                  dir.resolve("logs/error.log").toString(),
                  "-g",
                  "daemon off;")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("logs/stdout.log").toFile())
              .start();
      Nginx nginx = new Nginx(p, dir, port);
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .failFast("nginx exited: " + dir.resolve("logs"), () -> !p.isAlive())
          .until(() -> accepts(port));
      return nginx;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** nginx's error log so far (for assertion messages). */
  public String errorLog() {
    try {
      return Files.readString(dir.resolve("logs/error.log"));
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
