package dev.banter.messages;

import dev.banter.cluster.EventBus;
import dev.banter.core.ApiError;
import dev.banter.core.Metrics;
import dev.banter.core.Principal;
import dev.banter.core.UserLimits;
import dev.banter.events.ServerEvent;
import dev.banter.messages.PostOutcome.Posted;
import dev.banter.messages.PostOutcome.Refused;
import dev.banter.rooms.RoomService;
import dev.banter.store.AuditLog;
import dev.banter.store.Database;
import dev.banter.store.Dialect;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;

/**
 * Posting (through the group-commit writer), history, edits, tombstones and reactions (SPEC §4).
 */
public final class MessageService implements AutoCloseable {
  /** Posts stored in one transaction at most. */
  public static final int MAX_BATCH = 256;

  /** Files one message may carry. */
  public static final int MAX_ATTACHMENTS = 10;

  /** Different emoji on one message, and reactions of one user on one message. */
  public static final int MAX_EMOJI_PER_MESSAGE = 50;

  public static final int MAX_REACTIONS_PER_USER = 20;

  private final Database db;
  private final RoomService rooms;
  private final EventBus bus;
  private final Clock clock;
  private final MessageWriter writer;

  /**
   * SQLite's search indexing after commit (PostgreSQL indexes in the insert: GIN's pending list
   * batches it).
   */
  private final SearchIndexer indexer;

  private final UserLimits limits;

  /** The members a message mentions by name or reached by @here, in the caller's handle. */
  public static List<String> mentionedIds(Handle h, String messageId) {
    return Messages.mentionedIds(h, messageId);
  }

  public MessageService(
      Database db,
      RoomService rooms,
      EventBus bus,
      Clock clock,
      int maxBatch,
      Metrics metrics,
      UserLimits limits) {
    this.limits = limits;
    this.db = db;
    this.rooms = rooms;
    this.bus = bus;
    this.clock = clock;
    this.writer = new MessageWriter(db, maxBatch, this::published, metrics);
    this.indexer = db.dialect() == Dialect.SQLITE ? new SearchIndexer(db) : null;
  }

  /**
   * What hears of every message stored or edited on this node, once (the notifier): called after
   * its events are published, on the thread that stored it; it must not block.
   */
  public interface Listener {
    void posted(List<Message> created);

    /** {@code m} was edited; {@code newlyMentioned} are the members it names now and did not. */
    void edited(Message m, List<String> newlyMentioned);
  }

  private volatile Listener listener;

  /** Tells {@code l} of every message stored or edited from now on (one listener). */
  public void listen(Listener l) {
    this.listener = l;
  }

  private void published(MessageWriter.Committed batch) {
    for (Message m : batch.created()) {
      bus.publish(m.posted());
    }
    for (Message root : batch.roots()) {
      bus.publish(root.updated());
    }
    Listener l = listener;
    if (l != null) {
      l.posted(batch.created());
    }
  }

  /**
   * A message as a client sends it (SPEC §4, §8): the body and client_id as given, the message it
   * replies to, the root of the thread it is posted in, the uploads it carries (each may be null).
   */
  public record Draft(
      String roomId,
      String body,
      String replyTo,
      String threadId,
      String clientId,
      List<String> attachments) {}

  /** A top-level message with no thread: {@link #post(Principal, Draft)}. */
  public Posted post(
      Principal p,
      String roomId,
      String rawBody,
      String replyTo,
      String rawClientId,
      List<String> attachments) {
    return post(p, new Draft(roomId, rawBody, replyTo, null, rawClientId, attachments));
  }

  /**
   * {@link #postAsync}, waiting for the outcome: the stored message, or the refusal thrown (an
   * {@code ApiError} when the author may not post there).
   */
  public Posted post(Principal p, Draft draft) {
    CompletableFuture<PostOutcome> committed = new CompletableFuture<>();
    postAsync(p, draft, committed::complete);
    return switch (await(committed)) {
      case Posted posted -> posted;
      case Refused refused -> throw refused.error();
    };
  }

