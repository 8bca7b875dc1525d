package dev.banter.rooms;

/** The caller's place in a room, read by primary key: their role (null when not a member) and the room's last seq. */
public record Membership(String role, long lastSeq) {}
