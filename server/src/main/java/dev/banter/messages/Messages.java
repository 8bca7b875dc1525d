package dev.banter.messages;

import dev.banter.rooms.RoomService;
import dev.banter.store.Sql;
import dev.banter.uploads.UploadService;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The SQL of messages and reactions. Every method runs in the caller's handle (and transaction).
 */
final class Messages {
  /**
   * The columns {@link #MAPPER} reads, of messages {@code m} joined with their authors {@code u}.
   */
  static final String COLUMNS =
      """
      m.id, m.room_id, m.seq, m.rev, m.author_id, u.username, u.display_name, u.avatar_url, m.body, m.reply_to,
      m.client_id, m.created_at, m.edited_at, m.deleted, m.pinned_at,
      (SELECT p.username FROM users p WHERE p.id = m.pinned_by) AS pinned_by,
      m.thread_id, m.reply_count, m.last_reply_at, m.thread_participants,
      m.mentions, m.mentions_room, m.mentions_here
      """;

  private static final String SELECT =
      "SELECT " + COLUMNS + " FROM messages m JOIN users u ON u.id = m.author_id\n";

  static final RowMapper<Message> MAPPER =
      (rs, ctx) ->
          new Message(
              rs.getString("id"),
              rs.getString("room_id"),
              rs.getLong("seq"),
              rs.getLong("rev"),
              rs.getString("author_id"),
              rs.getString("username"),
              rs.getString("display_name"),
              rs.getString("avatar_url"),
              rs.getString("body"),
              rs.getString("reply_to"),
              rs.getString("client_id"),
              rs.getLong("created_at"),
              Sql.nullableLong(rs, "edited_at"),
              rs.getBoolean("deleted"),
              Map.of(),
              List.of(),
              Sql.nullableLong(rs, "pinned_at"),
              rs.getString("pinned_by"),
              rs.getString("thread_id"),
              ThreadSummary.of(
                  rs.getInt("reply_count"),
                  Sql.nullableLong(rs, "last_reply_at"),
                  rs.getString("thread_participants")),
              mentions(
                  rs.getString("mentions"),
                  rs.getBoolean("mentions_room"),
                  rs.getBoolean("mentions_here")));

  /** The stored form of a message's mentions: usernames separated by spaces, or null. */
  static String mentionsColumn(List<String> names) {
    return names.isEmpty() ? null : String.join(" ", names);
  }

  private static Mentions mentions(String names, boolean room, boolean here) {
    if (names == null && !room && !here) {
      return Mentions.NONE;
    }
    return new Mentions(names == null ? List.of() : List.of(names.split(" ")), room, here);
  }

  private Messages() {}

  /** The message query with {@code rest} (a WHERE clause, an order) after it. */
  static String select(String rest) {
    return SELECT + rest;
  }

  /** The room of message {@code id}, if it exists. */
  static Optional<String> roomOf(Handle h, String id) {
    return h.createQuery("SELECT room_id FROM messages WHERE id = :id")
        .bind("id", id)
        .mapTo(String.class)
        .findOne();
  }

  /** The messages of {@code ids} that exist, with reactions, in no particular order. */
  static List<Message> byIds(Handle h, Collection<String> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    return withReactions(
        h,
        h.createQuery(SELECT + " WHERE m.id IN (<ids>)")
            .bindList("ids", List.copyOf(ids))
            .map(MAPPER)
            .list());
  }

  static Optional<Message> byId(Handle h, String roomId, String id) {
    return h.createQuery(SELECT + " WHERE m.room_id = :room AND m.id = :id")
        .bind("room", roomId)
        .bind("id", id)
        .map(MAPPER)
        .findOne()
        .map(m -> withReactions(h, List.of(m)).get(0));
  }

  /** An author's message with {@code clientId} in a room (the idempotency key). */
  static Optional<Message> byClientId(Handle h, String roomId, String authorId, String clientId) {
    return h.createQuery(
            SELECT + " WHERE m.room_id = :room AND m.author_id = :author AND m.client_id = :client")
        .bind("room", roomId)
        .bind("author", authorId)
        .bind("client", clientId)
        .map(MAPPER)
        .findOne()
        .map(m -> withReactions(h, List.of(m)).get(0));
  }

  /** The last seq and last rev a room's counters were moved to. */
  record Taken(long lastSeq, long lastRev) {}

