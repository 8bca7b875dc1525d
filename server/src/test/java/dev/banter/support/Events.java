package dev.banter.support;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.banter.core.Json;
import dev.banter.events.ServerEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/** Records every event a test server publishes, so tests can assert what clients would see live. */
public final class Events {
  /** Whole numbers as longs, as the fields are declared. */
  private static final ObjectMapper FIELDS =
      Json.MAPPER.copy().enable(DeserializationFeature.USE_LONG_FOR_INTS);

  private final List<Seen> seen = new CopyOnWriteArrayList<>();

  /**
   * An event as published: its frame type, its routing, and its fields as they travel between nodes
   * (snake_case, e.g. {@code room_id}, {@code message}).
   */
  public record Seen(
      String type, String roomId, List<String> users, Map<String, Object> body, ServerEvent event) {
    /** The seq of a new message, else 0. */
    public long seq() {
      return event instanceof ServerEvent.NewMessage m ? m.seq() : 0;
    }
  }

  void record(ServerEvent e) {
    Map<String, Object> body = FIELDS.convertValue(e, new TypeReference<Map<String, Object>>() {});
    seen.add(new Seen(String.valueOf(body.get("type")), e.roomId(), e.users(), body, e));
  }

  public List<Seen> all() {
    return List.copyOf(seen);
  }

  public List<Seen> of(String type, String roomId) {
    return seen.stream().filter(e -> e.type().equals(type) && roomId.equals(e.roomId())).toList();
  }

  /**
   * Waits (up to 5 s) for an event matching {@code match}; events are published after commit, maybe
   * on another thread.
   */
  public Seen await(String type, Predicate<Seen> match) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> seen.stream().anyMatch(e -> e.type().equals(type) && match.test(e)));
    return seen.stream()
        .filter(e -> e.type().equals(type) && match.test(e))
        .findFirst()
        .orElseThrow();
  }

  public void clear() {
    seen.clear();
  }
}
