package dev.banter.cluster;

import java.util.function.Consumer;

/**
 * Where committed changes are announced. One implementation per deployment shape: in-process
 * for one node ({@link LocalBus}), Redis pub/sub for many.
 */
public interface EventBus extends AutoCloseable {
  /** Announces {@code event} to every subscriber (on every node). Call only after the change is committed. */
  void publish(Event event);

  /** Registers a listener for every event; it must not block for long (hand heavy work off). */
  void subscribe(Consumer<Event> listener);

  @Override
  default void close() {}
}
