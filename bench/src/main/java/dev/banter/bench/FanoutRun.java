package dev.banter.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.banter.bench.BanterRest.User;
import dev.banter.bench.ws.ByteScan;
import dev.banter.bench.ws.FrameListener;
import dev.banter.bench.ws.WsClient;
import dev.banter.bench.ws.WsConnection;
import io.netty.buffer.ByteBuf;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The fan-out load every WebSocket scenario runs: sets the rooms up, connects every member, posts
 * from the senders at the target rate through a warm-up and a measured window, and counts what
 * arrives. An {@link Extra} adds a scenario's own work (history readers, reconnecting clients)
 * around the same load. With {@code --processes k} the run is split by rooms over k client
 * processes whose records are merged.
 */
final class FanoutRun {
  private static final byte[] CLIENT_ID = ByteScan.bytes("\"client_id\":\"b-");

  /** Fields added up over client processes (the others are the same in every process's record). */
  private static final Set<String> SUMMED =
      Set.of(
          "connections",
          "connect_failures",
          "senders",
          "sent_per_s",
          "skipped_sends",
          "acks_per_s",
          "deliveries",
          "deliveries_per_s",
          "expected_deliveries_per_s",
          "errors",
          "process_cpu_pct_of_one_core");

  /** A scenario's own work around the fan-out load; every hook is optional. */
  interface Extra {
    /** Everyone is connected; the warm-up is about to begin. */
    default void connected(FanoutRun run) throws Exception {}

    /** The measured window begins. */
    default void measuring() {}

    /** The measured window ended: stop and put the figures into the record. */
    default void finished(Map<String, Object> out) throws Exception {}

    /** A {@code new_message} for a member (on its connection's event loop). */
    default void delivered(Member member, ByteBuf utf8) {}

    /** Fields of this scenario's record to add up over client processes. */
    default Set<String> summed() {
      return Set.of();
    }
  }

  /**
   * One member's session. A scenario that reconnects it bumps the generation first, so frames still
   * arriving on the dropped connection are not taken for the member's.
   */
  static final class Member {
    final User user;
    final Population.RoomOf room;
    final int node;
    final boolean sender;
    volatile WsConnection connection;
    volatile int generation;

    Member(User user, Population.RoomOf room, int node, boolean sender) {
      this.user = user;
      this.room = room;
      this.node = node;
      this.sender = sender;
    }
  }

  final ServerOptions server;
  final FanoutOptions load;
  private final Extra extra;
  final Counters counters = new Counters();
  final Sessions.CloseCodes closes = new Sessions.CloseCodes();
  final List<Member> members = new ArrayList<>();
  Population population;
  WsClient client;
  final FrameListener listener =
      new FrameListener() {
        @Override
        public void onText(WsConnection c, ByteBuf utf8) {
          if (counters.onFrame(utf8) && c.attachment() instanceof Ticket t && t.current()) {
            extra.delivered(t.member(), utf8);
          }
        }

        @Override
        public void onClose(WsConnection c, int code) {
          if (!(c.attachment() instanceof Ticket t) || t.current()) {
            closes.record(code); // a connection the scenario dropped itself is not counted
          }
        }
      };

  FanoutRun(ServerOptions server, FanoutOptions load, Extra extra) {
    this.server = server;
    this.load = load;
    this.extra = extra;
  }

  /** The whole run, split over client processes when asked to. */
  Map<String, Object> run() throws Exception {
    if (load.senders > load.rooms * load.members) {
      throw new IllegalArgumentException("more senders than members");
    }
    return server.processes > 1 ? runProcesses() : runHere();
  }

  private Map<String, Object> runProcesses() throws Exception {
    List<Map<String, Object>> parts = ClientProcesses.run(server.processes, () -> {});
    Map<String, Object> out = new LinkedHashMap<>(parts.get(0));
    Set<String> summed = new HashSet<>(SUMMED);
    summed.addAll(extra.summed());
    for (String k : summed) {
      if (out.get(k) instanceof Long || out.get(k) instanceof Integer) {
        out.put(k, ClientProcesses.sumLong(parts, k));
      } else if (out.get(k) instanceof Number) {
        out.put(k, FanoutBench.round(ClientProcesses.sum(parts, k)));
      }
    }
    out.put("closes", ClientProcesses.sumMaps(parts, "closes"));
    out.put(WORST_BY_SECOND, worstOf(parts));
    out.put("processes", server.processes);
    out.put("target_rate", load.rate);
    Latency.merge(parts, out);
    return out;
  }

