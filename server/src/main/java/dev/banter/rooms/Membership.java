package dev.banter.rooms;

/**
 * The caller's place in a room, read by primary key whatever the room's size: their role (null when
 * not a member), the room's kind, its last seq and its last rev (SPEC §5.1).
 */
public record Membership(String role, String kind, long lastSeq, long lastRev) {
  public boolean isDirect() {
    return Room.DIRECT.equals(kind);
  }
}
