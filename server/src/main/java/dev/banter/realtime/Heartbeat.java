package dev.banter.realtime;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pings every connection once per ping interval, a slice at a time, on the connections' own loops;
 * a connection idle too long, or whose token expired or session ended, is closed instead ({@link
 * Connection#heartbeat}). Pinging a loop's thousands of connections in one task stalled everything
 * else on it (100–200 ms for 5,000 connections on one core, every 25 s). One timer for the node, no
 * timer per connection.
 */
final class Heartbeat implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

  /** Most slices a ping interval is cut into: each tick pings one slice of the connections. */
  private static final int MAX_SLICES = 250;

  /** Fewest milliseconds between two ticks. */
  private static final long MIN_TICK_MS = 20;

  private final Set<Connection> connections;
  private final int slices;
  private final long tickMillis;

  /** Timer thread only: the slice the next tick pings. */
  private int next;

  Heartbeat(Set<Connection> connections, long pingMillis) {
    this.connections = connections;
    this.slices = slices(pingMillis);
    this.tickMillis = Math.max(1, pingMillis / slices);
  }

  /**
   * Slices of a ping interval of {@code pingMillis}: as many as fit ticks of at least 20 ms, at
   * most 250.
   */
  static int slices(long pingMillis) {
    return (int) Math.max(1, Math.min(MAX_SLICES, pingMillis / MIN_TICK_MS));
  }

  /**
   * The slice of the ping interval in which {@code c} is pinged (fixed for the connection's life).
   */
  static int sliceOf(Connection c, int slices) {
    return Math.floorMod(System.identityHashCode(c), slices);
  }

  long tickMillis() {
    return tickMillis;
  }

  /** One tick: pings (or closes) the connections of this tick's slice. */
  @Override
  public void run() {
    int slice = next;
    next = (slice + 1) % slices;
    try {
      Map<LoopOutbox, List<Connection>> due = new IdentityHashMap<>(4);
      for (Connection c : connections) {
        if (sliceOf(c, slices) == slice) {
          due.computeIfAbsent(c.outbox(), k -> new ArrayList<>()).add(c);
        }
      }
      due.forEach((outbox, list) -> outbox.execute(() -> list.forEach(Connection::heartbeat)));
    } catch (
        RuntimeException e) { // a failed tick must not end the timer (and with it every later ping)
      log.error("heartbeat tick failed", e);
    }
  }
}
