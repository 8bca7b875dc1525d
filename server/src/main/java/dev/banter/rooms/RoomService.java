package dev.banter.rooms;

import dev.banter.auth.User;
import dev.banter.auth.Users;
import dev.banter.cluster.EventBus;
import dev.banter.core.ApiError;
import dev.banter.core.Ids;
import dev.banter.core.Principal;
import dev.banter.core.Times;
import dev.banter.core.UserLimits;
import dev.banter.events.ControlMessage;
import dev.banter.events.ServerEvent;
import dev.banter.store.AuditLog;
import dev.banter.store.Database;
import dev.banter.store.Sql;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** Rooms, membership, roles, invites and direct rooms (SPEC §3). Events go out after commit. */
public final class RoomService {
  /**
   * The id of the `general` channel every user joins; fixed so renaming it keeps it the default.
   */
  public static final String DEFAULT_ROOM_ID = "general";

  private static final Set<String> ROLES = Set.of("owner", "admin", "member");

  private final Database db;
  private final EventBus bus;
  private final Clock clock;
  private final Predicate<String> online;
  private final UserLimits limits;

  public RoomService(
      Database db, EventBus bus, Clock clock, Predicate<String> online, UserLimits limits) {
    this.limits = limits;
    this.db = db;
    this.bus = bus;
    this.clock = clock;
    this.online = online;
  }

  /** Creates the `general` channel on first start (any node may race to do it; one wins). */
  public void ensureDefaultRoom() {
    try {
      db.jdbi()
          .useTransaction(
              h -> {
                if (Rooms.byId(h, DEFAULT_ROOM_ID, "").isEmpty()) {
                  Rooms.insert(
                      h,
                      DEFAULT_ROOM_ID,
                      Room.CHANNEL,
                      "general",
                      "general",
                      null,
                      "",
                      Room.PUBLIC,
                      null,
                      clock.millis());
                }
              });
    } catch (UnableToExecuteStatementException e) {
      if (!Sql.isUniqueViolation(e)) {
        throw e;
      }
    }
  }

  /** Makes a new user a member of `general`, inside the registration's transaction. */
  public void joinDefaultRoom(Handle h, User user) {
    long lastSeq =
        Rooms.membership(h, DEFAULT_ROOM_ID, user.id()).map(Membership::lastSeq).orElse(-1L);
    if (lastSeq >= 0) {
      Rooms.addMember(h, DEFAULT_ROOM_ID, user.id(), "member", clock.millis(), lastSeq);
    }
  }

  /**
   * Makes a user who registered with an invite to {@code roomId} a member, inside the
   * registration's transaction; false when the room is gone. {@link #announceJoined} tells the room
   * after the commit.
   */
  public boolean joinOnRegistration(Handle h, User user, String roomId) {
    return Rooms.byId(h, roomId, user.id())
        .map(
            room -> Rooms.addMember(h, roomId, user.id(), "member", clock.millis(), room.lastSeq()))
        .orElse(false);
  }

  /** The {@code user_joined} of a member added in another service's transaction. */
  public void announceJoined(String roomId, String userId) {
    announceJoin(roomId, userId);
  }

  // ---- reading ----

  public Room get(Principal p, String roomId) {
    Room room = find(roomId, p.userId());
    if (!room.isMember() && !room.isPublic()) {
      throw ApiError.forbidden("you are not a member of this room");
    }
    return room;
  }

  public Room defaultRoom(Principal p) {
    return find(DEFAULT_ROOM_ID, p.userId());
  }

  /**
   * The room, if the caller is a member: 404 when absent, 403 otherwise. For every room-scoped
   * call.
   */
  public Room requireMember(Principal p, String roomId) {
    Room room = find(roomId, p.userId());
    if (!room.isMember()) {
      throw ApiError.forbidden("you are not a member of this room");
    }
    return room;
  }

  /**
   * The caller's role in a room they belong to: 404 when absent, 403 when not a member. Cheaper
   * than the room.
   */
  public String requireRole(Principal p, String roomId) {
    return db.jdbi().withHandle(h -> requireRole(h, p, roomId));
  }

  /** The same check on the caller's handle, so a caller that reads more pays for one handle. */
  public String requireRole(Handle h, Principal p, String roomId) {
    return requireMembership(h, p, roomId).role();
  }

  /** The caller's role, the room's kind and last seq, with the checks of {@link #requireRole}. */
  public Membership requireMembership(Principal p, String roomId) {
    return db.jdbi().withHandle(h -> requireMembership(h, p, roomId));
  }