  /** This process's rooms (all of them when alone). */
  private Map<String, Object> runHere() throws Exception {
    population = Population.create(server, load.rooms, r -> load.members);
    Map<String, Object> out = new LinkedHashMap<>();
    try (WsClient c = new WsClient(server.threads, server.sources)) {
      client = c;
      long c0 = System.nanoTime();
      long connectFailures = connectAll();
      long connectMillis = (System.nanoTime() - c0) / 1_000_000;
      ClientProcesses.barrier(
          server, () -> {}); // every client process is connected: start together
      List<Member> senders =
          members.stream().filter(m -> m.sender && m.connection != null).toList();
      double rateHere = load.rate * (senders.size() / (double) Math.max(1, load.senders));
      Sender sender = new Sender(senders, rateHere);
      extra.connected(this);
      sender.run(load.warmup);
      counters.latency.getIntervalHistogram(); // drop the warm-up's latencies
      Snapshot before = counters.snapshot();
      long measuredFrom = System.currentTimeMillis();
      counters.startTimeline(System.nanoTime());
      long cpu0 = processCpuNanos();
      long serverTicks0 = server.serverCpuTicks();
      extra.measuring();
      sender.run(load.seconds);
      long cpuNanos = processCpuNanos() - cpu0;
      long serverTicks = server.serverCpuTicks() - serverTicks0;
      Histogram latency = counters.latency.getIntervalHistogram();
      Snapshot after = counters.snapshot();
      extra.finished(out);
      closes.tearDown();
      members.forEach(
          m -> {
            if (m.connection != null) {
              m.connection.close();
            }
          });

      long deliveries = after.deliveries - before.deliveries;
      int perMessage =
          server.bare ? load.members - 1 : load.members; // the bare server skips the sender
      Map<String, Object> head = new LinkedHashMap<>();
      head.put("scenario", "fanout");
      head.put("urls", server.urls);
      head.put("bare", server.bare);
      head.put("rooms", load.rooms);
      head.put("members", load.members);
      head.put("connections", (long) members.size());
      head.put("connect_failures", connectFailures);
      head.put("senders", (long) senders.size());
      head.put("target_rate", Math.round(rateHere));
      head.put("warmup_s", load.warmup);
      head.put("seconds", load.seconds);
      head.put("sent_per_s", FanoutBench.round((after.sent - before.sent) / (double) load.seconds));
      head.put("skipped_sends", after.skipped - before.skipped);
      head.put("acks_per_s", FanoutBench.round((after.acks - before.acks) / (double) load.seconds));
      head.put("deliveries", deliveries);
      head.put("deliveries_per_s", FanoutBench.round(deliveries / (double) load.seconds));
      head.put("expected_deliveries_per_s", Math.round(rateHere * perMessage));
      Latency.put(head, "", latency, server.part != null);
      head.put("measured_from_epoch_ms", measuredFrom);
      head.put(WORST_BY_SECOND, counters.timeline(load.seconds));
      head.put("errors", after.errors);
      head.put("error_sample", counters.errorSample.get());
      head.put("closes", closes.toMap());
      head.put("setup_users_rooms_ms", population.setupMillis);
      head.put("connect_ms", connectMillis);
      head.put("client_transport", c.transport());
      head.put("client_threads", server.threads);
      head.put(
          "process_cpu_pct_of_one_core",
          FanoutBench.round(100.0 * cpuNanos / (load.seconds * 1e9)));
      head.put(
          "server_cpu_pct_of_one_core",
          serverTicks0 < 0 ? null : FanoutBench.round(serverTicks / (double) load.seconds));
      head.putAll(out);
      return head;
    }
  }

  /**
   * Opens every member's session, at most 256 at a time; marks the senders. Returns the failures.
   */
  private long connectAll() throws InterruptedException {
    Semaphore inFlight = new Semaphore(256);
    List<CompletableFuture<WsConnection>> opened = new ArrayList<>();
    for (Population.RoomOf room : population.rooms) {
      for (int m = 0; m < room.members().size(); m++) {
        // sender k is member k / rooms of room k % rooms: senders spread evenly over rooms
        boolean sender = (long) m * load.rooms + room.index() < load.senders;
        Member member = new Member(room.members().get(m), room, room.index() + m, sender);
        members.add(member);
        inFlight.acquire();
        opened.add(open(member).whenComplete((c, e) -> inFlight.release()));
      }
    }
    long failures = 0;
    for (int i = 0; i < opened.size(); i++) {
      try {
        members.get(i).connection = opened.get(i).get(120, TimeUnit.SECONDS);
      } catch (Exception e) {
        failures++;
      }
    }
    return failures;
  }

