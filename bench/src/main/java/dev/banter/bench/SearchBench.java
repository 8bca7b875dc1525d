package dev.banter.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.banter.cluster.EventBus;
import dev.banter.core.Ids;
import dev.banter.core.Metrics;
import dev.banter.core.Principal;
import dev.banter.core.UserLimits;
import dev.banter.messages.MessageService;
import dev.banter.messages.SearchTerms;
import dev.banter.rooms.RoomService;
import dev.banter.store.Database;
import dev.banter.store.Dialect;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Search latency over a large store: fills a database with generated messages (English words and
 * CJK text over many rooms), then runs searches in process and records their latency. Baseline of
 * the same run: the same queries as an unindexed {@code LIKE} scan over a sample.
 */
@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    description = "Search latency (p50/p99) over N stored messages, in process.")
final class SearchBench implements Callable<Integer> {
  private static final String[] WORDS =
      ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike "
              + "november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu report meeting "
              + "deploy release incident review budget design launch customer invoice ticket server client database "
              + "network backup monitor alert metric latency throughput quarterly weekly daily sprint roadmap")
          .split(" ");
  private static final String[] CJK = {"北京", "上海", "会议", "报告", "東京", "大阪", "会議", "서울", "회의", "보고서"};

  /** Distinct rare words: each lands in about messages / 100 / RARE messages. */
  private static final int RARE = 1000;

  @Option(names = "--database-url", description = "PostgreSQL URL; default: SQLite in a temp dir")
  String databaseUrl;

  @Option(
      names = "--messages",
      defaultValue = "1000000",
      description = "messages to store (default: ${DEFAULT-VALUE})")
  int messages;

  @Option(
      names = "--rooms",
      defaultValue = "200",
      description = "rooms they spread over (default: ${DEFAULT-VALUE})")
  int rooms;

  @Option(
      names = "--queries",
      defaultValue = "500",
      description = "searches to time (default: ${DEFAULT-VALUE})")
  int queries;

  @Override
  public Integer call() throws Exception {
    try (InProcess app = new InProcess(databaseUrl)) {
      Database db = app.db;
      Clock clock = app.clock;
      EventBus bus = app.bus;
      RoomService roomService = app.rooms;
      Principal me = app.register("searcher" + Long.toString(System.nanoTime() % 1_000_000, 36));
      List<String> roomIds = new ArrayList<>();
      for (int r = 0; r < rooms; r++) {
        roomIds.add(
            roomService
                .create(me, "search-room-" + Ids.randomToken(4) + "-" + r, null, "public")
                .id());
      }
      try (MessageService messageService =
          new MessageService(
              db, roomService, bus, clock, 256, new Metrics("bench"), UserLimits.unlimited())) {
        long t0 = System.nanoTime();
        fill(db, me.userId(), roomIds);
        messageService.catchUpSearchIndex(); // SQLite indexes after commit: the fill includes it
        double fillSeconds = (System.nanoTime() - t0) / 1e9;
        Random random = new Random(7);
        List<String> qs = new ArrayList<>();
        for (int i = 0; i < queries; i++) {
          qs.add(
              switch (i % 5) {
                case 0 -> WORDS[random.nextInt(WORDS.length)];
                case 1 -> WORDS[random.nextInt(WORDS.length)].substring(0, 3);
                case 2 ->
                    WORDS[random.nextInt(WORDS.length)] + " " + WORDS[random.nextInt(WORDS.length)];
                case 3 -> CJK[random.nextInt(CJK.length)];
                default -> "zq" + random.nextInt(RARE); // in about ten messages of the million
              });
        }
        for (String q : qs.subList(0, Math.min(50, qs.size()))) {
          messageService.search(me, q, null, Long.MAX_VALUE, 21); // warm-up
        }
        Histogram h = new Histogram(60_000_000_000L, 3);
        for (String q : qs) {
          long start = System.nanoTime();
          messageService.search(me, q, null, Long.MAX_VALUE, 21);
          h.recordValue(System.nanoTime() - start);
        }
        // Baseline of the same run: the same kind of query as an unindexed LIKE scan (a sample: it
        // is slow).
        Histogram scan = new Histogram(600_000_000_000L, 3);
        for (String q : qs.subList(0, Math.min(25, qs.size()))) {
          String word = q.split(" ")[0];
          long start = System.nanoTime();
          db.jdbi()
              .useHandle(
                  hd ->
                      hd.createQuery(
                              """
              SELECT m.id FROM messages m JOIN room_members r ON r.room_id = m.room_id AND r.user_id = :u
               WHERE m.body LIKE :p AND m.deleted = :no ORDER BY m.created_at DESC LIMIT 21
              """)
                          .bind("u", me.userId())
                          .bind("p", "%" + word + "%")
                          .bind("no", false)
                          .mapTo(String.class)
                          .list());
          scan.recordValue(System.nanoTime() - start);
        }
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("scenario", "search");
        record.put("store", app.store());
        record.put("messages", messages);
        record.put("rooms", rooms);
        record.put("fill_seconds", Math.round(fillSeconds));
        record.put("queries", queries);
        record.put("p50_ms", h.getValueAtPercentile(50) / 1e6);
        record.put("p99_ms", h.getValueAtPercentile(99) / 1e6);
        record.put("max_ms", h.getMaxValue() / 1e6);
        record.put("baseline_like_scan_p50_ms", scan.getValueAtPercentile(50) / 1e6);
        record.put("baseline_like_scan_p99_ms", scan.getValueAtPercentile(99) / 1e6);
        System.out.println(new ObjectMapper().writeValueAsString(record));
        System.out.printf(
            "search %s over %,d messages: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d queries); "
                + "LIKE scan baseline p50 %.1f ms, p99 %.1f ms%n",
            record.get("store"),
            messages,
            record.get("p50_ms"),
            record.get("p99_ms"),
            record.get("max_ms"),
            queries,
            record.get("baseline_like_scan_p50_ms"),
            record.get("baseline_like_scan_p99_ms"));
      }
    }
    return 0;
  }

  /**
   * Inserts the messages in large transactions, with seqs per room, as the writer would store them.
   */
  private void fill(Database db, String authorId, List<String> roomIds) {
    Random random = new Random(42);
    long[] seqs = new long[roomIds.size()];
    long now = System.currentTimeMillis() - messages * 10L;
    int batch = 5_000;
    for (int done = 0; done < messages; done += batch) {
      int n = Math.min(batch, messages - done);
      int offset = done;
      db.jdbi()
          .useTransaction(
              h -> {
                var insert =
                    h.prepareBatch(
                        """
            INSERT INTO messages (id, room_id, seq, author_id, body, created_at, deleted, search_terms)
            VALUES (:id, :room, :seq, :author, :body, :at, :deleted, :terms)
            """);
                for (int i = 0; i < n; i++) {
                  int r = random.nextInt(roomIds.size());
                  StringBuilder body = new StringBuilder();
                  int words = 4 + random.nextInt(12);
                  for (int w = 0; w < words; w++) {
                    body.append(
                            random.nextInt(10) == 0
                                ? CJK[random.nextInt(CJK.length)]
                                : WORDS[random.nextInt(WORDS.length)])
                        .append(' ');
                  }
                  if (random.nextInt(100) == 0) {
                    body.append("zq").append(random.nextInt(RARE));
                  }
                  String text = body.toString().strip();
                  insert
                      .bind("id", Ids.newId())
                      .bind("room", roomIds.get(r))
                      .bind("seq", ++seqs[r])
                      .bind("author", authorId)
                      .bind("body", text)
                      .bind("at", now + (offset + i) * 10L)
                      .bind("deleted", false)
                      .bind("terms", SearchTerms.index(text))
                      .add();
                }
                insert.execute();
              });
    }
    if (db.dialect() == Dialect.POSTGRESQL) {
      db.jdbi().useHandle(h -> h.execute("ANALYZE")); // what autovacuum does after a bulk load
    }
    db.jdbi()
        .useTransaction(
            h -> {
              for (int r = 0; r < roomIds.size(); r++) {
                h.createUpdate("UPDATE rooms SET last_seq = :s WHERE id = :id")
                    .bind("s", seqs[r])
                    .bind("id", roomIds.get(r))
                    .execute();
              }
            });
  }
}
