package dev.banter.auth;

import dev.banter.cluster.EventBus;
import dev.banter.events.ControlMessage;
import dev.banter.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What ends access at once, whatever a token's expiry says: accounts a global admin disabled and
 * signed-in sessions that were ended (logout, a password change, a disable). Kept in memory so
 * every request and every WebSocket heartbeat checks it without a query. Changes reach every node
 * by bus events; since Redis may drop an event, each node also reads the recent changes from the
 * database every {@link #POLL}, so a missed event costs at most that long.
 *
 * <p>A revoked session is remembered only while one of its access tokens could still be valid (the
 * token lifetime plus the verifier's leeway): after that its tokens are expired anyway. So the set
 * is bounded by the sessions ended in one token lifetime, which the auth rate limit bounds.
 */
public final class Revocations implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Revocations.class);
  static final Duration POLL = Duration.ofSeconds(10);

  /** The access-token verifier's leeway, in seconds (see AccessTokens). */
  static final long LEEWAY_SECONDS = 5;

  private final Database db;
  private final EventBus bus;
  private final Clock clock;
  private final long keepMillis;
  private final Set<String> disabledUsers = ConcurrentHashMap.newKeySet();

  /** Session id → when it was revoked. */
  private final Map<String, Long> revokedSessions = new ConcurrentHashMap<>();

  private final ScheduledExecutorService poller =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("banter-revocations").daemon().factory());
  private volatile long polledUpTo;

  /**
   * @param accessTtl the access-token lifetime: how long a revoked session must be remembered
   */
  public Revocations(Database db, EventBus bus, Clock clock, Duration accessTtl) {
    this.db = db;
    this.bus = bus;
    this.clock = clock;
    this.keepMillis = accessTtl.toMillis() + Duration.ofSeconds(LEEWAY_SECONDS + 1).toMillis();
    long now = clock.millis();
    load(now - keepMillis);
    polledUpTo = now;
    bus.onControl(this::apply);
    poller.scheduleWithFixedDelay(
        this::poll, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
  }

  public boolean userDisabled(String userId) {
    return disabledUsers.contains(userId);
  }

  public boolean sessionRevoked(String sessionId) {
    return sessionId != null && revokedSessions.containsKey(sessionId);
  }

  /** Tells every node (this one included) that {@code sessionIds} of {@code userId} ended. */
  void sessionsRevoked(String userId, List<String> sessionIds) {
    if (sessionIds.isEmpty()) {
      return;
    }
    long now = clock.millis();
    sessionIds.forEach(s -> revokedSessions.put(s, now)); // at once here, whatever the bus does
    bus.tell(new ControlMessage.SessionsRevoked(userId, sessionIds));
  }

  /** Tells every node (this one included) that {@code userId} was disabled or enabled again. */
  void userDisabled(String userId, boolean disabled) {
    if (disabled) {
      disabledUsers.add(userId);
    } else {
      disabledUsers.remove(userId);
    }
    bus.tell(new ControlMessage.UserDisabled(userId, disabled));
  }

  private void apply(ControlMessage m) {
    switch (m) {
      case ControlMessage.UserDisabled d when d.disabled() -> disabledUsers.add(d.userId());
      case ControlMessage.UserDisabled d -> disabledUsers.remove(d.userId());
      case ControlMessage.SessionsRevoked r -> {
        long now = clock.millis();
        r.sessionIds().forEach(id -> revokedSessions.putIfAbsent(id, now));
      }
      case ControlMessage.NotificationSettingsChanged ignored -> {} // the notifier's
    }
  }

  /** Catches what the bus may have dropped, and forgets sessions whose tokens have all expired. */
  void poll() {
    try {
      long now = clock.millis();
      load(polledUpTo - POLL.toMillis()); // overlap: a revocation committed while the last poll ran
      polledUpTo = now;
      revokedSessions.values().removeIf(at -> at < now - keepMillis);
    } catch (RuntimeException e) {
      log.warn("could not read recent revocations: {}", e.toString());
    }
  }

  private void load(long since) {
    Set<String> disabled =
        Set.copyOf(
            db.jdbi()
                .withHandle(
                    h ->
                        h.createQuery("SELECT id FROM users WHERE disabled = :yes")
                            .bind("yes", true)
                            .mapTo(String.class)
                            .list()));
    disabledUsers.retainAll(disabled);
    disabledUsers.addAll(disabled);
    db.jdbi()
        .useHandle(
            h ->
                h.createQuery(
                        "SELECT id, revoked_at FROM token_families WHERE revoked_at IS NOT NULL AND revoked_at >= :since")
                    .bind("since", since)
                    .map((rs, ctx) -> Map.entry(rs.getString("id"), rs.getLong("revoked_at")))
                    .forEach(
                        entry -> revokedSessions.putIfAbsent(entry.getKey(), entry.getValue())));
  }

  /** For tests: reads the recent changes now instead of waiting for the next poll. */
  public void pollNow() {
    poll();
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }
}