  private static Membership requireMembership(Handle h, Principal p, String roomId) {
    return member(
        Rooms.membership(h, roomId, p.userId())
            .orElseThrow(() -> ApiError.notFound("no such room")));
  }

  private static Membership member(Membership m) {
    if (m.role() == null) {
      throw notAMember();
    }
    return m;
  }

  private static ApiError notAMember() {
    return ApiError.forbidden("you are not a member of this room");
  }

  /** A user in a room: the key posts are checked by. */
  public record RoomUser(String roomId, String userId) {}

  /** A post's author as checked against its room: the author's row, or the error the post gets. */
  public record Poster(User user, ApiError refusal) {}

  /**
   * The checks of {@link #requireRole} and each author's own row, for many posts in one statement:
   * 404 without the room, 403 outside it, 401 when the account is gone. The message writer runs it
   * in the transaction that stores the posts, so a post and the membership it needs are one
   * consistent read.
   */
  public static Map<RoomUser, Poster> posters(Handle h, Collection<RoomUser> pairs) {
    Map<RoomUser, Poster> checked = new HashMap<>();
    Rooms.posters(h, pairs).forEach((pair, row) -> checked.put(pair, check(row)));
    return checked;
  }

  /** Every member of a room, in the caller's handle (the notifier's @room and @here). */
  public static List<String> memberIds(Handle h, String roomId) {
    return Rooms.memberIds(h, roomId);
  }

  private static Poster check(Rooms.Poster row) {
    if (row.membership().kind() == null) {
      return new Poster(null, ApiError.notFound("no such room"));
    } else if (row.membership().role() == null) {
      return new Poster(null, notAMember());
    } else if (row.user() == null) {
      return new Poster(null, ApiError.unauthorized("user no longer exists"));
    }
    return new Poster(row.user(), null);
  }

  /** {@link #posters} for one post, throwing its error: what a post checks before it is queued. */
  public User requirePoster(Handle h, Principal p, String roomId) {
    RoomUser pair = new RoomUser(roomId, p.userId());
    Poster poster = posters(h, List.of(pair)).get(pair);
    if (poster.refusal() != null) {
      throw poster.refusal();
    }
    return poster.user();
  }

  private Room find(String roomId, String viewer) {
    return db.jdbi()
        .withHandle(h -> Rooms.byId(h, roomId, viewer))
        .orElseThrow(() -> ApiError.notFound("no such room"));
  }

  /** The rooms {@code userId} is a member of: who may see their presence (SPEC §5). */
  public List<String> roomIdsOf(String userId) {
    return db.jdbi().withHandle(h -> Rooms.roomIdsOf(h, userId));
  }

  /**
   * Which of {@code userIds} are members of {@code roomId}, per room: one query per batch of rooms.
   */
  public Map<String, Set<String>> membersAmong(Map<String, Set<String>> userIdsByRoom) {
    Map<String, Set<String>> out = new HashMap<>();
    db.jdbi()
        .useHandle(
            h ->
                userIdsByRoom.forEach(
                    (room, users) ->
                        out.put(
                            room,
                            Set.copyOf(
                                h.createQuery(
                                        "SELECT user_id FROM room_members WHERE room_id = :room AND user_id IN (<users>)")
                                    .bind("room", room)
                                    .bindList("users", List.copyOf(users))
                                    .mapTo(String.class)
                                    .list()))));
    return out;
  }

  public List<Room> mine(Principal p) {
    return db.jdbi().withHandle(h -> Rooms.ofMember(h, p.userId()));
  }

  public List<Room> discover(Principal p, String query, int limit) {
    return db.jdbi().withHandle(h -> Rooms.publicChannels(h, p.userId(), query.strip(), limit));
  }

  /** A member of the list: {user, role, joined_at, online}. */
  public List<Map<String, Object>> members(Principal p, String roomId) {
    requireMember(p, roomId);
    List<Map<String, Object>> out = new ArrayList<>();
    for (Rooms.MemberRow m : db.jdbi().withHandle(h -> Rooms.members(h, roomId))) {
      out.add(memberView(m));
    }
    return out;
  }