  /** What a connection carries: whose it is, and for which of the member's connections. */
  record Ticket(Member member, int generation) {
    boolean current() {
      return member.generation == generation;
    }
  }

  /** Connects {@code member} to its node and room, live only. */
  CompletableFuture<WsConnection> open(Member member) {
    return open(member, -1);
  }

  /**
   * Connects {@code member} to its node and room, resuming after {@code sinceSeq} unless it is
   * negative.
   */
  CompletableFuture<WsConnection> open(Member member, long sinceSeq) {
    return Sessions.open(
        client,
        server,
        member.node,
        listener,
        member.user,
        member.room.id(),
        new Ticket(member, member.generation),
        sinceSeq);
  }

  /** Posts round-robin over the sender connections at a total rate, from one pacing thread. */
  private final class Sender {
    private final List<Member> senders;
    private final String[] prefixes;

    /** The same frames, with a body that names another member of the room (SPEC §8 mentions). */
    private final String[] mentioning;

    private final double rate;
    private long sequence;

    Sender(List<Member> senders, double rate) {
      this.senders = senders;
      this.rate = rate;
      prefixes = new String[senders.size()];
      mentioning = new String[senders.size()];
      String type =
          server.bare
              ? "new_message"
              : "send_message"; // the bare server forwards frames as they are
      for (int i = 0; i < prefixes.length; i++) {
        prefixes[i] =
            "{\"type\":\""
                + type
                + "\",\"room_id\":\""
                + senders.get(i).room.id()
                + "\",\"body\":\"fanout bench message\",\"client_id\":\"b-";
        Member m = senders.get(i);
        String named =
            m.room.members().stream()
                .filter(u -> !u.equals(m.user))
                .findFirst()
                .map(User::username)
                .orElse(m.user.username());
        mentioning[i] =
            prefixes[i].replace(
                "\"fanout bench message\"", "\"@" + named + " fanout bench message\"");
      }
    }

    /** The frame start of the {@code sequence}th message of sender {@code i}. */
    private String prefix(int i) {
      int every = load.mentionEvery;
      return every > 0 && (sequence / senders.size()) % every == 0 ? mentioning[i] : prefixes[i];
    }

