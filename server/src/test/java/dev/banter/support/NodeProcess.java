package dev.banter.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/** A Banter node in a process of its own (so a test can kill -9 it), on a free port. */
public final class NodeProcess implements AutoCloseable {
  private final Process process;
  private final int port;
  private final String nodeId;
  private final Path log;

  private NodeProcess(Process process, int port, String nodeId, Path log) {
    this.process = process;
    this.port = port;
    this.nodeId = nodeId;
    this.log = log;
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts a node and waits until /health answers. Its node id is {@code name} plus a random
   * suffix: test runs sharing one Redis must not share node ids (heartbeats, claims).
   */
  public static NodeProcess start(String name, Path dir, Map<String, String> env) {
    String nodeId = name + "-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    int port = freePort();
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb =
        new ProcessBuilder(
            java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.banter.Banter");
    pb.environment().keySet().removeIf(k -> k.startsWith("BANTER_"));
    Map<String, String> all = new HashMap<>();
    all.put("BANTER_HOST", "127.0.0.1");
    all.put("BANTER_PORT", String.valueOf(port));
    all.put("BANTER_NODE_ID", nodeId);
    all.put("BANTER_DATA_DIR", dir.resolve(nodeId).toString());
    all.put("BANTER_JWT_SECRET", TestServer.JWT_SECRET);
    all.put("BANTER_AUTH_RATE", "100000");
    all.put("BANTER_HTTP_RATE", "100000");
    all.put("BANTER_USER_RATE_SCALE", "1000");
    all.put("BANTER_MESSAGE_RATE", "100000");
    all.put("BANTER_MESSAGE_BURST", "100000");
    all.put("BANTER_LOG_FORMAT", "text");
    all.putAll(env);
    pb.environment().putAll(all);
    Path log = dir.resolve(nodeId + ".log");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    NodeProcess node = new NodeProcess(p, port, nodeId, log);
    try (HttpClient http = HttpClient.newHttpClient()) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(40))
          .ignoreExceptions()
          .failFast(
              "node " + nodeId + " exited; log: " + dir.resolve(nodeId + ".log"),
              () -> !p.isAlive())
          .until(
              () ->
                  http.send(
                              HttpRequest.newBuilder(URI.create(node.baseUrl() + "/health"))
                                  .build(),
                              HttpResponse.BodyHandlers.ofString())
                          .statusCode()
                      == 200);
      return node;
    } catch (
        RuntimeException e) { // not up in time (or exited): the child must not outlive the test
      p.destroyForcibly();
      throw e;
    }
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public String nodeId() {
    return nodeId;
  }

  public Api api() {
    return new TestServer.RemoteApi(baseUrl()).api();
  }

  /** kill -9: no shutdown hook, no goodbye. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
