package dev.banter.messages;

import dev.banter.core.ApiError;
import dev.banter.core.Principal;
import dev.banter.core.UserLimits;
import dev.banter.rooms.RoomService;
import dev.banter.store.Database;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reading threads (SPEC §8): one thread's replies, the threads a user follows with what they have
 * not read, and their read markers. Replies themselves are posted like any message.
 */
public final class ThreadService {
  private final Database db;
  private final RoomService rooms;
  private final UserLimits limits;

  public ThreadService(Database db, RoomService rooms, UserLimits limits) {
    this.db = db;
    this.rooms = rooms;
    this.limits = limits;
  }

  /** A thread's root and a page of its replies after {@code after}, oldest first. */
  public record ThreadPage(Message root, List<Message> replies, boolean hasMore) {}

  public ThreadPage replies(Principal p, String roomId, String rootId, long after, int limit) {
    rooms.requireRole(p, roomId);
    return db.jdbi()
        .withHandle(
            h -> {
              Message root =
                  Messages.byId(h, roomId, rootId)
                      .filter(m -> m.threadId() == null)
                      .orElseThrow(() -> ApiError.notFound("no such thread"));
              List<Message> rows = Threads.replies(h, roomId, rootId, after, limit + 1);
              boolean more = rows.size() > limit;
              return new ThreadPage(root, more ? rows.subList(0, limit) : rows, more);
            });
  }

  /** A followed thread: its root, how far its follower read, and their unread replies. */
  public record Followed(Message root, long lastReadSeq, long unreadCount) {}

  /** The threads the caller follows, in rooms they are still in, newest reply first. */
  public List<Followed> followed(Principal p, int limit) {
    return db.jdbi()
        .withHandle(
            h -> {
              List<Threads.Followed> rows = Threads.followed(h, p.userId(), limit);
              Map<String, Message> roots =
                  Messages.byIds(h, rows.stream().map(Threads.Followed::rootId).toList()).stream()
                      .collect(
                          Collectors.toMap(
                              Message::id, Function.identity(), (a, b) -> a, LinkedHashMap::new));
              return rows.stream()
                  .filter(f -> roots.containsKey(f.rootId()))
                  .map(f -> new Followed(roots.get(f.rootId()), f.lastReadSeq(), f.unread()))
                  .toList();
            });
  }

  /**
   * Moves the caller's read marker of the thread of {@code rootId} to {@code seq}; 404 unless the
   * root is a message of a room they are in (a non-member learns nothing of it). Reading a thread
   * one does not follow changes nothing.
   */
  public void markRead(Principal p, String rootId, Long seq) {
    limits.check(UserLimits.Action.READ, p.userId());
    if (seq == null) {
      throw ApiError.badRequest("field 'seq' is required", "seq");
    }
    if (seq < 0) {
      throw ApiError.validation("seq", "seq must not be negative");
    }
    db.jdbi()
        .useTransaction(
            h -> {
              String roomId =
                  Messages.roomOf(h, rootId).orElseThrow(() -> ApiError.notFound("no such thread"));
              try {
                rooms.requireRole(h, p, roomId);
              } catch (ApiError e) {
                throw ApiError.notFound("no such thread");
              }
              Threads.markRead(h, p.userId(), rootId, seq);
            });
  }
}