  private Map<String, Object> memberView(Rooms.MemberRow m) {
    Map<String, Object> view = new LinkedHashMap<>();
    Map<String, Object> user =
        User.summary(m.userId(), m.username(), m.displayName(), m.avatarUrl());
    user.put("status_text", m.statusText()); // the members panel shows it under the name (#21)
    view.put("user", user);
    view.put("role", m.role());
    view.put("joined_at", Times.iso(m.joinedAt()));
    view.put("online", online.test(m.userId()));
    return view;
  }

  // ---- channels ----

  /**
   * A new channel. Names are unique among the channels the caller can see: public ones (a unique
   * key), and the private ones the caller is in. A private channel's name is never compared with
   * rooms the caller cannot see, so a 409 never reveals that a private room exists.
   */
  public Room create(Principal p, String rawName, String rawTopic, String rawVisibility) {
    if (p.guest()) {
      throw ApiError.forbidden("guests cannot create rooms");
    }
    String name = RoomFields.name(rawName);
    String topic = rawTopic == null ? "" : RoomFields.topic(rawTopic);
    String visibility = rawVisibility == null ? Room.PUBLIC : RoomFields.visibility(rawVisibility);
    limits.check(UserLimits.Action.ROOM_CREATE, p.userId());
    String id = Ids.newId();
    long now = clock.millis();
    try {
      return db.jdbi()
          .inTransaction(
              h -> {
                requireFreeName(h, p, name, null);
                Rooms.insert(
                    h,
                    id,
                    Room.CHANNEL,
                    name,
                    uniqueKey(name, visibility),
                    null,
                    topic,
                    visibility,
                    p.userId(),
                    now);
                Rooms.addMember(h, id, p.userId(), "owner", now, 0);
                return Rooms.byId(h, id, p.userId()).orElseThrow();
              });
    } catch (UnableToExecuteStatementException e) {
      throw Sql.isUniqueViolation(e) ? ApiError.conflict("a channel with this name exists") : e;
    }
  }

  /** The unique key of a channel's name: public channels only (see {@link #create}). */
  private static String uniqueKey(String name, String visibility) {
    return Room.PUBLIC.equals(visibility) ? RoomFields.key(name) : null;
  }

  /** 409 when a channel the caller can see (other than {@code self}) has this name. */
  private static void requireFreeName(Handle h, Principal p, String name, String self) {
    String key = RoomFields.key(name);
    boolean taken =
        Rooms.byNameKey(h, key, p.userId()).filter(r -> !r.id().equals(self)).isPresent()
            || Rooms.ofMember(h, p.userId()).stream()
                .anyMatch(
                    r ->
                        !r.isDirect()
                            && !r.id().equals(self)
                            && RoomFields.key(r.name()).equals(key));
    if (taken) {
      throw ApiError.conflict("a channel with this name exists");
    }
  }

  /**
   * Changes a channel. Making a public channel private removes its guests (who may only be in
   * public rooms); each gets {@code user_left} like a kick.
   */
  public Room update(
      Principal p, String roomId, String rawName, String rawTopic, String rawVisibility) {
    limits.check(UserLimits.Action.ROOM_CHANGE, p.userId());
    Room room = requireMember(p, roomId);
    if (!room.canModerate()) {
      throw ApiError.forbidden("only the room's owners and admins can change it");
    }
    if (room.isDirect()) {
      throw ApiError.conflict("direct rooms cannot be renamed or made public");
    }
    String name = rawName == null ? room.name() : RoomFields.name(rawName);
    String topic = rawTopic == null ? room.topic() : RoomFields.topic(rawTopic);
    String visibility =
        rawVisibility == null ? room.visibility() : RoomFields.visibility(rawVisibility);
    boolean closing = room.isPublic() && Room.PRIVATE.equals(visibility);
    List<String> removedGuests = new ArrayList<>();
    Room updated;
    try {
      updated =
          db.jdbi()
              .inTransaction(
                  h -> {
                    if (!name.equals(room.name()) || !visibility.equals(room.visibility())) {
                      requireFreeName(h, p, name, roomId);
                    }
                    Rooms.update(h, roomId, name, uniqueKey(name, visibility), topic, visibility);
                    if (closing) {
                      for (String guest : Rooms.guestMemberIds(h, roomId)) {
                        Rooms.removeMember(h, roomId, guest);
                        removedGuests.add(guest);
                      }
                    }
                    return Rooms.byId(h, roomId, p.userId()).orElseThrow();
                  });
    } catch (UnableToExecuteStatementException e) {
      throw Sql.isUniqueViolation(e) ? ApiError.conflict("a channel with this name exists") : e;
    }
    removedGuests.forEach(guest -> announceLeave(roomId, guest, p.username()));
    bus.publish(new ServerEvent.RoomUpdated(roomId, updated.sharedView()));
    return updated;
  }

