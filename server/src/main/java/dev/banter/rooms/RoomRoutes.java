package dev.banter.rooms;

import dev.banter.core.ApiError;
import dev.banter.http.Request;
import dev.banter.http.Response;
import dev.banter.http.Routes;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The REST routes of SPEC §3: rooms, membership, direct rooms, read markers and the members'
 * markers (receipts).
 */
public final class RoomRoutes {
  private static final int DISCOVER_LIMIT_MAX = 100;

  private final RoomService rooms;

  /**
   * The newest message view of each room id, for the room list (messages live in their own
   * package).
   */
  private final Function<Collection<String>, Map<String, Map<String, Object>>> lastMessages;

  public RoomRoutes(
      RoomService rooms,
      Function<Collection<String>, Map<String, Map<String, Object>>> lastMessages) {
    this.rooms = rooms;
    this.lastMessages = lastMessages;
  }

  record CreateRoom(String name, String topic, String visibility) {}

  record Username(String username) {}

  record RoleChange(String role) {}

  record ReadMarker(Long seq) {}

  record NotificationSettings(String level, String mutedUntil) {}

  public void mount(Routes r) {
    r.get("/api/v1/rooms", this::mine);
    r.post("/api/v1/rooms", this::create).created();
    r.get("/api/v1/rooms/public", this::discover);
    r.get("/api/v1/rooms/default", this::defaultRoom);
    r.get("/api/v1/rooms/{id}", this::get);
    r.patch("/api/v1/rooms/{id}", this::update);
    r.delete("/api/v1/rooms/{id}", this::delete).noContent();
    r.post("/api/v1/rooms/{id}/join", this::join);
    r.post("/api/v1/rooms/{id}/leave", this::leave).noContent();
    r.get("/api/v1/rooms/{id}/members", this::members);
    r.post("/api/v1/rooms/{id}/members", this::invite);
    r.delete("/api/v1/rooms/{id}/members/{username}", this::kick).noContent();
    r.patch("/api/v1/rooms/{id}/members/{username}", this::setRole);
    r.post("/api/v1/rooms/{id}/read", this::read).noContent();
    r.get("/api/v1/rooms/{id}/receipts", this::receipts);
    r.put("/api/v1/rooms/{id}/notifications", this::notifications);
    r.post("/api/v1/dms", this::direct);
  }

  Object mine(Request req) {
    List<Room> mine = rooms.mine(req.user());
    Map<String, Map<String, Object>> last =
        lastMessages.apply(mine.stream().map(Room::id).toList());
    return Map.of(
        "rooms",
        mine.stream()
            .map(
                room -> {
                  Map<String, Object> view = new LinkedHashMap<>(room.view());
                  view.put("last_message", last.get(room.id()));
                  return view;
                })
            .toList());
  }

  Object create(Request req) {
    var body = req.body(CreateRoom.class);
    if (body.name() == null) {
      throw ApiError.badRequest("field 'name' is required", "name");
    }
    return rooms.create(req.user(), body.name(), body.topic(), body.visibility()).view();
  }

  Object discover(Request req) {
    String query = req.query("query").orElse("");
    int limit = req.queryInt("limit", 1, DISCOVER_LIMIT_MAX, 50);
    return Map.of(
        "rooms", rooms.discover(req.user(), query, limit).stream().map(Room::view).toList());
  }

  Object defaultRoom(Request req) {
    return rooms.defaultRoom(req.user()).view();
  }

  Object get(Request req) {
    return rooms.get(req.user(), req.param("id")).view();
  }

  Object update(Request req) {
    var body = req.body(CreateRoom.class);
    return rooms
        .update(req.user(), req.param("id"), body.name(), body.topic(), body.visibility())
        .view();
  }

  Object delete(Request req) {
    rooms.delete(req.user(), req.param("id"));
    return null;
  }

  Object join(Request req) {
    return rooms.join(req.user(), req.param("id")).view();
  }

  Object leave(Request req) {
    rooms.leave(req.user(), req.param("id"));
    return null;
  }

  Object members(Request req) {
    return Map.of("members", rooms.members(req.user(), req.param("id")));
  }

  Object invite(Request req) {
    var result = rooms.invite(req.user(), req.param("id"), req.body(Username.class).username());
    return Response.json(result.added() ? 201 : 200, result.member());
  }

  /** At most this far ahead: "until I unmute" is a date, and every date must fit a timestamp. */
  private static final Duration LONGEST_MUTE = Duration.ofDays(3660);

  Object notifications(Request req) {
    var body = req.body(NotificationSettings.class);
    Long until = null;
    if (body.mutedUntil() != null) {
      long now = System.currentTimeMillis();
      try {
        until = Instant.parse(body.mutedUntil()).toEpochMilli();
      } catch (DateTimeParseException e) {
        throw ApiError.validation(
            "muted_until", "muted_until must be an ISO-8601 time such as 2026-11-23T10:15:30Z");
      }
      if (until <= now || until > now + LONGEST_MUTE.toMillis()) {
        throw ApiError.validation(
            "muted_until", "muted_until must be in the future, at most ten years ahead");
      }
    }
    return rooms.setNotifications(req.user(), req.param("id"), body.level(), until).view();
  }

  Object kick(Request req) {
    rooms.kick(req.user(), req.param("id"), req.param("username"));
    return null;
  }

  Object setRole(Request req) {
    return rooms.setRole(
        req.user(), req.param("id"), req.param("username"), req.body(RoleChange.class).role());
  }

  Object read(Request req) {
    rooms.markRead(req.user(), req.param("id"), req.body(ReadMarker.class).seq());
    return null;
  }

  /** The read markers of the room's other members at or after {@code min_seq} ("seen by"). */
  Object receipts(Request req) {
    long minSeq = req.queryLong("min_seq", 0, Long.MAX_VALUE).orElse(0L);
    int limit = req.queryInt("limit", 1, RoomService.RECEIPTS_MAX, 20);
    var page = rooms.receipts(req.user(), req.param("id"), minSeq, limit);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("receipts", page.receipts());
    out.put("total", page.total());
    out.put("has_more", page.receipts().size() < page.total());
    return out;
  }

  Object direct(Request req) {
    return rooms.direct(req.user(), req.body(Username.class).username()).view();
  }
}