    void run(int secs) {
      if (senders.isEmpty() || secs <= 0) {
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(Math.max(0, secs)));
        return;
      }
      long start = System.nanoTime();
      long end = start + TimeUnit.SECONDS.toNanos(secs);
      long sent = 0;
      for (long now = start; now < end; now = System.nanoTime()) {
        long due = (long) ((now - start) * (rate / 1e9));
        while (sent < due) {
          int i = (int) (sequence % senders.size());
          WsConnection c = senders.get(i).connection;
          if (c.isOpen() && c.isWritable()) {
            c.send(
                prefix(i)
                    + System.nanoTime()
                    + "-"
                    + server.partIndex()
                    + "-"
                    + i
                    + "-"
                    + sequence
                    + "\"}");
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

  /**
   * The slowest delivery of each second of the measured window, by the second it was sent in: where
   * in the window a tail comes from (one stall, or spread out), to set beside the server's logs.
   */
  static final String WORST_BY_SECOND = "max_ms_by_second";

  /** The element-wise maximum of the client processes' {@link #WORST_BY_SECOND}. */
  private static List<Double> worstOf(List<Map<String, Object>> parts) {
    List<Double> worst = new ArrayList<>();
    for (Map<String, Object> part : parts) {
      if (part.get(WORST_BY_SECOND) instanceof List<?> seconds) {
        for (int i = 0; i < seconds.size(); i++) {
          double ms = ((Number) seconds.get(i)).doubleValue();
          if (i == worst.size()) {
            worst.add(ms);
          } else {
            worst.set(i, Math.max(worst.get(i), ms));
          }
        }
      }
    }
    return worst;
  }

  /** What the receive path counts; thread-safe (event loops write, the main thread reads). */
  static final class Counters {
    /** Seconds a timeline can hold (a longer window keeps its first hour). */
    private static final int TIMELINE_SECONDS = 3600;

    final LongAdder sent = new LongAdder();
    final LongAdder skipped = new LongAdder();
    final LongAdder deliveries = new LongAdder();
    final LongAdder acks = new LongAdder();
    final LongAdder errors = new LongAdder();
    final Recorder latency = new Recorder(3);
    final AtomicReference<String> errorSample = new AtomicReference<>();
    private final AtomicLongArray worstBySecond = new AtomicLongArray(TIMELINE_SECONDS);
    private volatile long timelineFrom = Long.MAX_VALUE;

    /**
     * From {@code nanoTime} on, each delivery's latency counts toward the second it was sent in.
     */
    void startTimeline(long nanoTime) {
      timelineFrom = nanoTime;
    }

    /**
     * The slowest delivery of each of the first {@code seconds} seconds (ms), 0 for a second
     * without any.
     */
    List<Double> timeline(int seconds) {
      List<Double> out = new ArrayList<>(seconds);
      for (int i = 0; i < Math.min(seconds, TIMELINE_SECONDS); i++) {
        out.add(FanoutBench.round(worstBySecond.get(i) / 1e6));
      }
      return out;
    }

    private void recordLatency(long sentAt) {
      long nanos = Math.max(0, System.nanoTime() - sentAt);
      latency.recordValue(nanos);
      long second = (sentAt - timelineFrom) / 1_000_000_000L;
      // read first: most deliveries are not their second's slowest, and a write per delivery would
      // bounce the slot's cache line between the client's event loops
      if (sentAt >= timelineFrom
          && second < TIMELINE_SECONDS
          && nanos > worstBySecond.get((int) second)) {
        worstBySecond.accumulateAndGet((int) second, nanos, Math::max);
      }
    }

    /** Counts a frame; true when it is a delivered message. */
    boolean onFrame(ByteBuf utf8) {
      if (ByteScan.hasType(utf8, ByteScan.NEW_MESSAGE)) {
        deliveries.increment();
        int at = ByteScan.indexOf(utf8, CLIENT_ID, utf8.readerIndex());
        if (at >= 0) {
          long sentAt = ByteScan.parseLong(utf8, at + CLIENT_ID.length);
          if (sentAt >= 0) {
            recordLatency(sentAt);
          }
        }
        return true;
      } else if (ByteScan.hasType(utf8, ByteScan.ACK)) {
        acks.increment();
      } else if (ByteScan.hasType(utf8, ByteScan.ERROR)) {
        errors.increment();
        errorSample.compareAndSet(null, utf8.toString(StandardCharsets.UTF_8));
      }
      return false;
    }

    Snapshot snapshot() {
      return new Snapshot(sent.sum(), skipped.sum(), deliveries.sum(), acks.sum(), errors.sum());
    }
  }

  record Snapshot(long sent, long skipped, long deliveries, long acks, long errors) {}

  static long processCpuNanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  static String summary(Map<String, Object> r) {
    return String.format(
        "%s%s %sx%s, %s senders at %s msg/s: %,.0f deliveries/s (expected %,d), %,.0f acks/s, "
            + "send→deliver p50 %.2f ms p99 %.2f ms p99.9 %.2f ms max %.2f ms, errors %s, closes %s, "
            + "connect failures %s, skipped sends %s, client CPU %.0f%% of a core, server CPU %s%% of a core",
        r.get("scenario"),
        Boolean.TRUE.equals(r.get("bare")) ? " (bare baseline)" : "",
        r.get("rooms"),
        r.get("members"),
        r.get("senders"),
        r.get("target_rate"),
        ((Number) r.get("deliveries_per_s")).doubleValue(),
        ((Number) r.get("expected_deliveries_per_s")).longValue(),
        ((Number) r.get("acks_per_s")).doubleValue(),
        r.get("p50_ms"),
        r.get("p99_ms"),
        r.get("p999_ms"),
        r.get("max_ms"),
        r.get("errors"),
        r.get("closes"),
        r.get("connect_failures"),
        r.get("skipped_sends"),
        ((Number) r.get("process_cpu_pct_of_one_core")).doubleValue(),
        r.get("server_cpu_pct_of_one_core"));
  }
}
