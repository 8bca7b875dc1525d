package dev.banter.bench;

import dev.banter.bench.ws.WsClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The options of every scenario that drives a running server over its public API. */
final class ServerOptions {
  @Option(
      names = "--url",
      required = true,
      split = ",",
      description =
          "base URL(s) of the server or of the cluster's nodes, comma-separated; connections are spread "
              + "over them round-robin, e.g. http://127.0.0.1:18555")
  List<String> urls;

  @Option(
      names = "--threads",
      defaultValue = "2",
      description = "client event-loop threads (default: ${DEFAULT-VALUE})")
  int threads = 2;

  @Option(
      names = "--parallel",
      defaultValue = "16",
      description = "REST calls in flight during setup (default: ${DEFAULT-VALUE})")
  int parallel = 16;

  @Option(
      names = "--sources",
      split = ",",
      description = "local source addresses (default: 127.0.0.2 to 127.0.0.9)")
  List<String> sources = WsClient.DEFAULT_SOURCES;

  @Option(
      names = "--guests",
      description =
          "users are guests (the server needs BANTER_GUEST_ACCESS=true) in public "
              + "rooms: no password hashing, so setting up thousands of users takes seconds instead of minutes")
  boolean guests;

  @Option(
      names = "--bare",
      description =
          "the server is the bare baseline (`banter-bench baseline`): no REST, no auth; "
              + "connections join /ws?room=<n> and every frame goes to the room's other members")
  boolean bare;

  @Option(
      names = "--processes",
      defaultValue = "1",
      description =
          "client processes to spread the connections over "
              + "(one process holds at most ~19,500 sockets here); results are merged (default: ${DEFAULT-VALUE})")
  int processes = 1;

  @Option(
      names = "--server-pid",
      split = ",",
      description =
          "server process id(s) on this machine: memory (connect) "
              + "and CPU used during the measured window are read from them")
  List<Integer> serverPids = List.of();

  @Option(
      names = "--part",
      hidden = true,
      description = "i/k: this process is client process i of k (set by the runner)")
  String part;

  /**
   * CPU time (user + system) the server processes used so far, in clock ticks (1/100 s); -1 without
   * pids.
   */
  long serverCpuTicks() {
    if (serverPids.isEmpty()) {
      return -1;
    }
    long ticks = 0;
    for (int pid : serverPids) {
      try {
        String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        ticks +=
            Long.parseLong(f[11])
                + Long.parseLong(f[12]); // utime, stime (fields 14 and 15 of stat)
      } catch (IOException e) {
        return -1;
      }
    }
    return ticks;
  }

  /** This process's index among the client processes (0 when alone). */
  int partIndex() {
    return part == null ? 0 : Integer.parseInt(part.substring(0, part.indexOf('/')));
  }

  /** How many client processes share the run (1 when alone). */
  int partCount() {
    return part == null ? 1 : Integer.parseInt(part.substring(part.indexOf('/') + 1));
  }

  /** Whether room {@code r} (of all the run's rooms) belongs to this process. */
  boolean ownsRoom(int r) {
    return r % partCount() == partIndex();
  }
}
