package dev.banter.cluster;

import dev.banter.events.ControlMessage;
import dev.banter.events.ServerEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-node event bus: delivers each event to every listener on the publishing thread, so
 * events of one publisher arrive in the order published.
 */
public final class LocalBus implements EventBus {
  private static final Logger log = LoggerFactory.getLogger(LocalBus.class);
  private final List<Consumer<ServerEvent>> listeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<ControlMessage>> controls = new CopyOnWriteArrayList<>();

  @Override
  public void publish(ServerEvent event) {
    deliver(listeners, event);
  }

  @Override
  public void tell(ControlMessage message) {
    deliver(controls, message);
  }

  /** To every listener; one that fails must not starve the others. */
  static <T> void deliver(List<Consumer<T>> to, T item) {
    for (Consumer<T> l : to) {
      try {
        l.accept(item);
      } catch (RuntimeException e) {
        log.error("listener failed on {}", item.getClass().getSimpleName(), e);
      }
    }
  }

  @Override
  public void subscribe(Consumer<ServerEvent> listener) {
    listeners.add(listener);
  }

  @Override
  public void onControl(Consumer<ControlMessage> listener) {
    controls.add(listener);
  }
}