  public void delete(Principal p, String roomId) {
    limits.check(UserLimits.Action.ROOM_CHANGE, p.userId());
    Room room = find(roomId, p.userId());
    boolean owner = "owner".equals(room.myRole());
    if (!owner && !p.isAdmin()) {
      throw room.isMember() || room.isPublic()
          ? ApiError.forbidden("only the room's owners can delete it")
          : ApiError.forbidden("you are not a member of this room");
    }
    if (DEFAULT_ROOM_ID.equals(roomId)) {
      throw ApiError.conflict("the default room cannot be deleted");
    }
    List<String> members =
        db.jdbi()
            .inTransaction(
                h -> {
                  List<String> ids = Rooms.memberIds(h, roomId);
                  Rooms.delete(h, roomId);
                  AuditLog.record(
                      h,
                      p,
                      "room.delete",
                      roomId,
                      Map.of("name", room.name(), "by_owner", owner),
                      clock.millis());
                  return ids;
                });
    bus.publish(new ServerEvent.RoomDeleted(roomId, members));
  }

  // ---- membership ----

  public Room join(Principal p, String roomId) {
    limits.check(UserLimits.Action.JOIN, p.userId());
    Room room = find(roomId, p.userId());
    if (room.isMember()) {
      return room;
    }
    if (!room.isPublic() || room.isDirect()) {
      throw ApiError.forbidden("this room is invite-only");
    }
    long now = clock.millis();
    Room joined =
        db.jdbi()
            .inTransaction(
                h -> {
                  Rooms.addMember(h, roomId, p.userId(), "member", now, room.lastSeq());
                  return Rooms.byId(h, roomId, p.userId()).orElseThrow();
                });
    announceJoin(roomId, p.userId());
    return joined;
  }

  public void leave(Principal p, String roomId) {
    limits.check(UserLimits.Action.ROOM_CHANGE, p.userId());
    Membership mine = requireMembership(p, roomId);
    if (mine.isDirect()) {
      throw ApiError.conflict("direct rooms cannot be left");
    }
    db.jdbi()
        .useTransaction(
            h -> {
              if ("owner".equals(mine.role())
                  && Rooms.countRole(h, roomId, "owner") == 1
                  && Rooms.countMembers(h, roomId) > 1) {
                throw ApiError.conflict(
                    "the last owner cannot leave; make someone else owner first");
              }
              Rooms.removeMember(h, roomId, p.userId());
            });
    announceLeave(roomId, p.userId(), null);
  }

  /** What an invite answers: the member entry, and whether it is new (false: already a member). */
  public record Invited(Map<String, Object> member, boolean added) {}

  /** Adds {@code username} to the room. */
  public Invited invite(Principal p, String roomId, String rawUsername) {
    limits.check(UserLimits.Action.INVITE, p.userId());
    Room room = requireMember(p, roomId);
    if (room.isDirect()) {
      throw ApiError.conflict("direct rooms have exactly two members");
    }
    if (!room.isPublic() && !room.canModerate()) {
      throw ApiError.forbidden("only the room's owners and admins can invite to a private room");
    }
    if (p.guest() && !room.isPublic()) {
      throw ApiError.forbidden("guests cannot invite");
    }
    User target = user(rawUsername);
    if (target.guest() && !room.isPublic()) {
      throw ApiError.forbidden("guests can only be in public rooms");
    }
    long now = clock.millis();
    boolean isNew =
        db.jdbi()
            .inTransaction(
                h ->
                    Rooms.addMember(
                        h,
                        roomId,
                        target.id(),
                        "member",
                        now,
                        Rooms.byId(h, roomId, target.id()).orElseThrow().lastSeq()));
    if (isNew) {
      Room forInvitee = db.jdbi().withHandle(h -> Rooms.byId(h, roomId, target.id())).orElseThrow();
      bus.publish(new ServerEvent.RoomInvited(target.id(), forInvitee.view(), p.username()));
      announceJoin(roomId, target.id());
    }
    return new Invited(memberOf(roomId, target.id()), isNew);
  }

  private Map<String, Object> memberOf(String roomId, String userId) {
    return db.jdbi().withHandle(h -> Rooms.members(h, roomId)).stream()
        .filter(m -> m.userId().equals(userId))
        .findFirst()
        .map(this::memberView)
        .orElseThrow();
  }

