package dev.banter.messages;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The SQL of threads (SPEC §8): the summary a root keeps, who follows a thread and how far they
 * read it. Every method runs in the caller's handle (and transaction).
 */
final class Threads {
  private Threads() {}

  /**
   * After {@code created} (the new messages of {@code posts}, same order) are inserted: their
   * authors, their roots' authors, the members they mention and (as a thread starts) the members
   * its root mentions follow the thread, and each root they reply to gets its summary recomputed at
   * a new rev of its room, taken after the replies' (so a client sees the replies, then the root's
   * change). Returns the changed roots.
   */
  static List<Message> replied(Handle h, List<Message> created, List<MessageWriter.Post> posts) {
    Map<String, String> roots = new LinkedHashMap<>(); // root id → room id, first reply first
    for (int k = 0; k < created.size(); k++) {
      Message m = created.get(k);
      if (m.threadId() == null) {
        continue;
      }
      roots.putIfAbsent(m.threadId(), m.roomId());
      follow(h, m.authorId(), m.threadId(), m.roomId(), m.seq());
      for (String mentioned : posts.get(k).mentionedIds()) {
        follow(h, mentioned, m.threadId(), m.roomId(), 0);
      }
    }
    if (roots.isEmpty()) {
      return List.of();
    }
    List<Message> changed = new ArrayList<>(roots.size());
    for (Map.Entry<String, String> root : roots.entrySet()) {
      Optional<Message> r = Messages.byId(h, root.getValue(), root.getKey());
      if (r.isEmpty()) {
        continue;
      }
      follow(h, r.get().authorId(), r.get().id(), r.get().roomId(), 0);
      if (r.get().thread() == null) { // the thread starts: who its root mentions follow it too
        for (String mentioned : Messages.mentionedIds(h, r.get().id())) {
          follow(h, mentioned, r.get().id(), r.get().roomId(), 0);
        }
      }
      resummarize(h, r.get().roomId(), r.get().id()).ifPresent(changed::add);
    }
    return changed;
  }

  /**
   * Recomputes the summary of the thread of {@code rootId} from its replies that are not deleted,
   * at the room's next rev; returns the root as it is now (empty when the room is gone).
   */
  static Optional<Message> resummarize(Handle h, String roomId, String rootId) {
    Optional<Long> rev = Messages.nextRev(h, roomId);
    if (rev.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Object> counts =
        h.createQuery(
                """
            SELECT count(*) AS n, max(created_at) AS last FROM messages
             WHERE thread_id = :root AND deleted = :no
            """)
            .bind("root", rootId)
            .bind("no", false)
            .mapToMap()
            .one();
    List<String> participants =
        h.createQuery(
                """
            SELECT u.username FROM messages t JOIN users u ON u.id = t.author_id
             WHERE t.thread_id = :root AND t.deleted = :no
             GROUP BY u.username ORDER BY max(t.seq) DESC LIMIT :n
            """)
            .bind("root", rootId)
            .bind("no", false)
            .bind("n", ThreadSummary.MAX_PARTICIPANTS)
            .mapTo(String.class)
            .list();
    Number last = (Number) counts.get("last");
    h.createUpdate(
            """
        UPDATE messages SET reply_count = :n, last_reply_at = :last, thread_participants = :who,
                            rev = :rev
         WHERE id = :root
        """)
        .bind("n", ((Number) counts.get("n")).intValue())
        .bindByType("last", last == null ? null : last.longValue(), Long.class)
        .bindByType(
            "who", participants.isEmpty() ? null : String.join(" ", participants), String.class)
        .bind("rev", rev.get())
        .bind("root", rootId)
        .execute();
    return Messages.byId(h, roomId, rootId);
  }

  /**
   * {@code userId} follows the thread of {@code rootId} (kept if they did); their read marker moves
   * up to {@code readSeq}.
   */
  static void follow(Handle h, String userId, String rootId, String roomId, long readSeq) {
    h.createUpdate(
            """
        INSERT INTO thread_follows (user_id, root_id, room_id, last_read_seq)
        VALUES (:user, :root, :room, :seq)
        ON CONFLICT (user_id, root_id) DO UPDATE SET last_read_seq =
          CASE WHEN excluded.last_read_seq > thread_follows.last_read_seq
               THEN excluded.last_read_seq ELSE thread_follows.last_read_seq END
        """)
        .bind("user", userId)
        .bind("root", rootId)
        .bind("room", roomId)
        .bind("seq", readSeq)
        .execute();
  }

  /** The users who follow the thread of {@code rootId}. */
  static Set<String> followers(Handle h, String rootId) {
    return new LinkedHashSet<>(
        h.createQuery("SELECT user_id FROM thread_follows WHERE root_id = :root")
            .bind("root", rootId)
            .mapTo(String.class)
            .list());
  }

  /** A page of a thread's replies with {@code seq > after}, oldest first. */
  static List<Message> replies(Handle h, String roomId, String rootId, long after, int limit) {
    return Messages.withReactions(
        h,
        h.createQuery(
                Messages.select(
                    " WHERE m.room_id = :room AND m.thread_id = :root AND m.seq > :after"
                        + " ORDER BY m.seq ASC LIMIT :limit"))
            .bind("room", roomId)
            .bind("root", rootId)
            .bind("after", after)
            .bind("limit", limit)
            .map(Messages.MAPPER)
            .list());
  }

  /** A followed thread: where it is, how far its follower read it, what they have not read. */
  record Followed(String rootId, String roomId, long lastReadSeq, long unread) {}

  /**
   * The threads {@code userId} follows in rooms they are still a member of, newest reply first,
   * with their unread replies (not their own, not deleted).
   */
  static List<Followed> followed(Handle h, String userId, int limit) {
    return h.createQuery(
            """
        SELECT f.root_id, f.room_id, f.last_read_seq,
               (SELECT count(*) FROM messages t
                 WHERE t.thread_id = f.root_id AND t.seq > f.last_read_seq AND t.deleted = :no
                   AND t.author_id <> :user) AS unread
          FROM thread_follows f
          JOIN room_members rm ON rm.room_id = f.room_id AND rm.user_id = f.user_id
          JOIN messages root ON root.id = f.root_id
         WHERE f.user_id = :user AND root.last_reply_at IS NOT NULL
         ORDER BY root.last_reply_at DESC, root.seq DESC
         LIMIT :limit
        """)
        .bind("user", userId)
        .bind("no", false)
        .bind("limit", limit)
        .map(
            (rs, ctx) ->
                new Followed(
                    rs.getString("root_id"),
                    rs.getString("room_id"),
                    rs.getLong("last_read_seq"),
                    rs.getLong("unread")))
        .list();
  }

  /** Moves {@code userId}'s read marker of a thread they follow up to {@code seq}. */
  static void markRead(Handle h, String userId, String rootId, long seq) {
    h.createUpdate(
            """
        UPDATE thread_follows SET last_read_seq = :seq
         WHERE user_id = :user AND root_id = :root AND last_read_seq < :seq
        """)
        .bind("seq", seq)
        .bind("user", userId)
        .bind("root", rootId)
        .execute();
  }
}
