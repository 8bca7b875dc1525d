package dev.banter.support;

import org.awaitility.Awaitility;

import dev.banter.cluster.Event;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Records every event a test server publishes, so tests can assert what clients would see live. */
public final class Events {
  private final List<Event> seen = new CopyOnWriteArrayList<>();

  void record(Event e) {
    seen.add(e);
  }

  public List<Event> all() {
    return List.copyOf(seen);
  }

  public List<Event> of(String type, String roomId) {
    return seen.stream().filter(e -> e.type().equals(type) && roomId.equals(e.roomId())).toList();
  }

  /** Waits (up to 5 s) for an event matching {@code match}; events are published after commit, maybe on another thread. */
  public Event await(String type, Predicate<Event> match) {
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> seen.stream().anyMatch(e -> e.type().equals(type) && match.test(e)));
    return seen.stream().filter(e -> e.type().equals(type) && match.test(e)).findFirst().orElseThrow();
  }

  public void clear() {
    seen.clear();
  }
}
