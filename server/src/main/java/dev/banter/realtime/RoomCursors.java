package dev.banter.realtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * For each room with a subscriber on this node, the newest seq and rev its fan-out delivered here.
 * A cursor starts with the room's first subscriber, at what was stored before it subscribed, and
 * from then on moves only by delivery: a join's replay serves its own connection and never moves
 * it, so a message stored but not (yet) heard of here is still filled in for everyone else before
 * anything later reaches them. Written only on the room's fan-out shard.
 */
final class RoomCursors {
  /** A room's position; {@code rev} is the newest change delivered, a lower bound for a resync. */
  static final class Cursor {
    volatile long seq;
    volatile long rev;

    Cursor(long seq, long rev) {
      this.seq = seq;
      this.rev = rev;
    }
  }

  private final Map<String, Cursor> byRoom = new ConcurrentHashMap<>();

  /** The first subscriber of {@code roomId} here: the cursor starts at the stored end it read. */
  void startIfAbsent(String roomId, long seq, long rev) {
    byRoom.computeIfAbsent(roomId, k -> new Cursor(seq, rev));
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
