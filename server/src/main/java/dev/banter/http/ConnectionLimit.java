package dev.banter.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open HTTP connections per client address, capped ({@code BANTER_HTTP_CONNECTIONS_PER_IP}):
 * without a cap one address could hold thousands of half-sent or never-read connections. A
 * connection that becomes a WebSocket gives its place back; {@code BANTER_WS_PER_IP} counts it from
 * then on. A connection from a trusted proxy carries many clients and is not capped here: the proxy
 * caps its clients' connections.
 */
final class ConnectionLimit {
  private final int perAddress;
  private final Map<String, Integer> open = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();

  /**
   * @param perAddress the cap; 0 is no cap
   */
  ConnectionLimit(int perAddress) {
    this.perAddress = perAddress;
  }

  int perAddress() {
    return perAddress;
  }

  /** A place for one more connection of {@code address}, or null when it has its share. */
  Slot tryAcquire(String address) {
    boolean[] admitted = {false};
    open.compute(
        address,
        (k, n) -> {
          int now = n == null ? 0 : n;
          if (perAddress > 0 && now >= perAddress) {
            return n;
          }
          admitted[0] = true;
          return now + 1;
        });
    if (!admitted[0]) {
      return null;
    }
    total.incrementAndGet();
    return new Slot(address);
  }

  /** A place for a connection from a trusted proxy: counted in the total, never refused. */
  Slot forProxy() {
    total.incrementAndGet();
    return new Slot(null);
  }

  /** Open HTTP connections, all addresses. */
  int open() {
    return total.get();
  }

  /** One connection's place; giving it back twice (closed after an upgrade) counts once. */
  final class Slot {
    private final String address;
    private final AtomicBoolean released = new AtomicBoolean();

    private Slot(String address) {
      this.address = address;
    }

    void release() {
      if (released.compareAndSet(false, true)) {
        if (address != null) {
          open.computeIfPresent(address, (k, n) -> n <= 1 ? null : n - 1);
        }
        total.decrementAndGet();
      }
    }
  }
}
