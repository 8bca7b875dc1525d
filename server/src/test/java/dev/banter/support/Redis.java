package dev.banter.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

/**
 * Redis for tests: the machine's (127.0.0.1:6379), or a private redis-server the test starts and
 * stops.
 */
public final class Redis implements AutoCloseable {
  public static final String SHARED_URL =
      "redis://127.0.0.1:" + System.getenv().getOrDefault("BANTER_TEST_REDIS_PORT", "6379");

  private final int port;
  private final String password;
  private Process process;

  private Redis(int port, String password) {
    this.port = port;
    this.password = password;
  }

  /** The machine's Redis; missing → fail under CI=true, skip otherwise. */
  public static String shared() {
    int port = Integer.parseInt(SHARED_URL.substring(SHARED_URL.lastIndexOf(':') + 1));
    if (!answers(port)) {
      String why = "Redis at 127.0.0.1:" + port + " is unreachable";
      if (Postgres.inCi()) {
        fail(why + " (CI=true: Redis tests must run)");
      }
      Assumptions.abort(why);
    }
    return SHARED_URL;
  }

  /** A private redis-server on a spare port (no persistence), started now. */
  public static Redis startPrivate() {
    return startPrivate(null);
  }

  /**
   * A private redis-server that refuses clients without {@code password} ({@code requirepass};
   * null: none), started now.
   */
  public static Redis startPrivate(String password) {
    Path binary = Path.of("/usr/bin/redis-server");
    if (!Files.isExecutable(binary)) {
      if (Postgres.inCi()) {
        fail("redis-server is not installed (CI=true: Redis tests must run)");
      }
      Assumptions.abort("redis-server is not installed");
    }
    Redis r = new Redis(NodeProcess.freePort(), password);
    r.start();
    return r;
  }

  /** Its URL, with the password when it has one ({@code redis://:pass@127.0.0.1:port}). */
  public String url() {
    return "redis://" + (password == null ? "" : ":" + password + "@") + "127.0.0.1:" + port;
  }

  public void start() {
    try {
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  "/usr/bin/redis-server",
                  "--port",
                  String.valueOf(port),
                  "--bind",
                  "127.0.0.1",
                  "--save",
                  "",
                  "--appendonly",
                  "no"));
      if (password != null) {
        cmd.addAll(List.of("--requirepass", password));
      }
      process =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> answers(port));
  }

  public void stop() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !answers(port));
  }

  private static boolean answers(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.getOutputStream().write("PING\r\n".getBytes());
      byte[] buf = new byte[7];
      String reply = s.getInputStream().read(buf) > 0 ? new String(buf) : "";
      return reply.startsWith("+PONG") || reply.startsWith("-NOAUTH"); // up, wants a password
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