  /**
   * Takes {@code n} seqs and as many revs at once (a post is a change too, SPEC §5.1); returns the
   * last of each (locking the room row until commit, so revs are committed in rev order per room,
   * across nodes too). Empty when the room is gone. One statement for both counters: the post path
   * gains no round trip. This and the two below are the writer's statements for a whole batch, on
   * plain JDBC: Jdbi's per-bind argument lookup and statement set-up ran for every post, and its
   * call chains were most of what C2 inlined (and kept recompiling) in the writer while the server
   * warmed up.
   */
  static Optional<Taken> takeSeqs(Handle h, String roomId, int n, long now) {
    try (PreparedStatement ps =
        h.getConnection()
            .prepareStatement(
                """
        UPDATE rooms SET last_seq = last_seq + ?, last_rev = last_rev + ?, last_activity_at = ? WHERE id = ?
        RETURNING last_seq, last_rev
        """)) {
      ps.setInt(1, n);
      ps.setInt(2, n);
      ps.setLong(3, now);
      ps.setString(4, roomId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(new Taken(rs.getLong(1), rs.getLong(2))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new Sql.Failed(e);
    }
  }

  /**
   * Takes the room's next rev for an edit, a delete or a reaction change; empty when the room is
   * gone. It locks the room row until commit, like a post: a room's changes are then committed in
   * rev order, and always room row first (then the message, then its reactions), so two changes
   * cannot deadlock.
   */
  static Optional<Long> nextRev(Handle h, String roomId) {
    return h.createQuery(
            "UPDATE rooms SET last_rev = last_rev + 1 WHERE id = :room RETURNING last_rev")
        .bind("room", roomId)
        .mapTo(Long.class)
        .findOne();
  }

  /** Records that the message changed at {@code rev}. */
  static void stamp(Handle h, String id, long rev) {
    h.createUpdate("UPDATE messages SET rev = :rev WHERE id = :id")
        .bind("rev", rev)
        .bind("id", id)
        .execute();
  }

  private static final String INSERT =
      """
      INSERT INTO messages (id, room_id, seq, rev, author_id, body, reply_to, client_id, created_at, deleted,
                            search_terms, thread_id, mentions, mentions_room, mentions_here)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """;

  private static final String INSERT_ALL =
      INSERT + " ON CONFLICT (room_id, author_id, client_id) DO NOTHING";

  private static void bindInsert(PreparedStatement ps, Message m) throws SQLException {
    ps.setString(1, m.id());
    ps.setString(2, m.roomId());
    ps.setLong(3, m.seq());
    ps.setLong(4, m.rev());
    ps.setString(5, m.authorId());
    ps.setString(6, m.body());
    ps.setString(7, m.replyTo());
    ps.setString(8, m.clientId());
    ps.setLong(9, m.createdAt());
    ps.setBoolean(10, false);
    ps.setString(11, SearchTerms.index(m.body()));
    ps.setString(12, m.threadId());
    ps.setString(13, mentionsColumn(m.mentions().names()));
    ps.setBoolean(14, m.mentions().room());
    ps.setBoolean(15, m.mentions().here());
  }

  /**
   * Inserts every message in one batch; a message whose (room, author, client_id) exists already is
   * skipped, not failed. Returns how many were inserted.
   */
  static int insertAll(Handle h, List<Message> messages) {
    try (PreparedStatement ps = h.getConnection().prepareStatement(INSERT_ALL)) {
      for (Message m : messages) {
        bindInsert(ps, m);
        ps.addBatch();
      }
      int inserted = 0;
      for (int count : ps.executeBatch()) {
        inserted += count;
      }
      return inserted;
    } catch (SQLException e) {
      throw new Sql.Failed(e);
    }
  }

  /** Moves each author's read marker to their newest message of the batch. */
  static void markAuthorsRead(Handle h, List<Message> messages) {
    Map<RoomService.RoomUser, Long> newest = new LinkedHashMap<>();
    for (Message m : messages) {
      newest.merge(new RoomService.RoomUser(m.roomId(), m.authorId()), m.seq(), Math::max);
    }
    try (PreparedStatement ps =
        h.getConnection()
            .prepareStatement(
                "UPDATE room_members SET last_read_seq = ? WHERE room_id = ? AND user_id = ? AND last_read_seq < ?")) {
      for (Map.Entry<RoomService.RoomUser, Long> e : newest.entrySet()) {
        ps.setLong(1, e.getValue());
        ps.setString(2, e.getKey().roomId());
        ps.setString(3, e.getKey().userId());
        ps.setLong(4, e.getValue());
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw new Sql.Failed(e);
    }
  }

  /** Inserts one message; a repeated (room, author, client_id) fails as a unique violation. */
  static void insert(Handle h, Message m) {
    try (PreparedStatement ps = h.getConnection().prepareStatement(INSERT)) {
      bindInsert(ps, m);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new Sql.Failed(e);
    }
  }

  static void markAuthorRead(Handle h, String roomId, String authorId, long seq) {
    h.createUpdate(
            """
        UPDATE room_members SET last_read_seq = :seq
         WHERE room_id = :room AND user_id = :user AND last_read_seq < :seq
        """)
        .bind("seq", seq)
        .bind("room", roomId)
        .bind("user", authorId)
        .execute();
  }

  /** A page of history: {@code seq < before} newest first, or {@code seq > after} oldest first. */
  static List<Message> page(Handle h, String roomId, Long before, Long after, int limit) {
    String sql =
        after != null
            ? SELECT
                + " WHERE m.room_id = :room AND m.seq > :cursor ORDER BY m.seq ASC LIMIT :limit"
            : SELECT
                + " WHERE m.room_id = :room AND m.seq < :cursor ORDER BY m.seq DESC LIMIT :limit";
    long cursor = after != null ? after : before != null ? before : Long.MAX_VALUE;
    return h.createQuery(sql)
        .bind("room", roomId)
        .bind("cursor", cursor)
        .bind("limit", limit)
        .map(MAPPER)
        .list();
  }

  /**
   * Messages of a room changed after {@code afterRev} (a post is a change), oldest change first,
   * among those with {@code seq <= maxSeq}; the (room_id, rev) index serves it.
   */
  static List<Message> changedAfter(
      Handle h, String roomId, long afterRev, long maxSeq, int limit) {
    return h.createQuery(
            SELECT
                + """
         WHERE m.room_id = :room AND m.rev > :rev AND m.seq <= :maxSeq ORDER BY m.rev ASC LIMIT :limit
        """)
        .bind("room", roomId)
        .bind("rev", afterRev)
        .bind("maxSeq", maxSeq)
        .bind("limit", limit)
        .map(MAPPER)
        .list();
  }

  /** The newest message of each room, by (room, last seq). */
  static List<Message> latest(Handle h, Collection<String> roomIds) {
    if (roomIds.isEmpty()) {
      return List.of();
    }
    return h.createQuery(
            SELECT
                + " JOIN rooms r ON r.id = m.room_id AND r.last_seq = m.seq WHERE m.room_id IN (<rooms>)")
        .bindList("rooms", List.copyOf(roomIds))
        .map(MAPPER)
        .list();
  }

  /** Attaches reactions and attachments to messages read without them. */
  static List<Message> withReactions(Handle h, List<Message> messages) {
    return withAttachments(h, reactionsOf(h, messages));
  }

  private static List<Message> withAttachments(Handle h, List<Message> messages) {
    if (messages.isEmpty()) {
      return messages;
    }
    Map<String, List<Map<String, Object>>> byMessage = new LinkedHashMap<>();
    h.createQuery(
            """
        SELECT a.message_id, u.id, u.name, u.size, u.content_type
          FROM message_attachments a JOIN uploads u ON u.id = a.upload_id
         WHERE a.message_id IN (<ids>)
         ORDER BY a.position
        """)
        .bindList("ids", messages.stream().map(Message::id).toList())
        .map(
            (rs, ctx) ->
                Map.entry(
                    rs.getString(1),
                    UploadService.Upload.view(
                        rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5))))
        .forEach(
            e -> byMessage.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
    List<Message> out = new ArrayList<>(messages.size());
    for (Message m : messages) {
      List<Map<String, Object>> a = byMessage.get(m.id());
      out.add(a == null ? m : m.withAttachments(a));
    }
    return out;
  }

  /** Uploads of {@code uploaderId} among {@code ids}, as attachment views, in the order asked. */
  static List<Map<String, Object>> ownUploads(Handle h, String uploaderId, List<String> ids) {
    Map<String, Map<String, Object>> found = new LinkedHashMap<>();
    h.createQuery(
            "SELECT id, name, size, content_type FROM uploads WHERE uploader_id = :u AND id IN (<ids>)")
        .bind("u", uploaderId)
        .bindList("ids", ids)
        .map(
            (rs, ctx) ->
                UploadService.Upload.view(
                    rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4)))
        .forEach(v -> found.put((String) v.get("id"), v));
    return ids.stream().map(found::get).toList();
  }

  static void insertAttachments(Handle h, List<Message> messages) {
    if (messages.stream().allMatch(m -> m.attachments().isEmpty())) {
      return;
    }
    PreparedBatch batch =
        h.prepareBatch(
            "INSERT INTO message_attachments (message_id, upload_id, position) VALUES (:m, :u, :p)");
    int rows = 0;
    for (Message m : messages) {
      for (int i = 0; i < m.attachments().size(); i++) {
        batch.bind("m", m.id()).bind("u", m.attachments().get(i).get("id")).bind("p", i).add();
        rows++;
      }
    }
    if (rows > 0) {
      batch.execute();
    }
  }

  private static List<Message> reactionsOf(Handle h, List<Message> messages) {
    if (messages.isEmpty()) {
      return messages;
    }
    Map<String, Map<String, List<String>>> byMessage = new LinkedHashMap<>();
    h.createQuery(
            """
        SELECT r.message_id, r.emoji, u.username
          FROM reactions r JOIN users u ON u.id = r.user_id
         WHERE r.message_id IN (<ids>)
         ORDER BY r.created_at, u.username
        """)
        .bindList("ids", messages.stream().map(Message::id).toList())
        .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})
        .forEach(
            row ->
                byMessage
                    .computeIfAbsent(row[0], k -> new LinkedHashMap<>())
                    .computeIfAbsent(row[1], k -> new ArrayList<>())
                    .add(row[2]));
    List<Message> out = new ArrayList<>(messages.size());
    for (Message m : messages) {
      Map<String, List<String>> r = byMessage.get(m.id());
      out.add(r == null ? m : m.withReactions(r));
    }
    return out;
  }

