package dev.banter.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.banter.cluster.EventBus;
import dev.banter.core.Metrics;
import dev.banter.core.Principal;
import dev.banter.core.UserLimits;
import dev.banter.messages.MessageService;
import dev.banter.rooms.Room;
import dev.banter.rooms.RoomService;
import dev.banter.store.Database;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Durable posts per second through Banter's one writer path (MessageService → group commit),
 * in-process, at several numbers of concurrent posters. The baseline of the same run is the same
 * path with batches of one (a transaction and an fsync per post).
 */
@Command(
    name = "commit",
    mixinStandardHelpOptions = true,
    description =
        "Posts/s and ack latency of the message store at 1, 8 and 64 concurrent posters, "
            + "group commit vs one transaction per post.")
final class CommitBench implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(
      names = "--database-url",
      description =
          "PostgreSQL URL (postgresql://… or jdbc:postgresql:…); default: SQLite in a temp dir")
  String databaseUrl;

  @Option(
      names = "--posters",
      split = ",",
      defaultValue = "1,8,64",
      description = "concurrent posters per run (default: ${DEFAULT-VALUE})")
  List<Integer> posters;

  @Option(
      names = "--rooms",
      defaultValue = "8",
      description = "rooms the posters spread over (default: ${DEFAULT-VALUE})")
  int rooms;

  @Option(
      names = "--seconds",
      defaultValue = "10",
      description = "measured seconds per run (default: ${DEFAULT-VALUE})")
  int seconds;

  @Option(
      names = "--warmup",
      defaultValue = "3",
      description = "warm-up seconds per run (default: ${DEFAULT-VALUE})")
  int warmup;

  @Option(
      names = "--batch",
      defaultValue = "256",
      description = "group-commit batch bound under test (default: ${DEFAULT-VALUE})")
  int batch;

  @Override
  public Integer call() throws Exception {
    try (InProcess app = new InProcess(databaseUrl)) {
      Database db = app.db;
      Clock clock = app.clock;
      EventBus bus = app.bus;
      RoomService roomService = app.rooms;
      int maxPosters = posters.stream().mapToInt(Integer::intValue).max().orElse(1);
      List<Principal> users = new ArrayList<>();
      String stem = "b" + Long.toString(System.nanoTime() % 1_000_000, 36);
      for (int i = 0; i < maxPosters; i++) {
        users.add(app.register(stem + "_" + i));
      }
      List<String> roomIds = new ArrayList<>();
      for (int r = 0; r < rooms; r++) {
        Room room = roomService.create(users.get(0), stem + "-room-" + r, null, "public");
        roomIds.add(room.id());
        for (int i = 1; i < maxPosters; i++) {
          roomService.invite(users.get(0), room.id(), users.get(i).username());
        }
      }
      String store = app.store();
      List<Map<String, Object>> results = new ArrayList<>();
      for (int p : posters) {
        Map<String, Object> baseline = run(db, roomService, bus, clock, users, roomIds, p, 1);
        Map<String, Object> grouped = run(db, roomService, bus, clock, users, roomIds, p, batch);
        double ratio = (double) grouped.get("posts_per_s") / (double) baseline.get("posts_per_s");
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("scenario", "commit");
        record.put("store", store);
        record.put("posters", p);
        record.put("rooms", rooms);
        record.put("group_commit", grouped);
        record.put("baseline_batch_1", baseline);
        record.put("ratio", Math.round(ratio * 100) / 100.0);
        System.out.println(JSON.writeValueAsString(record));
        results.add(record);
      }
      for (Map<String, Object> r : results) {
        @SuppressWarnings("unchecked")
        Map<String, Object> g = (Map<String, Object>) r.get("group_commit");
        @SuppressWarnings("unchecked")
        Map<String, Object> b = (Map<String, Object>) r.get("baseline_batch_1");
        System.out.printf(
            "commit %s posters=%d: %.0f posts/s (p99 %.1f ms) vs batch-1 %.0f posts/s (p99 %.1f ms): x%.2f%n",
            store,
            (int) r.get("posters"),
            g.get("posts_per_s"),
            g.get("p99_ms"),
            b.get("posts_per_s"),
            b.get("p99_ms"),
            r.get("ratio"));
      }
    }
    return 0;
  }

  private Map<String, Object> run(
      Database db,
      RoomService roomService,
      EventBus bus,
      Clock clock,
      List<Principal> users,
      List<String> roomIds,
      int posters,
      int maxBatch)
      throws Exception {
    try (MessageService messages =
        new MessageService(
            db, roomService, bus, clock, maxBatch, new Metrics("bench"), UserLimits.unlimited())) {
      phase(messages, users, roomIds, posters, warmup, null);
      Histogram latency = new Histogram(60_000_000_000L, 3);
      long posts = phase(messages, users, roomIds, posters, seconds, latency);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("batch", maxBatch);
      out.put("posts", posts);
      out.put("posts_per_s", (double) Math.round(posts / (double) seconds));
      out.put("p50_ms", latency.getValueAtPercentile(50) / 1e6);
      out.put("p99_ms", latency.getValueAtPercentile(99) / 1e6);
      out.put("max_ms", latency.getMaxValue() / 1e6);
      return out;
    }
  }

  /**
   * Posts from {@code posters} virtual threads for {@code secs}; returns the count of acked posts.
   */
  private static long phase(
      MessageService messages,
      List<Principal> users,
      List<String> roomIds,
      int posters,
      int secs,
      Histogram latency)
      throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    LongAdder count = new LongAdder();
    List<Histogram> perPoster = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < posters; i++) {
        Principal who = users.get(i);
        String room = roomIds.get(i % roomIds.size());
        Histogram h = new Histogram(60_000_000_000L, 3);
        perPoster.add(h);
        done.add(
            pool.submit(
                () -> {
                  while (!stop.get()) {
                    long t0 = System.nanoTime();
                    messages.post(who, room, "benchmark message body", null, null, null);
                    h.recordValue(System.nanoTime() - t0);
                    count.increment();
                  }
                  return null;
                }));
      }
      Thread.sleep(secs * 1000L);
      stop.set(true);
      for (Future<?> f : done) {
        f.get();
      }
    }
    if (latency != null) {
      perPoster.forEach(latency::add);
    }
    return count.sum();
  }
}
