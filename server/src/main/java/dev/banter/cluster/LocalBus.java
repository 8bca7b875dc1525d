package dev.banter.cluster;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-node event bus: delivers each event to every listener on the publishing thread,
 * so events of one publisher arrive in the order published.
 */
public final class LocalBus implements EventBus {
  private static final Logger log = LoggerFactory.getLogger(LocalBus.class);
  private final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();

  @Override
  public void publish(Event event) {
    for (Consumer<Event> l : listeners) {
      try {
        l.accept(event);
      } catch (RuntimeException e) {
        log.error("event listener failed on {}", event.type(), e); // one bad listener must not starve the others
      }
    }
  }

  @Override
  public void subscribe(Consumer<Event> listener) {
    listeners.add(listener);
  }
}
