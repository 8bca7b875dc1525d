package dev.banter.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs one scenario in several client processes (one process holds at most ~19,500 sockets here)
 * and collects their JSON records. The children are this same program with {@code --part i/k}; each
 * stops at a barrier once its connections are open, and the parent lets them all go on together,
 * after doing what must be done while everything is connected (reading the server's memory), so
 * their measured windows overlap.
 */
final class ClientProcesses {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AT_BARRIER = "@barrier";
  private static final BufferedReader STDIN =
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

  /** The command line the program was started with (set by main; children repeat it). */
  static volatile String[] commandLine = new String[0];

  private ClientProcesses() {}

  /**
   * In a child: says it reached the barrier and waits for the parent's go. Alone: runs {@code
   * action}.
   */
  static void barrier(ServerOptions opts, Action action) throws Exception {
    if (opts.part == null) {
      action.run();
      return;
    }
    System.out.println(AT_BARRIER);
    System.out.flush();
    String go = STDIN.readLine();
    if (go == null) {
      throw new IllegalStateException("the parent process went away at the barrier");
    }
  }

  /** What the parent does at the barrier. */
  interface Action {
    void run() throws Exception;
  }

  /**
   * Starts {@code k} children; each time all of them reached their next barrier, runs that
   * barrier's action and lets them go on. Returns their records.
   */
  static List<Map<String, Object>> run(int k, Action... atBarriers) throws Exception {
    List<Process> children = new ArrayList<>();
    List<Map<String, Object>> records = new ArrayList<>();
    List<CountDownLatch> barriers = new ArrayList<>();
    for (int b = 0; b < atBarriers.length; b++) {
      barriers.add(new CountDownLatch(k));
    }
    List<Thread> readers = new ArrayList<>();
    try {
      for (int i = 0; i < k; i++) {
        Process p =
            new ProcessBuilder(childCommand(i, k))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        children.add(p);
        int index = i;
        readers.add(Thread.ofPlatform().daemon().start(() -> read(index, p, barriers, records)));
      }
      for (int b = 0; b < atBarriers.length; b++) {
        while (!barriers.get(b).await(1, TimeUnit.SECONDS)) {
          for (Process p : children) {
            if (!p.isAlive()) {
              throw new IllegalStateException(
                  "a client process failed before barrier " + b + " (exit " + p.exitValue() + ")");
            }
          }
        }
        atBarriers[b].run();
        for (Process p : children) {
          OutputStream in = p.getOutputStream();
          in.write("go\n".getBytes(StandardCharsets.UTF_8));
          in.flush();
        }
      }
      for (int i = 0; i < k; i++) {
        int exit = children.get(i).waitFor();
        readers.get(i).join();
        if (exit != 0) {
          throw new IllegalStateException("client process " + i + " exited with " + exit);
        }
      }
    } finally {
      children.forEach(Process::destroy);
    }
    if (records.size() != k) {
      throw new IllegalStateException(
          "expected " + k + " records from the client processes, got " + records.size());
    }
    return records;
  }

  private static void read(
      int index, Process p, List<CountDownLatch> barriers, List<Map<String, Object>> records) {
    int reached = 0;
    try (BufferedReader out = p.inputReader(StandardCharsets.UTF_8)) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.equals(AT_BARRIER)) {
          barriers.get(reached++).countDown();
        } else if (line.startsWith("{")) {
          synchronized (records) {
            records.add(JSON.readValue(line, new TypeReference<Map<String, Object>>() {}));
          }
        } else {
          System.err.println("[client " + index + "] " + line);
        }
      }
    } catch (IOException e) {
      System.err.println("[client " + index + "] " + e);
    }
  }

  /** This program again, with {@code --processes} dropped and {@code --part i/k} added. */
  private static List<String> childCommand(int i, int k) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(BanterBench.class.getName());
    String[] args = commandLine;
    for (int a = 0; a < args.length; a++) {
      if (args[a].equals("--processes")) {
        a++;
      } else if (!args[a].startsWith("--processes=")) {
        cmd.add(args[a]);
      }
    }
    cmd.add("--part");
    cmd.add(i + "/" + k);
    return cmd;
  }

  /** Sum of a numeric field over the records. */
  static double sum(List<Map<String, Object>> records, String key) {
    return records.stream()
        .mapToDouble(r -> r.get(key) instanceof Number n ? n.doubleValue() : 0)
        .sum();
  }

  /** Sum of a whole-number field over the records. */
  static long sumLong(List<Map<String, Object>> records, String key) {
    return records.stream()
        .mapToLong(r -> r.get(key) instanceof Number n ? n.longValue() : 0)
        .sum();
  }

  /** The maps of a field (e.g. close codes → counts) added up. */
  static Map<String, Long> sumMaps(List<Map<String, Object>> records, String key) {
    Map<String, Long> out = new java.util.TreeMap<>();
    for (Map<String, Object> r : records) {
      if (r.get(key) instanceof Map<?, ?> m) {
        m.forEach((k, v) -> out.merge(String.valueOf(k), ((Number) v).longValue(), Long::sum));
      }
    }
    return out;
  }
}
