package dev.banter.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.banter.bench.BanterRest.User;
import dev.banter.bench.ws.FrameListener;
import dev.banter.bench.ws.WsClient;
import dev.banter.bench.ws.WsConnection;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Opens N authenticated WebSocket connections at a ramp rate, each joined to one room, and
 * holds them idle; reports connections held, failures, connect rate and (with the server's
 * pid) the server's RSS growth per connection.
 */
@Command(name = "connect", mixinStandardHelpOptions = true,
    description = "Connections held by a running Banter, connect rate, and server RSS per connection.")
final class ConnectBench implements Callable<Integer> {
  @Mixin
  ServerOptions server = new ServerOptions();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--connections", defaultValue = "1000", description = "connections to open (default: ${DEFAULT-VALUE})")
  int connections;

  @Option(names = "--ramp", defaultValue = "500", description = "connections started per second (default: ${DEFAULT-VALUE})")
  int ramp;

  @Option(names = "--hold", defaultValue = "10", description = "seconds to hold them idle (default: ${DEFAULT-VALUE})")
  int hold;

  @Option(names = "--members", defaultValue = "50", description = "connections (users) per room (default: ${DEFAULT-VALUE})")
  int members;

  @Option(names = "--server-pid", description = "server process id, to read VmRSS from /proc/<pid>/status")
  Integer serverPid;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> r = run();
    System.out.println(JSON.writeValueAsString(r));
    System.out.printf("connect %d: held %d (%d still open after %d s), %d failed, %.0f connects/s, "
            + "server RSS %s → %s KiB (%s KiB per connection)%n",
        connections, r.get("held"), r.get("open_after_hold"), hold, r.get("failures"), (double) r.get("connects_per_s"),
        r.get("rss_before_kib"), r.get("rss_after_kib"), r.get("rss_kib_per_connection"));
    return 0;
  }

  Map<String, Object> run() throws Exception {
    BanterRest rest = new BanterRest(server.url);
    int rooms = (connections + members - 1) / members;
    Population pop = Population.create(rest, rooms, members, server.parallel);
    List<User> users = pop.users().subList(0, connections);
    Sessions.CloseCodes closes = new Sessions.CloseCodes();
    FrameListener listener = new FrameListener() {
      @Override
      public void onText(WsConnection c, ByteBuf utf8) {
        // idle connections: presence and the like are ignored
      }

      @Override
      public void onClose(WsConnection c, int code) {
        closes.record(code);
      }
    };
    Map<String, Object> out = new LinkedHashMap<>();
    try (WsClient client = new WsClient(server.threads, server.sources)) {
      URI uri = rest.webSocketUri();
      Long rssBefore = rssKib();
      long start = System.nanoTime();
      List<CompletableFuture<WsConnection>> opened = new ArrayList<>();
      long[] lastJoined = {start};
      for (int i = 0; i < users.size(); i++) {
        long due = start + (long) (i * (1e9 / ramp));
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        String room = pop.rooms.get(i / members).id();
        opened.add(Sessions.open(client, uri, listener, users.get(i), room).whenComplete((c, e) -> {
          if (e == null) {
            synchronized (lastJoined) {
              lastJoined[0] = Math.max(lastJoined[0], System.nanoTime());
            }
          }
        }));
      }
      List<WsConnection> held = new ArrayList<>();
      long failures = 0;
      String failureSample = null;
      for (CompletableFuture<WsConnection> f : opened) {
        try {
          held.add(f.get(60, TimeUnit.SECONDS));
        } catch (Exception e) {
          failures++;
          failureSample = failureSample == null ? String.valueOf(e.getCause() != null ? e.getCause() : e) : failureSample;
        }
      }
      double connectSeconds;
      synchronized (lastJoined) {
        connectSeconds = (lastJoined[0] - start) / 1e9;
      }
      Thread.sleep(1000); // let the server settle before reading its RSS
      Long rssAfter = rssKib();
      Thread.sleep(TimeUnit.SECONDS.toMillis(hold));
      long openAfterHold = held.stream().filter(WsConnection::isOpen).count();
      closes.tearDown();
      held.forEach(WsConnection::close);

      out.put("scenario", "connect");
      out.put("url", server.url);
      out.put("connections", connections);
      out.put("ramp_per_s", ramp);
      out.put("hold_s", hold);
      out.put("held", held.size());
      out.put("open_after_hold", openAfterHold);
      out.put("failures", failures);
      out.put("failure_sample", failureSample);
      out.put("connects_per_s", FanoutBench.round(held.size() / Math.max(connectSeconds, 1e-9)));
      out.put("closes", closes.toMap());
      out.put("rss_before_kib", rssBefore);
      out.put("rss_after_kib", rssAfter);
      out.put("rss_kib_per_connection", rssBefore == null || rssAfter == null || held.isEmpty() ? null
          : FanoutBench.round((rssAfter - rssBefore) / (double) held.size()));
      out.put("setup_users_rooms_ms", pop.setupMillis);
      out.put("client_transport", client.transport());
    }
    return out;
  }

  /** VmRSS of the server process in KiB, or null without --server-pid. */
  private Long rssKib() throws IOException {
    if (serverPid == null) {
      return null;
    }
    for (String line : Files.readAllLines(Path.of("/proc", serverPid.toString(), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return null;
  }
}
