package dev.banter.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.banter.bench.BanterRest.User;
import dev.banter.bench.ws.ByteScan;
import dev.banter.bench.ws.FrameListener;
import dev.banter.bench.ws.WsClient;
import dev.banter.bench.ws.WsConnection;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Opens N authenticated WebSocket connections at a ramp rate, each joined to one room, and holds
 * them idle; reports connections held, failures, connect rate and (with the server's pid) the
 * server's live heap after a full GC and RSS, before and after, per connection. With several URLs a
 * room's members are spread over the nodes, and {@code --probe} posts one message in every room at
 * the end and counts its deliveries: cross-node delivery, checked.
 */
@Command(
    name = "connect",
    mixinStandardHelpOptions = true,
    description =
        "Connections held by a running Banter, connect rate, and server memory per connection.")
final class ConnectBench implements Callable<Integer> {
  @Mixin ServerOptions server = new ServerOptions();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] PROBE = ByteScan.bytes("\"client_id\":\"probe-");

  @Option(
      names = "--connections",
      defaultValue = "1000",
      description = "connections to open, over all client processes (default: ${DEFAULT-VALUE})")
  int connections;

  @Option(
      names = "--ramp",
      defaultValue = "500",
      description =
          "connections started per second, over all client processes (default: ${DEFAULT-VALUE})")
  int ramp;

  @Option(
      names = "--in-flight",
      defaultValue = "0",
      description =
          "connections being set up at once (open, auth, "
              + "join) per client process; 0: no bound. With a bound the ramp slows to what the servers absorb instead of "
              + "piling up set-ups that time out (default: ${DEFAULT-VALUE})")
  int inFlight;

  @Option(
      names = "--hold",
      defaultValue = "10",
      description = "seconds to hold them idle (default: ${DEFAULT-VALUE})")
  int hold;

  @Option(
      names = "--members",
      defaultValue = "50",
      description = "connections (users) per room (default: ${DEFAULT-VALUE})")
  int members;

  @Option(
      names = "--probe",
      description = "after the hold, post one message in every room and count its deliveries")
  boolean probe;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> r = server.processes > 1 ? runProcesses() : run();
    System.out.println(JSON.writeValueAsString(r));
    if (server.part == null) {
      System.out.println(summary(r));
    }
    return 0;
  }

  /**
   * The memory of the servers at two barriers: before connecting and once everything is connected.
   */
  private final class MemoryProbe {
    ServerMemory.Reading before;
    ServerMemory.Reading middle;
    ServerMemory.Reading after;

    void before() throws Exception {
      Thread.sleep(2000); // let the server see the set-up's HTTP connections close
      before = read();
    }

    void middle() throws Exception {
      Thread.sleep(1000); // let the server settle before reading
      middle = read();
    }

    void after() throws Exception {
      Thread.sleep(1000); // let the server settle before reading
      after = read();
    }

    private ServerMemory.Reading read() throws Exception {
      long heap = 0;
      long rss = 0;
      for (int pid : server.serverPids) {
        ServerMemory.Reading r = ServerMemory.read(pid);
        heap += r.liveHeapKib();
        rss += r.rssKib();
      }
      return server.serverPids.isEmpty() ? null : new ServerMemory.Reading(heap, rss);
    }

    /**
     * Per connection, the second half's cost: (after − middle) ÷ the connections opened between the
     * two readings. What the server held before any connection (caches warming, set-up garbage kept
     * by soft references) cancels out; from-start figures are reported beside it.
     */
    void into(Map<String, Object> out, long held, long heldAtMiddle) {
      boolean known = before != null && after != null && held > 0;
      boolean halves = middle != null && after != null && held > heldAtMiddle;
      long secondHalf = held - heldAtMiddle;
      out.put("live_heap_before_kib", before == null ? null : before.liveHeapKib());
      out.put("live_heap_middle_kib", middle == null ? null : middle.liveHeapKib());
      out.put("live_heap_after_kib", after == null ? null : after.liveHeapKib());
      out.put(
          "live_heap_kib_per_connection",
          halves
              ? FanoutBench.round3(
                  (after.liveHeapKib() - middle.liveHeapKib()) / (double) secondHalf)
              : null);
      out.put(
          "live_heap_kib_per_connection_from_start",
          known
              ? FanoutBench.round3((after.liveHeapKib() - before.liveHeapKib()) / (double) held)
              : null);
      out.put("rss_before_kib", before == null ? null : before.rssKib());
      out.put("rss_middle_kib", middle == null ? null : middle.rssKib());
      out.put("rss_after_kib", after == null ? null : after.rssKib());
      out.put(
          "rss_kib_per_connection",
          halves
              ? FanoutBench.round3((after.rssKib() - middle.rssKib()) / (double) secondHalf)
              : null);
      out.put(
          "rss_kib_per_connection_from_start",
          known ? FanoutBench.round3((after.rssKib() - before.rssKib()) / (double) held) : null);
    }
  }

  /** The whole run in this process, or this process's part of it. */
  Map<String, Object> run() throws Exception {
    int rooms = (connections + members - 1) / members;
    Population pop =
        Population.create(server, rooms, r -> Math.min(members, connections - r * members));
    Sessions.CloseCodes closes = new Sessions.CloseCodes();
    LongAdder probesSeen = new LongAdder();
    FrameListener listener =
        new FrameListener() {
          @Override
          public void onText(WsConnection c, ByteBuf utf8) {
            if (ByteScan.hasType(utf8, ByteScan.NEW_MESSAGE)
                && ByteScan.indexOf(utf8, PROBE, utf8.readerIndex()) >= 0) {
              probesSeen.increment();
            }
          }

          @Override
          public void onClose(WsConnection c, int code) {
            closes.record(code);
          }
        };
    MemoryProbe memory = new MemoryProbe();
    Map<String, Object> out = new LinkedHashMap<>();
    try (WsClient client = new WsClient(server.threads, server.sources)) {
      ClientProcesses.barrier(server, memory::before);
      double rampHere = ramp / (double) server.partCount();
      Semaphore setups = inFlight > 0 ? new Semaphore(inFlight) : null;
      long start = System.nanoTime();
      List<CompletableFuture<WsConnection>> opened = new ArrayList<>();
      long[] lastJoined = {start};
      int n = 0;
      int half = pop.users().size() / 2;
      for (Population.RoomOf room : pop.rooms) {
        for (int m = 0; m < room.members().size(); m++) {
          if (n == half
              && half > 0) { // half of them open: the middle reading, then the ramp goes on
            long paused = System.nanoTime();
            opened.forEach(f -> f.handle((c, e) -> null).join());
            ClientProcesses.barrier(server, memory::middle);
            paused = System.nanoTime() - paused;
            start += paused;
            synchronized (lastJoined) {
              lastJoined[0] += paused;
            }
          }
          User u = room.members().get(m);
          long due = start + (long) (n * (1e9 / rampHere));
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
          // member m of room r goes to node (r + m) mod nodes: every room spans the nodes
          int node = room.index() + m;
          if (setups != null) {
            setups.acquireUninterruptibly();
          }
          opened.add(
              Sessions.open(client, server, node, listener, u, room.id())
                  .whenComplete(
                      (c, e) -> {
                        if (setups != null) {
                          setups.release();
                        }
                        if (e == null) {
                          synchronized (lastJoined) {
                            lastJoined[0] = Math.max(lastJoined[0], System.nanoTime());
                          }
                        }
                      }));
          n++;
        }
      }
      List<WsConnection> held = new ArrayList<>();
      List<WsConnection> firstOfRoom = new ArrayList<>();
      List<String> roomOfFirst = new ArrayList<>();
      long expectedProbes =
          0; // the probe reaches the members held in rooms whose first member (the sender) is held
      long failures = 0;
      String failureSample = null;
      int i = 0;
      for (Population.RoomOf room : pop.rooms) {
        long heldHere = 0;
        boolean senderHeld = false;
        for (int m = 0; m < room.members().size(); m++) {
          try {
            WsConnection c = opened.get(i).get(120, TimeUnit.SECONDS);
            held.add(c);
            heldHere++;
            if (m == 0) {
              senderHeld = true;
              firstOfRoom.add(c);
              roomOfFirst.add(room.id());
            }
          } catch (Exception e) {
            failures++;
            failureSample =
                failureSample == null
                    ? String.valueOf(e.getCause() != null ? e.getCause() : e)
                    : failureSample;
          }
          i++;
        }
        if (senderHeld) {
          expectedProbes += server.bare ? heldHere - 1 : heldHere;
        }
      }
      long heldAtMiddle =
          opened.subList(0, half).stream().filter(f -> !f.isCompletedExceptionally()).count();
      double connectSeconds;
      synchronized (lastJoined) {
        connectSeconds = (lastJoined[0] - start) / 1e9;
      }
      ClientProcesses.barrier(server, memory::after);
      Thread.sleep(TimeUnit.SECONDS.toMillis(hold));
      long openAfterHold = held.stream().filter(WsConnection::isOpen).count();
      if (probe) {
        probe(firstOfRoom, roomOfFirst, probesSeen, expectedProbes);
      }
      closes.tearDown();
      held.forEach(WsConnection::close);

      out.put("scenario", "connect");
      out.put("urls", server.urls);
      out.put("bare", server.bare);
      out.put("connections", n);
      out.put("ramp_per_s", ramp);
      out.put("in_flight_per_process", inFlight);
      out.put("hold_s", hold);
      out.put("held", (long) held.size());
      out.put("held_at_middle", heldAtMiddle);
      out.put("open_after_hold", openAfterHold);
      out.put("failures", failures);
      out.put("failure_sample", failureSample);
      out.put("connect_seconds", FanoutBench.round3(connectSeconds));
      out.put("connects_per_s", FanoutBench.round(held.size() / Math.max(connectSeconds, 1e-9)));
      out.put("closes", closes.toMap());
      out.put("probe_deliveries", probesSeen.sum());
      out.put("probe_expected", probe ? expectedProbes : 0);
      memory.into(out, held.size(), heldAtMiddle);
      out.put("setup_users_rooms_ms", pop.setupMillis);
      out.put("client_transport", client.transport());
    }
    return out;
  }

  /**
   * The first member of every room posts one message; waits (at most 15 s) until {@code expected}
   * deliveries arrived (the members held of those rooms; on the bare baseline every one of them but
   * the sender).
   */
  private void probe(
      List<WsConnection> senders, List<String> roomIds, LongAdder seen, long expected)
      throws InterruptedException {
    for (int s = 0; s < senders.size(); s++) {
      String type = server.bare ? "new_message" : "send_message";
      senders
          .get(s)
          .send(
              "{\"type\":\""
                  + type
                  + "\",\"room_id\":\""
                  + roomIds.get(s)
                  + "\",\"body\":\"probe\",\"client_id\":\"probe-"
                  + server.partIndex()
                  + "-"
                  + s
                  + "\"}");
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (seen.sum() < expected && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  /**
   * Several client processes: the memory is read here, at the barriers, and their records are
   * merged.
   */
  Map<String, Object> runProcesses() throws Exception {
    MemoryProbe memory = new MemoryProbe();
    List<Map<String, Object>> parts =
        ClientProcesses.run(server.processes, memory::before, memory::middle, memory::after);
    Map<String, Object> out = new LinkedHashMap<>(parts.get(0));
    long held = ClientProcesses.sumLong(parts, "held");
    double connectSeconds =
        parts.stream()
            .mapToDouble(r -> ((Number) r.get("connect_seconds")).doubleValue())
            .max()
            .orElse(0);
    out.put("processes", server.processes);
    for (String k :
        List.of(
            "connections",
            "held",
            "held_at_middle",
            "open_after_hold",
            "failures",
            "probe_deliveries",
            "probe_expected")) {
      out.put(k, ClientProcesses.sumLong(parts, k));
    }
    out.put("connect_seconds", connectSeconds);
    out.put("connects_per_s", FanoutBench.round(held / Math.max(connectSeconds, 1e-9)));
    out.put("closes", ClientProcesses.sumMaps(parts, "closes"));
    out.put(
        "setup_users_rooms_ms",
        parts.stream()
            .mapToLong(r -> ((Number) r.get("setup_users_rooms_ms")).longValue())
            .max()
            .orElse(0));
    memory.into(out, held, ClientProcesses.sumLong(parts, "held_at_middle"));
    return out;
  }

  static String summary(Map<String, Object> r) {
    return String.format(
        "connect %s%s: held %s (%s still open after %s s), %s failed, %.0f connects/s, "
            + "server live heap %s → %s → %s KiB (second half: %s KiB per connection; from the start %s), "
            + "RSS %s → %s → %s KiB (second half: %s KiB per connection)%s",
        r.get("connections"),
        Boolean.TRUE.equals(r.get("bare")) ? " (bare baseline)" : "",
        r.get("held"),
        r.get("open_after_hold"),
        r.get("hold_s"),
        r.get("failures"),
        ((Number) r.get("connects_per_s")).doubleValue(),
        r.get("live_heap_before_kib"),
        r.get("live_heap_middle_kib"),
        r.get("live_heap_after_kib"),
        r.get("live_heap_kib_per_connection"),
        r.get("live_heap_kib_per_connection_from_start"),
        r.get("rss_before_kib"),
        r.get("rss_middle_kib"),
        r.get("rss_after_kib"),
        r.get("rss_kib_per_connection"),
        ((Number) r.get("probe_expected")).longValue() > 0
            ? ", probe " + r.get("probe_deliveries") + "/" + r.get("probe_expected") + " delivered"
            : "");
  }
}
