package dev.banter.messages;

import dev.banter.core.Outage;
import dev.banter.store.Database;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQLite only: indexes stored messages for search after the transaction that stored them, many at a
 * time. Indexing inside the writer's transaction (a trigger per row) was half of the writer's work:
 * FTS5 wrote and merged an index segment per commit, 25 small ones a second at full load. A stored
 * message waits in {@code search_pending} (one integer row, written with it); this indexes
 * everything pending every {@link #EVERY_MS} and before every search, so a search finds every
 * message stored before it began.
 */
final class SearchIndexer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SearchIndexer.class);
  static final long EVERY_MS = 500;

  /** Messages indexed per transaction, so that one pass never holds the write lock for long. */
  private static final int PASS_ROWS = 20_000;

  private final Database db;
  private final ReentrantLock indexing = new ReentrantLock();
  private final Outage outage =
      new Outage(log, "search indexing", "new messages are stored and wait to be indexed");
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("banter-indexer").daemon().factory());

  SearchIndexer(Database db) {
    this.db = db;
    timer.scheduleWithFixedDelay(this::tick, 0, EVERY_MS, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    try {
      catchUp();
      outage.succeeded();
    } catch (RuntimeException e) {
      outage.failed(e);
    }
  }

  /** Indexes every message stored so far; returns how many it indexed. */
  int catchUp() {
    indexing.lock();
    try {
      int total = 0;
      int n;
      do {
        n = pass();
        total += n;
      } while (n == PASS_ROWS);
      return total;
    } finally {
      indexing.unlock();
    }
  }

  /** Indexes up to {@link #PASS_ROWS} pending messages, oldest first, in one transaction. */
  private int pass() {
    boolean pending =
        db.jdbi()
            .withHandle(
                h ->
                    h.createQuery("SELECT EXISTS (SELECT 1 FROM search_pending)")
                        .mapTo(Boolean.class)
                        .one());
    if (!pending) {
      return 0; // the common case between bursts: no write lock taken
    }
    return db.jdbi()
        .inTransaction(
            h -> {
              long upTo =
                  h.createQuery(
                          """
          SELECT coalesce(max(message_rowid), 0)
            FROM (SELECT message_rowid FROM search_pending ORDER BY message_rowid LIMIT :n)
          """)
                      .bind("n", PASS_ROWS)
                      .mapTo(Long.class)
                      .one();
              h.createUpdate(
                      """
          INSERT INTO messages_fts (rowid, search_terms)
          SELECT m.rowid, m.search_terms FROM search_pending p JOIN messages m ON m.rowid = p.message_rowid
           WHERE p.message_rowid <= :upTo ORDER BY p.message_rowid
          """)
                  .bind("upTo", upTo)
                  .execute();
              return h.createUpdate("DELETE FROM search_pending WHERE message_rowid <= :upTo")
                  .bind("upTo", upTo)
                  .execute();
            });
  }

  @Override
  public void close() {
    timer.shutdown(); // no further passes; one in progress ends (it is not interrupted) before the
    // database closes
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