  /**
   * Validates on the calling thread (throwing {@code ApiError}), then queues the post. Whether its
   * author may post in the room is checked by the writer, in the transaction that stores it (one
   * statement for a whole batch); a post it refuses has the outcome {@link Refused}. {@code
   * onCommit} runs on the writer thread once the post's transaction committed (or failed), before
   * the {@code new_message} events of its batch are published, so what it writes to a connection
   * (an ack) arrives before the event does; it must not block. Posts queued from one thread are
   * stored in the order queued.
   */
  public void postAsync(Principal p, Draft draft, Consumer<PostOutcome> onCommit) {
    limits.check(UserLimits.Action.SEND, p.userId());
    String roomId = draft.roomId();
    String body = MessageFields.body(draft.body());
    String clientId = MessageFields.clientId(draft.clientId());
    String replyTo = draft.replyTo();
    String threadId = draft.threadId();
    List<String> attachmentIds = draft.attachments() == null ? List.of() : draft.attachments();
    if (attachmentIds.size() > MAX_ATTACHMENTS
        || attachmentIds.stream().distinct().count() < attachmentIds.size()) {
      throw ApiError.validation(
          "attachments", "at most " + MAX_ATTACHMENTS + " different uploads per message");
    }
    Mentions written = Mentions.parse(body);
    List<Map<String, Object>> attached = new ArrayList<>();
    Map<String, String> named = new LinkedHashMap<>();
    if (replyTo != null
        || threadId != null
        || !attachmentIds.isEmpty()
        || !written.names().isEmpty()) {
      // What only some posts need is read here, after the checks the writer repeats (so that a
      // non-member learns nothing about the room's messages, its members or anyone's uploads).
      db.jdbi()
          .useHandle(
              h -> {
                rooms.requirePoster(h, p, roomId);
                if (replyTo != null && Messages.byId(h, roomId, replyTo).isEmpty()) {
                  throw ApiError.validation("reply_to", "reply_to must be a message of this room");
                }
                if (threadId != null) {
                  requireThreadRoot(h, roomId, threadId);
                }
                if (!attachmentIds.isEmpty()) {
                  List<Map<String, Object>> own = Messages.ownUploads(h, p.userId(), attachmentIds);
                  if (own.contains(null)) {
                    throw ApiError.validation(
                        "attachments", "attachments must be your own uploads");
                  }
                  attached.addAll(own);
                }
                named.putAll(Messages.members(h, roomId, written.names()));
              });
    }
    writer.submit(
        new MessageWriter.Post(
            roomId,
            p.userId(),
            body,
            replyTo,
            threadId,
            resolved(written, named),
            List.copyOf(named.values()),
            clientId,
            List.copyOf(attached),
            clock.millis(),
            onCommit));
  }

  /**
   * 422 unless {@code threadId} is a top-level message of the room: a thread has one level (a reply
   * in a thread cannot start another, SPEC §8).
   */
  private static void requireThreadRoot(Handle h, String roomId, String threadId) {
    Message root =
        Messages.byId(h, roomId, threadId)
            .orElseThrow(
                () -> ApiError.validation("thread_id", "thread_id must be a message of this room"));
    if (root.threadId() != null) {
      throw ApiError.validation(
          "thread_id", "a reply in a thread cannot start another thread; reply to its root");
    }
  }

  /**
   * What a body mentions, as the message carries it: the names written that are members of the room
   * (in the order written), and @room / @here.
   */
  private static Mentions resolved(Mentions written, Map<String, String> members) {
    if (!written.any()) {
      return Mentions.NONE;
    }
    return new Mentions(
        written.names().stream().filter(members::containsKey).toList(),
        written.room(),
        written.here());
  }

