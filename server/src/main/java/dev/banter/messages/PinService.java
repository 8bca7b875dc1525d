package dev.banter.messages;

import dev.banter.cluster.EventBus;
import dev.banter.core.ApiError;
import dev.banter.core.Principal;
import dev.banter.core.UserLimits;
import dev.banter.rooms.RoomService;
import dev.banter.store.Database;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pinning messages (SPEC §8): any member who may post in the room pins and unpins; each change
 * bumps the message's rev and is published as {@code message_updated}, the message's whole state,
 * so live clients and resumes ({@code since_rev}) see it alike.
 */
public final class PinService {
  /**
   * Pins per room: the pinned list is one response and one panel, read whole (docs/decisions.md).
   */
  public static final int MAX_PINS_PER_ROOM = 50;

  private final Database db;
  private final RoomService rooms;
  private final EventBus bus;
  private final Clock clock;
  private final UserLimits limits;

  public PinService(Database db, RoomService rooms, EventBus bus, Clock clock, UserLimits limits) {
    this.db = db;
    this.rooms = rooms;
    this.bus = bus;
    this.clock = clock;
    this.limits = limits;
  }

  /** A pin change: the message after it, and whether anything changed. */
  private record Pinned(Message message, boolean changed) {}

  /**
   * Pins ({@code on}) or unpins a message; returns it. Pinning a pinned message or unpinning one
   * that is not pinned changes nothing (no rev, no event) and returns it as it is.
   */
  public Message pin(Principal p, String roomId, String messageId, boolean on) {
    limits.check(UserLimits.Action.PIN, p.userId());
    long now = clock.millis();
    Pinned r =
        db.jdbi()
            .inTransaction(
                h -> {
                  rooms.requireRole(h, p, roomId);
                  // The rev is taken first: it locks the room row until commit (as every change
                  // does), so the message is read after any change racing this one, and two pins
                  // racing for the last free place are counted one after the other. A repeat
                  // spends a rev, unused, as a repeated reaction does.
                  long rev =
                      Messages.nextRev(h, roomId)
                          .orElseThrow(() -> ApiError.notFound("no such room"));
                  Message m =
                      Messages.byId(h, roomId, messageId)
                          .orElseThrow(() -> ApiError.notFound("no such message"));
                  if (on == (m.pinnedAt() != null)) {
                    return new Pinned(m, false);
                  }
                  if (m.deleted()) {
                    throw ApiError.conflict("the message was deleted");
                  }
                  if (on && Messages.pinCount(h, roomId) >= MAX_PINS_PER_ROOM) {
                    throw new ApiError(
                        409,
                        "conflict",
                        "a room has at most "
                            + MAX_PINS_PER_ROOM
                            + " pinned messages: unpin one first",
                        Map.of("limit", MAX_PINS_PER_ROOM));
                  }
                  Messages.setPin(h, messageId, on ? now : null, on ? p.userId() : null, rev);
                  return new Pinned(Messages.byId(h, roomId, messageId).orElseThrow(), true);
                });
    if (r.changed()) {
      bus.publish(r.message().updated());
    }
    return r.message();
  }

  /**
   * The room's pinned messages, the newest pin first (all of them: at most {@link
   * #MAX_PINS_PER_ROOM}).
   */
  public List<Message> list(Principal p, String roomId) {
    return db.jdbi()
        .withHandle(
            h -> {
              rooms.requireRole(h, p, roomId);
              return Messages.withReactions(
                  h, new ArrayList<>(Messages.pinned(h, roomId, MAX_PINS_PER_ROOM)));
            });
  }
}
