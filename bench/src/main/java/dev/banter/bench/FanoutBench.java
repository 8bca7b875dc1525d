package dev.banter.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.banter.bench.BanterRest.User;
import dev.banter.bench.ws.ByteScan;
import dev.banter.bench.ws.FrameListener;
import dev.banter.bench.ws.WsClient;
import dev.banter.bench.ws.WsConnection;
import io.netty.buffer.ByteBuf;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * R rooms × M members over WebSocket; S senders post at a total target rate; every member
 * receives its room's messages. Measures send→deliver latency (the send time rides in the
 * client_id, same process clock), deliveries/s, acks/s, errors and closes.
 */
@Command(name = "fanout", mixinStandardHelpOptions = true,
    description = "Fan-out through a running Banter: deliveries/s and send→deliver latency.")
final class FanoutBench implements Callable<Integer> {
  @Mixin
  ServerOptions server = new ServerOptions();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] NEW_MESSAGE = ByteScan.bytes("\"type\":\"new_message\"");
  private static final byte[] ACK = ByteScan.bytes("\"type\":\"ack\"");
  private static final byte[] ERROR = ByteScan.bytes("\"type\":\"error\"");
  private static final byte[] CLIENT_ID = ByteScan.bytes("\"client_id\":\"b-");

  @Option(names = "--rooms", defaultValue = "100", description = "rooms (default: ${DEFAULT-VALUE})")
  int rooms;

  @Option(names = "--members", defaultValue = "50", description = "members per room, each one connection (default: ${DEFAULT-VALUE})")
  int members;

  @Option(names = "--senders", defaultValue = "100", description = "members that post, spread over the rooms (default: ${DEFAULT-VALUE})")
  int senders;

  @Option(names = "--rate", defaultValue = "2000", description = "total messages per second posted (default: ${DEFAULT-VALUE})")
  int rate;

  @Option(names = "--seconds", defaultValue = "30", description = "measured seconds (default: ${DEFAULT-VALUE})")
  int seconds;

  @Option(names = "--warmup", defaultValue = "30", description = "warm-up seconds at the same load (default: ${DEFAULT-VALUE})")
  int warmup;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> r = run();
    System.out.println(JSON.writeValueAsString(r));
    System.out.println(summary(r));
    return 0;
  }

  /** Sets up, runs warm-up and measured window, tears down; returns the JSON record. */
  Map<String, Object> run() throws Exception {
    if (senders > rooms * members) {
      throw new IllegalArgumentException("more senders than members");
    }
    BanterRest rest = new BanterRest(server.url);
    Population pop = Population.create(rest, rooms, members, server.parallel);
    Counters counters = new Counters();
    Sessions.CloseCodes closes = new Sessions.CloseCodes();
    FrameListener listener = new FrameListener() {
      @Override
      public void onText(WsConnection c, ByteBuf utf8) {
        counters.onFrame(utf8);
      }

      @Override
      public void onClose(WsConnection c, int code) {
        closes.record(code);
      }
    };
    Map<String, Object> out = new LinkedHashMap<>();
    try (WsClient client = new WsClient(server.threads, server.sources)) {
      URI uri = rest.webSocketUri();
      long c0 = System.nanoTime();
      List<WsConnection> senderConnections = new ArrayList<>();
      List<String> senderRooms = new ArrayList<>();
      List<WsConnection> all = new ArrayList<>();
      long connectFailures = connectAll(client, uri, listener, pop, all, senderConnections, senderRooms);
      long connectMillis = (System.nanoTime() - c0) / 1_000_000;

      Sender sender = new Sender(senderConnections, senderRooms);
      sender.run(warmup, counters);
      counters.latency.getIntervalHistogram(); // drop the warm-up's latencies
      Snapshot before = counters.snapshot();
      long cpu0 = processCpuNanos();
      sender.run(seconds, counters);
      long cpuNanos = processCpuNanos() - cpu0;
      Histogram latency = counters.latency.getIntervalHistogram();
      Snapshot after = counters.snapshot();
      closes.tearDown();
      all.forEach(WsConnection::close);

      long deliveries = after.deliveries - before.deliveries;
      out.put("scenario", "fanout");
      out.put("url", server.url);
      out.put("rooms", rooms);
      out.put("members", members);
      out.put("connections", all.size());
      out.put("connect_failures", connectFailures);
      out.put("senders", senderConnections.size());
      out.put("target_rate", rate);
      out.put("warmup_s", warmup);
      out.put("seconds", seconds);
      out.put("sent_per_s", round((after.sent - before.sent) / (double) seconds));
      out.put("skipped_sends", after.skipped - before.skipped);
      out.put("acks_per_s", round((after.acks - before.acks) / (double) seconds));
      out.put("deliveries", deliveries);
      out.put("deliveries_per_s", round(deliveries / (double) seconds));
      out.put("expected_deliveries_per_s", (long) rate * members);
      out.put("p50_ms", latency.getValueAtPercentile(50) / 1e6);
      out.put("p99_ms", latency.getValueAtPercentile(99) / 1e6);
      out.put("p999_ms", latency.getValueAtPercentile(99.9) / 1e6);
      out.put("max_ms", latency.getMaxValue() / 1e6);
      out.put("errors", after.errors);
      out.put("error_sample", counters.errorSample.get());
      out.put("closes", closes.toMap());
      out.put("setup_users_rooms_ms", pop.setupMillis);
      out.put("connect_ms", connectMillis);
      out.put("client_transport", client.transport());
      out.put("client_threads", server.threads);
      out.put("process_cpu_pct_of_one_core", round(100.0 * cpuNanos / (seconds * 1e9)));
    }
    return out;
  }

  /** Opens every member's session, at most 256 at a time; picks the senders. Returns the failures. */
  private long connectAll(WsClient client, URI uri, FrameListener listener, Population pop, List<WsConnection> all,
      List<WsConnection> senderConnections, List<String> senderRooms) throws InterruptedException {
    Semaphore inFlight = new Semaphore(256);
    List<CompletableFuture<WsConnection>> opened = new ArrayList<>();
    for (Population.RoomOf room : pop.rooms) {
      for (User u : room.members()) {
        inFlight.acquire();
        opened.add(Sessions.open(client, uri, listener, u, room.id()).whenComplete((c, e) -> inFlight.release()));
      }
    }
    long failures = 0;
    int i = 0;
    for (CompletableFuture<WsConnection> f : opened) {
      WsConnection c;
      try {
        c = f.get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        failures++;
        c = null;
      }
      int roomIndex = i / members;
      int memberIndex = i % members;
      // sender k is member k / rooms of room k % rooms: senders spread evenly over rooms
      int k = memberIndex * rooms + roomIndex;
      if (c != null) {
        all.add(c);
        if (k < senders) {
          senderConnections.add(c);
          senderRooms.add(pop.rooms.get(roomIndex).id());
        }
      }
      i++;
    }
    return failures;
  }

  /** Posts round-robin over the sender connections at the total target rate, from one pacing thread. */
  private final class Sender {
    private final List<WsConnection> connections;
    private final String[] prefixes;
    private long sequence;

    Sender(List<WsConnection> connections, List<String> roomIds) {
      this.connections = connections;
      prefixes = new String[connections.size()];
      for (int i = 0; i < prefixes.length; i++) {
        prefixes[i] = "{\"type\":\"send_message\",\"room_id\":\"" + roomIds.get(i)
            + "\",\"body\":\"fanout bench message\",\"client_id\":\"b-";
      }
    }

    void run(int secs, Counters counters) {
      if (connections.isEmpty() || secs <= 0) {
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(Math.max(0, secs)));
        return;
      }
      long start = System.nanoTime();
      long end = start + TimeUnit.SECONDS.toNanos(secs);
      long sent = 0;
      for (long now = start; now < end; now = System.nanoTime()) {
        long due = (long) ((now - start) * (rate / 1e9));
        while (sent < due) {
          int i = (int) (sequence % connections.size());
          WsConnection c = connections.get(i);
          if (c.isOpen() && c.isWritable()) {
            c.send(prefixes[i] + System.nanoTime() + "-" + i + "-" + sequence + "\"}");
            counters.sent.increment();
          } else {
            counters.skipped.increment();
          }
          sequence++;
          sent++;
        }
        LockSupport.parkNanos(200_000);
      }
    }
  }

  /** What the receive path counts; thread-safe (event loops write, the main thread reads). */
  static final class Counters {
    final LongAdder sent = new LongAdder();
    final LongAdder skipped = new LongAdder();
    final LongAdder deliveries = new LongAdder();
    final LongAdder acks = new LongAdder();
    final LongAdder errors = new LongAdder();
    final Recorder latency = new Recorder(3);
    final AtomicReference<String> errorSample = new AtomicReference<>();

    void onFrame(ByteBuf utf8) {
      if (ByteScan.hasType(utf8, NEW_MESSAGE)) {
        deliveries.increment();
        int at = ByteScan.indexOf(utf8, CLIENT_ID, utf8.readerIndex());
        if (at >= 0) {
          long sentAt = ByteScan.parseLong(utf8, at + CLIENT_ID.length);
          if (sentAt >= 0) {
            latency.recordValue(Math.max(0, System.nanoTime() - sentAt));
          }
        }
      } else if (ByteScan.hasType(utf8, ACK)) {
        acks.increment();
      } else if (ByteScan.hasType(utf8, ERROR)) {
        errors.increment();
        errorSample.compareAndSet(null, utf8.toString(StandardCharsets.UTF_8));
      }
    }

    /** Reads the counters. */
    Snapshot snapshot() {
      return new Snapshot(sent.sum(), skipped.sum(), deliveries.sum(), acks.sum(), errors.sum());
    }
  }

  record Snapshot(long sent, long skipped, long deliveries, long acks, long errors) {}

  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  static String summary(Map<String, Object> r) {
    return String.format(
        "fanout %sx%s, %s senders at %s msg/s: %,.0f deliveries/s (expected %,d), %,.0f acks/s, "
            + "send→deliver p50 %.2f ms p99 %.2f ms p99.9 %.2f ms max %.2f ms, errors %s, closes %s, "
            + "connect failures %s, skipped sends %s, client CPU %.0f%% of a core",
        r.get("rooms"), r.get("members"), r.get("senders"), r.get("target_rate"), (double) r.get("deliveries_per_s"),
        (long) r.get("expected_deliveries_per_s"), (double) r.get("acks_per_s"), r.get("p50_ms"), r.get("p99_ms"),
        r.get("p999_ms"), r.get("max_ms"), r.get("errors"), r.get("closes"), r.get("connect_failures"),
        r.get("skipped_sends"), (double) r.get("process_cpu_pct_of_one_core"));
  }
}