  public void kick(Principal p, String roomId, String rawUsername) {
    limits.check(UserLimits.Action.ROOM_CHANGE, p.userId());
    Room room = requireMember(p, roomId);
    if (!room.canModerate()) {
      throw ApiError.forbidden("only the room's owners and admins can remove members");
    }
    User target = user(rawUsername);
    if (target.id().equals(p.userId())) {
      throw ApiError.validation("username", "to remove yourself, leave the room");
    }
    db.jdbi()
        .useTransaction(
            h -> {
              String role =
                  Rooms.roleOf(h, roomId, target.id())
                      .orElseThrow(() -> ApiError.notFound("not a member of this room"));
              if (rank(role) >= rank(room.myRole())) {
                throw ApiError.forbidden("you can only remove members below your own role");
              }
              Rooms.removeMember(h, roomId, target.id());
              AuditLog.record(
                  h, p, "room.kick", target.username(), Map.of("room_id", roomId), clock.millis());
            });
    announceLeave(roomId, target.id(), p.username());
  }

  public Map<String, Object> setRole(
      Principal p, String roomId, String rawUsername, String rawRole) {
    limits.check(UserLimits.Action.ROOM_CHANGE, p.userId());
    Room room = requireMember(p, roomId);
    if (!"owner".equals(room.myRole())) {
      throw ApiError.forbidden("only the room's owners can change roles");
    }
    if (room.isDirect()) {
      throw ApiError.conflict("direct rooms have no roles");
    }
    if (rawRole == null) {
      throw ApiError.badRequest("field 'role' is required", "role");
    }
    String role = rawRole.strip().toLowerCase(Locale.ROOT);
    if (!ROLES.contains(role)) {
      throw ApiError.validation("role", "role must be owner, admin or member");
    }
    User target = user(rawUsername);
    db.jdbi()
        .useTransaction(
            h -> {
              String current =
                  Rooms.roleOf(h, roomId, target.id())
                      .orElseThrow(() -> ApiError.notFound("not a member of this room"));
              if ("owner".equals(current)
                  && !"owner".equals(role)
                  && Rooms.countRole(h, roomId, "owner") == 1) {
                throw ApiError.conflict("a room needs at least one owner");
              }
              Rooms.setRole(h, roomId, target.id(), role);
              if (!current.equals(role)) {
                AuditLog.record(
                    h,
                    p,
                    "room.role",
                    target.username(),
                    Map.of("room_id", roomId, "from", current, "to", role),
                    clock.millis());
              }
            });
    return memberOf(roomId, target.id());
  }

  // ---- direct rooms ----

  /** The direct room between the caller and {@code username}, created the first time. */
  public Room direct(Principal p, String rawUsername) {
    if (p.guest()) {
      throw ApiError.forbidden("guests can only use public rooms");
    }
    limits.check(UserLimits.Action.DM_CREATE, p.userId());
    User peer = user(rawUsername);
    if (peer.id().equals(p.userId())) {
      throw ApiError.validation("username", "cannot open a direct room with yourself");
    }
    if (peer.guest()) {
      throw ApiError.forbidden("guests can only use public rooms");
    }
    String key =
        p.userId().compareTo(peer.id()) < 0
            ? p.userId() + ":" + peer.id()
            : peer.id() + ":" + p.userId();
    var existing = db.jdbi().withHandle(h -> Rooms.byDmKey(h, key, p.userId()));
    if (existing.isPresent()) {
      return existing.get();
    }
    String id = Ids.newId();
    long now = clock.millis();
    try {
      Room room =
          db.jdbi()
              .inTransaction(
                  h -> {
                    Rooms.insert(
                        h, id, Room.DIRECT, "", null, key, "", Room.PRIVATE, p.userId(), now);
                    Rooms.addMember(h, id, p.userId(), "member", now, 0);
                    Rooms.addMember(h, id, peer.id(), "member", now, 0);
                    return Rooms.byId(h, id, p.userId()).orElseThrow();
                  });
      Room forPeer = db.jdbi().withHandle(h -> Rooms.byId(h, id, peer.id())).orElseThrow();
      bus.publish(new ServerEvent.RoomInvited(peer.id(), forPeer.view(), p.username()));
      return room;
    } catch (UnableToExecuteStatementException e) {
      if (Sql.isUniqueViolation(e)) { // the peer opened it at the same moment
        return db.jdbi().withHandle(h -> Rooms.byDmKey(h, key, p.userId())).orElseThrow();
      }
      throw e;
    }
  }