  static void edit(Handle h, String id, String body, long now, long rev) {
    h.createUpdate(
            """
        UPDATE messages SET body = :body, edited_at = :now, search_terms = :terms, rev = :rev WHERE id = :id
        """)
        .bind("body", body)
        .bind("now", now)
        .bind("terms", SearchTerms.index(body))
        .bind("rev", rev)
        .bind("id", id)
        .execute();
  }

  /**
   * Turns the message into a tombstone changed at {@code rev} (no longer pinned either); false when
   * it already was one.
   */
  static boolean tombstone(Handle h, String id, long rev) {
    int changed =
        h.createUpdate(
                """
            UPDATE messages SET body = '', search_terms = '', deleted = :yes, rev = :rev,
                                pinned_at = NULL, pinned_by = NULL,
                                mentions = NULL, mentions_room = :no, mentions_here = :no
             WHERE id = :id AND deleted = :no
            """)
            .bind("yes", true)
            .bind("no", false)
            .bind("rev", rev)
            .bind("id", id)
            .execute();
    if (changed == 1) {
      h.createUpdate("DELETE FROM reactions WHERE message_id = :id").bind("id", id).execute();
      h.createUpdate("DELETE FROM message_attachments WHERE message_id = :id")
          .bind("id", id)
          .execute();
      h.createUpdate("DELETE FROM message_mentions WHERE message_id = :id")
          .bind("id", id)
          .execute();
    }
    return changed == 1;
  }

