package dev.banter.tools;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What a copy must have kept, read from both databases inside the copy's transactions: the rows of
 * every table, and each room's counters — the seq and rev the next post continues from, and the
 * newest message's — which the same SQL reads on both.
 */
final class CopyCheck {
  private static final int SHOWN = 10;

  private static final String ROOM_COUNTERS =
      """
      SELECT r.id, r.last_seq, r.last_rev,
             (SELECT COALESCE(max(m.seq), 0) FROM messages m WHERE m.room_id = r.id) AS max_seq,
             (SELECT COALESCE(max(m.rev), 0) FROM messages m WHERE m.room_id = r.id) AS max_rev
        FROM rooms r
      """;

  /** A room's counters and its newest message's seq and rev (0 without messages). */
  record Counters(long lastSeq, long lastRev, long maxSeq, long maxRev) {}

  private CopyCheck() {}

  static Map<String, Counters> roomCounters(Connection c) throws SQLException {
    Map<String, Counters> rooms = new HashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(ROOM_COUNTERS)) {
      while (rs.next()) {
        rooms.put(
            rs.getString("id"),
            new Counters(
                rs.getLong("last_seq"),
                rs.getLong("last_rev"),
                rs.getLong("max_seq"),
                rs.getLong("max_rev")));
      }
    }
    return rooms;
  }

  /**
   * Where target and source differ, one line each (at most {@value #SHOWN}, then how many more);
   * empty when the copy checks out.
   */
  static List<String> differences(
      Map<String, Long> sourceRows,
      Map<String, Long> targetRows,
      Map<String, Counters> sourceRooms,
      Map<String, Counters> targetRooms) {
    List<String> found = new ArrayList<>();
    for (String table : new TreeSet<>(sourceRows.keySet())) {
      long want = sourceRows.get(table);
      Long got = targetRows.get(table);
      if (got == null || got != want) {
        found.add(table + ": " + want + " rows in the source, " + got + " in the target");
      }
    }
    TreeSet<String> rooms = new TreeSet<>(sourceRooms.keySet());
    rooms.addAll(targetRooms.keySet());
    for (String room : rooms) {
      Counters want = sourceRooms.get(room);
      Counters got = targetRooms.get(room);
      if (want == null || !want.equals(got)) {
        found.add("room " + room + ": " + want + " in the source, " + got + " in the target");
      }
    }
    if (found.size() > SHOWN) {
      int more = found.size() - SHOWN;
      found = new ArrayList<>(found.subList(0, SHOWN));
      found.add("… and " + more + " more");
    }
    return found;
  }
}