  // ---- helpers ----

  private User user(String rawUsername) {
    if (rawUsername == null) {
      throw ApiError.badRequest("field 'username' is required", "username");
    }
    String name = rawUsername.strip().toLowerCase(Locale.ROOT);
    return db.jdbi()
        .withHandle(h -> Users.byUsername(h, name))
        .orElseThrow(() -> ApiError.notFound("no such user"));
  }

  private static int rank(String role) {
    return switch (role) {
      case "owner" -> 2;
      case "admin" -> 1;
      default -> 0;
    };
  }

  private void announceJoin(String roomId, String userId) {
    User u = db.jdbi().withHandle(h -> Users.byId(h, userId)).orElseThrow();
    bus.publish(new ServerEvent.UserJoined(roomId, u.summary()));
  }

  private void announceLeave(String roomId, String userId, String kickedBy) {
    User u = db.jdbi().withHandle(h -> Users.byId(h, userId)).orElseThrow();
    bus.publish(new ServerEvent.UserLeft(roomId, userId, u.summary(), kickedBy));
  }

  /**
   * Moves the caller's read marker forward (to at most the room's last seq); publishes a receipt
   * when it moved.
   */
  public void markRead(Principal p, String roomId, Long seq) {
    limits.check(UserLimits.Action.READ, p.userId());
    Membership mine = requireMembership(p, roomId);
    if (seq == null) {
      throw ApiError.badRequest("field 'seq' is required", "seq");
    }
    if (seq < 0 || seq > mine.lastSeq()) {
      throw ApiError.validation(
          "seq", "seq must be between 0 and the room's last_seq (" + mine.lastSeq() + ")");
    }
    boolean moved = db.jdbi().inTransaction(h -> Rooms.markRead(h, roomId, p.userId(), seq));
    if (moved) {
      bus.publish(new ServerEvent.ReadReceipt(roomId, p.username(), seq));
    }
  }

  /** At most this many read markers in one answer: a "seen by" line names a few readers. */
  public static final int RECEIPTS_MAX = 100;

  /** The newest read markers of a room's other members, and how many are at or after the seq. */
  public record Receipts(List<Map<String, Object>> receipts, long total) {}

  /**
   * The read markers of the room's members other than the caller with {@code last_read_seq >=
   * minSeq}, the most advanced first, at most {@code limit}, and how many there are in all (so a
   * room of thousands answers "alice, bob and 3,000 more" without listing them).
   */
  public Receipts receipts(Principal p, String roomId, long minSeq, int limit) {
    limits.check(UserLimits.Action.RECEIPTS, p.userId());
    return db.jdbi()
        .withHandle(
            h -> {
              requireMembership(h, p, roomId);
              List<Map<String, Object>> out = new ArrayList<>();
              for (Rooms.Reader r : Rooms.readers(h, roomId, p.userId(), minSeq, limit)) {
                Map<String, Object> view = new LinkedHashMap<>();
                view.put(
                    "user", User.summary(r.userId(), r.username(), r.displayName(), r.avatarUrl()));
                view.put("last_read_seq", r.lastReadSeq());
                out.add(view);
              }
              return new Receipts(out, Rooms.countReaders(h, roomId, p.userId(), minSeq));
            });
  }

  /** SPEC §8 notification levels. */
  public static final List<String> LEVELS = List.of("all", "mentions", "none");

  /**
   * Sets the caller's notification level of a room and how long it is muted ({@code mutedUntil}
   * null: not muted); returns the room as they now see it.
   */
  public Room setNotifications(Principal p, String roomId, String level, Long mutedUntil) {
    limits.check(UserLimits.Action.SETTINGS, p.userId());
    requireMembership(p, roomId);
    if (level == null) {
      throw ApiError.badRequest("field 'level' is required", "level");
    }
    if (!LEVELS.contains(level)) {
      throw ApiError.validation("level", "level must be one of all, mentions, none");
    }
    Room room =
        db.jdbi()
            .inTransaction(
                h -> {
                  Rooms.setNotifications(h, roomId, p.userId(), level, mutedUntil);
                  return Rooms.byId(h, roomId, p.userId())
                      .orElseThrow(() -> ApiError.notFound("no such room"));
                });
    bus.tell(new ControlMessage.NotificationSettingsChanged(roomId));
    return room;
  }
}
