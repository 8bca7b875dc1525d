package dev.banter.auth;

import dev.banter.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guest accounts cost nothing to make, so they must not last for ever: one unused for
 * BANTER_GUEST_EXPIRY (no login, refresh or connection; not online now) is signed out and its name
 * freed. A guest who never posted is removed; one whose messages others still read keeps them,
 * under a name no one can register ({@code ~} and its id) and the display name "former guest".
 */
public final class GuestSweeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GuestSweeper.class);

  /** Guests settled per statement batch, so one sweep never holds the writer long. */
  private static final int BATCH = 200;

  static final String FORMER_GUEST = "former guest";

  private final Database db;
  private final Clock clock;
  private final Duration expiry;
  private final Predicate<String> online;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("banter-guests").daemon().factory());

  public GuestSweeper(Database db, Clock clock, Duration expiry, Predicate<String> online) {
    this.db = db;
    this.clock = clock;
    this.expiry = expiry;
    this.online = online;
    long every = Math.max(200, Math.min(Duration.ofHours(1).toMillis(), expiry.toMillis() / 2));
    timer.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
  }

  private void sweepQuietly() {
    try {
      int n = sweep();
      if (n > 0) {
        log.info("expired {} idle guest accounts", n);
      }
    } catch (RuntimeException e) {
      log.warn("could not expire idle guests: {}", e.toString());
    }
  }

  /** Expires the guests idle past the expiry; returns how many. */
  int sweep() {
    long before = clock.millis() - expiry.toMillis();
    int done = 0;
    while (true) {
      List<String> idle =
          db
              .jdbi()
              .withHandle(
                  h ->
                      h.createQuery(
                              """
          SELECT id FROM users
           WHERE guest = :yes AND username NOT LIKE '~%' AND coalesce(last_seen_at, created_at) < :before
           ORDER BY id LIMIT :batch
          """)
                          .bind("yes", true)
                          .bind("before", before)
                          .bind("batch", BATCH)
                          .mapTo(String.class)
                          .list())
              .stream()
              .filter(id -> !online.test(id))
              .toList();
      if (idle.isEmpty()) {
        return done;
      }
      db.jdbi()
          .useTransaction(
              h -> {
                for (String id : idle) {
                  boolean posted =
                      h.createQuery("SELECT count(*) FROM messages WHERE author_id = :id")
                              .bind("id", id)
                              .mapTo(Long.class)
                              .one()
                          > 0;
                  if (posted) {
                    h.createUpdate("DELETE FROM token_families WHERE user_id = :id")
                        .bind("id", id)
                        .execute();
                    h.createUpdate("DELETE FROM room_members WHERE user_id = :id")
                        .bind("id", id)
                        .execute();
                    h.createUpdate("DELETE FROM push_subscriptions WHERE user_id = :id")
                        .bind("id", id)
                        .execute();
                    h.createUpdate(
                            "UPDATE users SET username = :name, display_name = :display WHERE id = :id")
                        .bind("name", "~" + id)
                        .bind("display", FORMER_GUEST)
                        .bind("id", id)
                        .execute();
                  } else {
                    h.createUpdate("DELETE FROM users WHERE id = :id").bind("id", id).execute();
                  }
                }
              });
      done += idle.size();
      if (idle.size() < BATCH) {
        return done;
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
