package dev.banter.realtime;

import dev.banter.cluster.EventBus;
import dev.banter.core.Principal;
import dev.banter.events.ServerEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is typing where (SPEC §5: a {@code typing} hint that stops by itself 6 s after the last
 * refresh). A refresh is published at most every 3 s; one sweep a second announces the stops that
 * expired — no timer per frame. At most {@link #MAX_TYPISTS} are tracked: past that, new ones are
 * ignored (typing is only a hint), and the per-user typing budget keeps any one user far below it.
 */
final class TypingTracker {
  /** Typing stops by itself this long after the last refresh. */
  static final Duration TTL = Duration.ofSeconds(6);

  /** How often expired typists are swept. */
  static final Duration SWEEP = Duration.ofSeconds(1);

  /** A refresh sooner than this after the last published one is not published again. */
  private static final Duration REPUBLISH = Duration.ofSeconds(3);

  static final int MAX_TYPISTS = 100_000;

  private final EventBus bus;
  private final Clock clock;
  private final Map<Key, Typist> typists = new ConcurrentHashMap<>();

  private record Key(String roomId, String userId) {}

  /** When a typist was last announced, and last refreshed by the client. */
  private record Typist(String username, long publishedAt, long refreshedAt) {}

  TypingTracker(EventBus bus, Clock clock) {
    this.bus = bus;
    this.clock = clock;
  }

  void typing(Principal p, String roomId, boolean active) {
    Key key = new Key(roomId, p.userId());
    long now = clock.millis();
    if (!active) {
      if (typists.remove(key) != null) {
        publish(roomId, p.username(), false);
      }
      return;
    }
    Typist before = typists.get(key);
    if (before == null && typists.size() >= MAX_TYPISTS) {
      return;
    }
    boolean announce = before == null || now - before.publishedAt() >= REPUBLISH.toMillis();
    typists.put(key, new Typist(p.username(), announce ? now : before.publishedAt(), now));
    if (announce) {
      publish(roomId, p.username(), true);
    }
  }

  /** Announces the end of every typing not refreshed within {@link #TTL}. */
  void sweep() {
    long now = clock.millis();
    typists.forEach(
        (key, t) -> {
          if (now - t.refreshedAt() >= TTL.toMillis() && typists.remove(key, t)) {
            publish(key.roomId(), t.username(), false);
          }
        });
  }

  int size() {
    return typists.size();
  }

  private void publish(String roomId, String username, boolean active) {
    bus.publish(new ServerEvent.Typing(roomId, username, active));
  }
}