  /**
   * What a new reaction is checked against: counts on the message, and whether it is there already.
   */
  record ReactionCounts(long distinctEmoji, long byUser, boolean emojiUsed, boolean alreadyThere) {}

  static ReactionCounts reactionCounts(Handle h, String messageId, String userId, String emoji) {
    return h.createQuery(
            """
        SELECT count(DISTINCT emoji) AS distinct_emoji,
               coalesce(sum(CASE WHEN user_id = :u THEN 1 ELSE 0 END), 0) AS by_user,
               coalesce(sum(CASE WHEN emoji = :e THEN 1 ELSE 0 END), 0) AS with_emoji,
               coalesce(sum(CASE WHEN emoji = :e AND user_id = :u THEN 1 ELSE 0 END), 0) AS mine
          FROM reactions WHERE message_id = :m
        """)
        .bind("m", messageId)
        .bind("u", userId)
        .bind("e", emoji)
        .map(
            (rs, ctx) ->
                new ReactionCounts(
                    rs.getLong("distinct_emoji"),
                    rs.getLong("by_user"),
                    rs.getLong("with_emoji") > 0,
                    rs.getLong("mine") > 0))
        .one();
  }

  static boolean addReaction(Handle h, String messageId, String userId, String emoji, long now) {
    boolean exists =
        h.createQuery(
                    """
        SELECT count(*) FROM reactions WHERE message_id = :m AND user_id = :u AND emoji = :e
        """)
                .bind("m", messageId)
                .bind("u", userId)
                .bind("e", emoji)
                .mapTo(Long.class)
                .one()
            > 0;
    if (exists) {
      return false;
    }
    h.createUpdate(
            "INSERT INTO reactions (message_id, user_id, emoji, created_at) VALUES (:m, :u, :e, :now)")
        .bind("m", messageId)
        .bind("u", userId)
        .bind("e", emoji)
        .bind("now", now)
        .execute();
    return true;
  }

