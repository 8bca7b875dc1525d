package dev.banter.cluster;

import dev.banter.events.ControlMessage;
import dev.banter.events.ServerEvent;
import java.util.function.Consumer;

/**
 * Where committed changes are announced. One implementation per deployment shape: in-process for
 * one node ({@link LocalBus}), Redis pub/sub for many ({@link RedisBus}). Client events and control
 * messages travel apart: a listener of one never sees the other.
 */
public interface EventBus extends AutoCloseable {
  /**
   * Announces {@code event} to every subscriber (on every node). Call only after the change is
   * committed.
   */
  void publish(ServerEvent event);

  /** Tells every node, this one first and at once, {@code message}. */
  void tell(ControlMessage message);

  /** Registers a listener for every event; it must not block for long (hand heavy work off). */
  void subscribe(Consumer<ServerEvent> listener);

  /** Registers a listener for every control message; it must not block for long. */
  void onControl(Consumer<ControlMessage> listener);

  /**
   * This node has a subscriber in {@code roomId}: from the return of this call on, the room's
   * events from other nodes reach the listeners. Counted: one {@link #unwatchRoom} per call.
   */
  default void watchRoom(String roomId) {}

  default void unwatchRoom(String roomId) {}

  /**
   * Runs {@code action} each time the bus reconnects after losing events (events may have been
   * missed).
   */
  default void onResync(Runnable action) {}

  /** Null when healthy, else what is wrong (for readiness). */
  default String problem() {
    return null;
  }

  @Override
  default void close() {}
}
