package dev.banter.realtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * For each room with a subscriber on this node, the newest seq its fan-out delivered here. A cursor
 * starts with the room's first subscriber, at what was stored before it subscribed, and from then
 * on moves only by delivery: a join's replay serves its own connection and never moves it, so a
 * message stored but not (yet) heard of here is still filled in for everyone else before anything
 * later reaches them. Written only on the room's fan-out shard.
 */
final class RoomCursors {
  /** A room's position. */
  static final class Cursor {
    volatile long seq;

    Cursor(long seq) {
      this.seq = seq;
    }
  }

  private final Map<String, Cursor> byRoom = new ConcurrentHashMap<>();

  /** The first subscriber of {@code roomId} here: the cursor starts at the stored end it read. */
  void startIfAbsent(String roomId, long seq) {
    byRoom.computeIfAbsent(roomId, k -> new Cursor(seq));
  }

  void forget(String roomId) {
    byRoom.remove(roomId);
  }

  /** The room's cursor, or null when nobody here listens to it. */
  Cursor of(String roomId) {
    return byRoom.get(roomId);
  }

  /** The rooms with a cursor (a snapshot). */
  Map<String, Cursor> snapshot() {
    return Map.copyOf(byRoom);
  }
}