  static boolean removeReaction(Handle h, String messageId, String userId, String emoji) {
    return h.createUpdate(
                "DELETE FROM reactions WHERE message_id = :m AND user_id = :u AND emoji = :e")
            .bind("m", messageId)
            .bind("u", userId)
            .bind("e", emoji)
            .execute()
        == 1;
  }

  /**
   * Pins ({@code by} a user id) or unpins ({@code by} null) the message, changed at {@code rev}.
   */
  static void setPin(Handle h, String id, Long at, String by, long rev) {
    h.createUpdate(
            "UPDATE messages SET pinned_at = :at, pinned_by = :by, rev = :rev WHERE id = :id")
        .bindByType("at", at, Long.class)
        .bindByType("by", by, String.class)
        .bind("rev", rev)
        .bind("id", id)
        .execute();
  }

  static long pinCount(Handle h, String roomId) {
    return h.createQuery(
            "SELECT count(*) FROM messages WHERE room_id = :room AND pinned_at IS NOT NULL")
        .bind("room", roomId)
        .mapTo(Long.class)
        .one();
  }

  /** A room's pinned messages, the newest pin first. */
  static List<Message> pinned(Handle h, String roomId, int limit) {
    return h.createQuery(
            SELECT
                + """
         WHERE m.room_id = :room AND m.pinned_at IS NOT NULL
         ORDER BY m.pinned_at DESC, m.seq DESC LIMIT :limit
        """)
        .bind("room", roomId)
        .bind("limit", limit)
        .map(MAPPER)
        .list();
  }

  /**
   * Records that {@code m} mentions each of {@code userIds} (its author never: one's own message is
   * not news to one); a row there already is kept.
   */
  static void insertMentions(Handle h, Message m, Collection<String> userIds) {
    try (PreparedStatement ps =
        h.getConnection()
            .prepareStatement(
                """
        INSERT INTO message_mentions (message_id, user_id, room_id, seq) VALUES (?, ?, ?, ?)
        ON CONFLICT (message_id, user_id) DO NOTHING
        """)) {
      int rows = 0;
      for (String user : userIds) {
        if (!user.equals(m.authorId())) {
          ps.setString(1, m.id());
          ps.setString(2, user);
          ps.setString(3, m.roomId());
          ps.setLong(4, m.seq());
          ps.addBatch();
          rows++;
        }
      }
      if (rows > 0) {
        ps.executeBatch();
      }
    } catch (SQLException e) {
      throw new Sql.Failed(e);
    }
  }

  /** The members of a message's room it mentions by name or reached by @here. */
  static List<String> mentionedIds(Handle h, String messageId) {
    return h.createQuery("SELECT user_id FROM message_mentions WHERE message_id = :m")
        .bind("m", messageId)
        .mapTo(String.class)
        .list();
  }

  static void deleteMentions(Handle h, String messageId) {
    h.createUpdate("DELETE FROM message_mentions WHERE message_id = :m")
        .bind("m", messageId)
        .execute();
  }

  /** Username → user id of the members of {@code roomId} among {@code names} (lower-case). */
  static Map<String, String> members(Handle h, String roomId, Collection<String> names) {
    Map<String, String> out = new LinkedHashMap<>();
    if (names.isEmpty()) {
      return out;
    }
    h.createQuery(
            """
        SELECT u.username, u.id FROM room_members rm JOIN users u ON u.id = rm.user_id
         WHERE rm.room_id = :room AND u.username IN (<names>)
        """)
        .bind("room", roomId)
        .bindList("names", List.copyOf(names))
        .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  /** An edit's new mentions: the columns of the message (its rows are the caller's to set). */
  static void setMentions(Handle h, String id, Mentions mentions) {
    h.createUpdate(
            """
        UPDATE messages SET mentions = :names, mentions_room = :room, mentions_here = :here
         WHERE id = :id
        """)
        .bindByType("names", mentionsColumn(mentions.names()), String.class)
        .bind("room", mentions.room())
        .bind("here", mentions.here())
        .bind("id", id)
        .execute();
  }
}
