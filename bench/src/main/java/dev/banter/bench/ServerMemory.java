package dev.banter.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server JVM's memory the JVM's way (BENCHMARKS.md): a full GC with {@code jcmd <pid> GC.run},
 * then the live heap from {@code GC.heap_info}; and the process's VmRSS beside it.
 */
final class ServerMemory {
  /**
   * A heap line of GC.heap_info: G1 has one ("garbage-first heap total reserved …, committed …,
   * used 71329K ["), Serial and Parallel one per generation ("def new generation total 78656K, used
   * 1400K [", "Tenured …", "PSYoungGen …", "ParOldGen …"). Metaspace lines have no "total".
   */
  private static final Pattern USED = Pattern.compile("\\btotal\\b.*?\\bused (\\d+)K");

  /** Live heap after a full GC and RSS, in KiB. */
  record Reading(long liveHeapKib, long rssKib) {}

  private ServerMemory() {}

  /** Reads {@code pid}'s memory (the pid must be a JVM of the same user). */
  static Reading read(int pid) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    jcmd(pid, "GC.run"); // a second full GC: what the first left for finalization and reference
    // processing
    return new Reading(liveHeapKib(jcmd(pid, "GC.heap_info")), rssKib(pid));
  }

  /** The heap's "used" figure in GC.heap_info's text (over every generation when it lists them). */
  static long liveHeapKib(String heapInfo) {
    long used = -1;
    for (String line : heapInfo.split("\n")) {
      Matcher m = USED.matcher(line);
      if (m.find()) {
        used = Math.max(used, 0) + Long.parseLong(m.group(1));
      }
    }
    if (used < 0) {
      throw new IllegalStateException("no heap usage in GC.heap_info: " + heapInfo);
    }
    return used;
  }

  static long rssKib(int pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS for process " + pid);
  }

  private static String jcmd(int pid, String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    List<String> cmd = new ArrayList<>(List.of(jcmd.toString(), Integer.toString(pid), command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("jcmd " + pid + " " + command + " failed: " + out);
    }
    return out;
  }
}