  private static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiError.unavailable("interrupted", null);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          e.getCause()); // never: the future is only ever completed normally
    }
  }

  /** A page of history and whether more exists beyond it. */
  public record Page(List<Message> messages, boolean hasMore) {}

  public Page history(Principal p, String roomId, Long before, Long after, int limit) {
    if (before != null && after != null) {
      throw ApiError.badRequest("use either before or after, not both");
    }
    rooms.requireRole(p, roomId);
    return db.jdbi()
        .withHandle(
            h -> {
              List<Message> rows = Messages.page(h, roomId, before, after, limit + 1);
              boolean more = rows.size() > limit;
              List<Message> page = more ? rows.subList(0, limit) : rows;
              return new Page(Messages.withReactions(h, new ArrayList<>(page)), more);
            });
  }

  /**
   * One message of the room, a tombstone too (a reply's quoted parent that is not loaded): 404 when
   * the room has no message with that id, a message of another room included.
   */
  public Message one(Principal p, String roomId, String messageId) {
    limits.check(UserLimits.Action.MESSAGE_GET, p.userId());
    return db.jdbi()
        .withHandle(
            h -> {
              rooms.requireRole(h, p, roomId);
              return Messages.byId(h, roomId, messageId)
                  .orElseThrow(() -> ApiError.notFound("no such message"));
            });
  }

  /**
   * The messages of a room changed after {@code afterRev} (posted, edited, deleted, reacted to),
   * oldest change first, for members (SPEC §5.1: what a client pages after {@code
   * changes_truncated}).
   */
  public Page changes(Principal p, String roomId, long afterRev, int limit) {
    rooms.requireRole(p, roomId);
    return changes(roomId, afterRev, Long.MAX_VALUE, limit);
  }

  /**
   * {@link #changes}, among the messages with {@code seq <= maxSeq}, with no access check
   * (internal).
   */
  public Page changes(String roomId, long afterRev, long maxSeq, int limit) {
    return db.jdbi()
        .withHandle(
            h -> {
              List<Message> rows = Messages.changedAfter(h, roomId, afterRev, maxSeq, limit + 1);
              boolean more = rows.size() > limit;
              List<Message> page = more ? rows.subList(0, limit) : rows;
              return new Page(Messages.withReactions(h, new ArrayList<>(page)), more);
            });
  }

  /** The room's next rev, in the caller's transaction (404 when the room is gone meanwhile). */
  private static long nextRev(Handle h, String roomId) {
    return Messages.nextRev(h, roomId).orElseThrow(() -> ApiError.notFound("no such room"));
  }

  public Message edit(Principal p, String roomId, String messageId, String rawBody) {
    limits.check(UserLimits.Action.EDIT, p.userId());
    String body = MessageFields.body(rawBody);
    rooms.requireRole(p, roomId);
    long now = clock.millis();
    List<String> newlyMentioned = new ArrayList<>();
    Message edited =
        db.jdbi()
            .inTransaction(
                h -> {
                  Message m =
                      Messages.byId(h, roomId, messageId)
                          .orElseThrow(() -> ApiError.notFound("no such message"));
                  if (!m.authorId().equals(p.userId())) {
                    throw ApiError.forbidden("only the author can edit a message");
                  }
                  if (m.deleted()) {
                    throw ApiError.conflict("the message was deleted");
                  }
                  Messages.edit(h, messageId, body, now, nextRev(h, roomId));
                  newlyMentioned.addAll(remention(h, m, body));
                  return Messages.byId(h, roomId, messageId).orElseThrow();
                });
    bus.publish(new ServerEvent.MessageEdited(roomId, messageId, edited.rev(), edited.view()));
    Listener l = listener;
    if (l != null) {
      l.edited(edited, newlyMentioned);
    }
    return edited;
  }

  /**
   * Sets the mentions of {@code m} to those of its new {@code body} (its rows replaced); returns
   * the members it names now and did not before. Who an earlier @here reached stays mentioned while
   * the edit still says @here; an @here or @room an edit adds counts as a mention but notifies no
   * one (an edit is not news, decisions.md).
   */
  private static List<String> remention(Handle h, Message m, String body) {
    Mentions written = Mentions.parse(body);
    Map<String, String> members = Messages.members(h, m.roomId(), written.names());
    Mentions now = resolved(written, members);
    if (now.equals(m.mentions())) {
      return List.of();
    }
    List<String> before = Messages.mentionedIds(h, m.id());
    Messages.setMentions(h, m.id(), now);
    List<String> named = new ArrayList<>(members.values());
    Set<String> rows = new LinkedHashSet<>(named);
    if (now.here() && m.mentions().here()) {
      rows.addAll(before); // who the @here reached stays mentioned while the body still says it
    }
    Messages.deleteMentions(h, m.id());
    Messages.insertMentions(h, m, rows);
    if (m.threadId() != null) {
      for (String user : named) {
        Threads.follow(h, user, m.threadId(), m.roomId(), 0);
      }
    }
    List<String> fresh = new ArrayList<>(named);
    fresh.removeAll(before);
    fresh.remove(m.authorId());
    return fresh;
  }

  public void delete(Principal p, String roomId, String messageId) {
    limits.check(UserLimits.Action.DELETE, p.userId());
    String role = rooms.requireRole(p, roomId);
    boolean moderator = role.equals("owner") || role.equals("admin");
    Removed removed =
        db.jdbi()
            .inTransaction(
                h -> {
                  Message m =
                      Messages.byId(h, roomId, messageId)
                          .orElseThrow(() -> ApiError.notFound("no such message"));
                  if (!m.authorId().equals(p.userId()) && !moderator) {
                    throw ApiError.forbidden(
                        "only the author or the room's owners and admins can delete a message");
                  }
                  if (!m.authorId().equals(p.userId()) && !m.deleted()) {
                    auditDelete(h, p, m);
                  }
                  return tombstone(h, m);
                });
    publishDeleted(removed);
  }

  /** A moderator's delete of another's message, in the audit log (the text is not copied). */
  private void auditDelete(Handle h, Principal p, Message m) {
    AuditLog.record(
        h,
        p,
        "message.delete",
        m.id(),
        Map.of("room_id", m.roomId(), "seq", m.seq(), "author_id", m.authorId()),
        clock.millis());
  }

  /** A tombstoned message, and the root of its thread as the delete changed it (or null). */
  private record Removed(Message message, Message root) {}

  /**
   * Tombstones {@code m} at the room's next rev (and, for a thread reply, recomputes its root's
   * summary at the rev after); null (and no rev taken) when it was one already.
   */
  private static Removed tombstone(Handle h, Message m) {
    if (m.deleted()) {
      return null;
    }
    long rev = nextRev(h, m.roomId());
    if (!Messages.tombstone(h, m.id(), rev)) {
      return null;
    }
    Message root =
        m.threadId() == null ? null : Threads.resummarize(h, m.roomId(), m.threadId()).orElse(null);
    return new Removed(Messages.byId(h, m.roomId(), m.id()).orElseThrow(), root);
  }

  private void publishDeleted(Removed removed) {
    if (removed != null) {
      Message m = removed.message();
      bus.publish(new ServerEvent.MessageDeleted(m.roomId(), m.id(), m.seq(), m.rev()));
      if (removed.root() != null) {
        bus.publish(removed.root().updated());
      }
    }
  }

  /** Deletes any message (global admins; the caller checked that). */
  public void deleteAsAdmin(Principal admin, String roomId, String messageId) {
    Removed removed =
        db.jdbi()
            .inTransaction(
                h -> {
                  Message m =
                      Messages.byId(h, roomId, messageId)
                          .orElseThrow(() -> ApiError.notFound("no such message"));
                  if (!m.deleted()) {
                    auditDelete(h, admin, m);
                  }
                  return tombstone(h, m);
                });
    publishDeleted(removed);
  }

  /** A reaction change: the message after it, and whether anything changed. */
  private record Reacted(Message message, boolean changed) {}

  /** Adds ({@code on}) or removes the caller's reaction; returns the message with its reactions. */
  public Message react(Principal p, String roomId, String messageId, String rawEmoji, boolean on) {
    limits.check(UserLimits.Action.REACT, p.userId());
    String emoji = MessageFields.emoji(rawEmoji);
    rooms.requireRole(p, roomId);
    long now = clock.millis();
    Reacted r =
        db.jdbi()
            .inTransaction(
                h -> {
                  Message msg =
                      Messages.byId(h, roomId, messageId)
                          .orElseThrow(() -> ApiError.notFound("no such message"));
                  if (msg.deleted()) {
                    throw ApiError.conflict("the message was deleted");
                  }
                  if (on) {
                    requireRoomForReaction(h, messageId, p.userId(), emoji);
                  }
                  // The rev is taken before the reaction rows are touched (a repeat then spends
                  // one, unused):
                  // every change locks the room row first, so a reaction and a delete of its
                  // message cannot deadlock.
                  long rev = nextRev(h, roomId);
                  boolean changed =
                      on
                          ? Messages.addReaction(h, messageId, p.userId(), emoji, now)
                          : Messages.removeReaction(h, messageId, p.userId(), emoji);
                  if (changed) {
                    Messages.stamp(h, messageId, rev);
                  }
                  return new Reacted(Messages.byId(h, roomId, messageId).orElseThrow(), changed);
                });
    Message m = r.message();
    if (r.changed()) {
      bus.publish(new ServerEvent.Reaction(roomId, messageId, emoji, p.username(), on, m.rev()));
    }
    return m;
  }

  /**
   * 422 when a new reaction would take a message past {@link #MAX_EMOJI_PER_MESSAGE} different
   * emoji or its user past {@link #MAX_REACTIONS_PER_USER} on it: each is a row and a frame for
   * everyone in the room, so one user must not add thousands.
   */
  private static void requireRoomForReaction(
      Handle h, String messageId, String userId, String emoji) {
    var counts = Messages.reactionCounts(h, messageId, userId, emoji);
    if (counts.alreadyThere()) {
      return;
    }
    if (counts.distinctEmoji() >= MAX_EMOJI_PER_MESSAGE && !counts.emojiUsed()) {
      throw ApiError.validation(
          "emoji", "a message has at most " + MAX_EMOJI_PER_MESSAGE + " different reactions");
    }
    if (counts.byUser() >= MAX_REACTIONS_PER_USER) {
      throw ApiError.validation(
          "emoji", "you can add at most " + MAX_REACTIONS_PER_USER + " reactions to one message");
    }
  }

  /** A search hit: the message, a window of its text, and where the matches are in that window. */
  public record Hit(Message message, String snippet, List<int[]> highlights) {}

  /** Full-text search over the caller's rooms (or one of them), newest first. */
  public List<Hit> search(Principal p, String q, String roomId, long before, int limit) {
    List<SearchTerms.Clause> clauses = SearchTerms.parse(q);
    if (roomId != null) {
      rooms.requireRole(p, roomId);
    }
    List<String> terms = SearchTerms.highlightTerms(clauses);
    String engineQuery = Search.engineQuery(db.dialect(), clauses);
    catchUpSearchIndex(); // every message stored before the search began can be found
    return db
        .jdbi()
        .withHandle(
            h ->
                Messages.withReactions(
                    h,
                    Search.find(h, db.dialect(), p.userId(), engineQuery, roomId, before, limit)))
        .stream()
        .map(
            m -> {
              Search.Snippet s = Search.snippet(m.body(), terms);
              return new Hit(m, s.text(), s.highlights());
            })
        .toList();
  }

  /**
   * The stored messages of a room with seq in (after, upTo], oldest first (no access check:
   * internal).
   */
  public List<Message> range(String roomId, long after, long upTo) {
    return db.jdbi()
        .withHandle(
            h -> {
              List<Message> out = new ArrayList<>();
              long cursor = after;
              while (cursor < upTo) {
                List<Message> page = Messages.page(h, roomId, null, cursor, 500);
                for (Message m : page) {
                  if (m.seq() > upTo) {
                    return Messages.withReactions(h, out);
                  }
                  out.add(m);
                  cursor = m.seq();
                }
                if (page.size() < 500) {
                  break;
                }
              }
              return Messages.withReactions(h, out);
            });
  }

  /** The newest message of each room, for the room list. */
  public Map<String, Message> latest(Collection<String> roomIds) {
    Map<String, Message> out = new HashMap<>();
    db.jdbi().useHandle(h -> Messages.latest(h, roomIds).forEach(m -> out.put(m.roomId(), m)));
    return out;
  }

  /** Waits until every post submitted so far is stored and acknowledged (used at shutdown). */
  public boolean awaitIdle(Duration budget) {
    try {
      return writer.awaitIdle(budget.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Indexes for search what is stored and not yet indexed (SQLite); returns how many messages. */
  public int catchUpSearchIndex() {
    return indexer == null ? 0 : indexer.catchUp();
  }

  @Override
  public void close() {
    writer.close();
    if (indexer != null) {
      indexer.close();
    }
  }
}
