package dev.banter.cluster;

import java.util.function.Consumer;

/**
 * Where committed changes are announced. One implementation per deployment shape: in-process
 * for one node ({@link LocalBus}), Redis pub/sub for many ({@link RedisBus}).
 */
public interface EventBus extends AutoCloseable {
  /** Announces {@code event} to every subscriber (on every node). Call only after the change is committed. */
  void publish(Event event);

  /** Registers a listener for every event; it must not block for long (hand heavy work off). */
  void subscribe(Consumer<Event> listener);

  /**
   * This node has a subscriber in {@code roomId}: from the return of this call on, the room's
   * events from other nodes reach the listeners. Counted: one {@link #unwatchRoom} per call.
   */
  default void watchRoom(String roomId) {}

  default void unwatchRoom(String roomId) {}

  /** Runs {@code action} each time the bus reconnects after losing events (events may have been missed). */
  default void onResync(Runnable action) {}

  /** Null when healthy, else what is wrong (for readiness). */
  default String problem() {
    return null;
  }

  @Override
  default void close() {}
}
