package dev.banter.cluster;

import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Who is online across the deployment. The gateway tells it when a user's first connection on this
 * node opens and when the last one closes; it answers whether that changed the user's presence
 * anywhere. Calls may block briefly (network): never call from an event loop.
 */
public interface Presence extends AutoCloseable {
  /** The user's first connection on this node opened; true when they were offline everywhere. */
  boolean arrived(String userId);

  /** The user's last connection on this node closed; true when they are now offline everywhere. */
  boolean departed(String userId);

  /** Whether the user has a connection on any node that is alive (this one included). */
  boolean isOnline(String userId);

  /**
   * The users among {@code userIds} with a live connection anywhere (one round of calls for all:
   * an @here or a notification fan-out asks about a whole room).
   */
  default Set<String> online(Collection<String> userIds) {
    Set<String> out = new HashSet<>();
    for (String u : userIds) {
      if (isOnline(u)) {
        out.add(u);
      }
    }
    return out;
  }

  /** Open connections per live node; {@code local} is this node's own count. */
  default Map<String, Long> connectionsPerNode(String nodeId, long local) {
    return Map.of(nodeId, local);
  }

  /** Called with each user who went offline because the node holding them died. */
  default void onLost(Consumer<String> userWentOffline) {}

  /**
   * Called once another node is found dead, after its users: what it committed but never published
   * must be read from the store.
   */
  default void onNodeLost(Runnable action) {}

  /** Where this node's open connections are counted (for the admin stats of every node). */
  default void countConnections(LongSupplier connections) {}

  @Override
  default void close() {}
}
