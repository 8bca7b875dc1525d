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
import dev.banter.store.Database;
import dev.banter.store.Dialect;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  private void published(List<Message> stored) {
    for (Message m : stored) {
      bus.publish(m.posted());
    }
  }

  /**
   * {@link #postAsync}, waiting for the outcome: the stored message, or the refusal thrown (an
   * {@code ApiError} when the author may not post there).
   */
  public Posted post(
      Principal p,
      String roomId,
      String rawBody,
      String replyTo,
      String rawClientId,
      List<String> attachments) {
    CompletableFuture<PostOutcome> committed = new CompletableFuture<>();
    postAsync(p, roomId, rawBody, replyTo, rawClientId, attachments, committed::complete);
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
  public void postAsync(
      Principal p,
      String roomId,
      String rawBody,
      String replyTo,
      String rawClientId,
      List<String> attachments,
      Consumer<PostOutcome> onCommit) {
    limits.check(UserLimits.Action.SEND, p.userId());
    String body = MessageFields.body(rawBody);
    String clientId = MessageFields.clientId(rawClientId);
    List<String> attachmentIds = attachments == null ? List.of() : attachments;
    if (attachmentIds.size() > MAX_ATTACHMENTS
        || attachmentIds.stream().distinct().count() < attachmentIds.size()) {
      throw ApiError.validation(
          "attachments", "at most " + MAX_ATTACHMENTS + " different uploads per message");
    }
    List<Map<String, Object>> attached = new ArrayList<>();
    if (replyTo != null || !attachmentIds.isEmpty()) {
      // What only some posts need is read here, after the checks the writer repeats (so that a
      // non-member learns nothing about the room's messages or anyone's uploads).
      db.jdbi()
          .useHandle(
              h -> {
                rooms.requirePoster(h, p, roomId);
                if (replyTo != null && Messages.byId(h, roomId, replyTo).isEmpty()) {
                  throw ApiError.validation("reply_to", "reply_to must be a message of this room");
                }
                if (!attachmentIds.isEmpty()) {
                  List<Map<String, Object>> own = Messages.ownUploads(h, p.userId(), attachmentIds);
                  if (own.contains(null)) {
                    throw ApiError.validation(
                        "attachments", "attachments must be your own uploads");
                  }
                  attached.addAll(own);
                }
              });
    }
    writer.submit(
        new MessageWriter.Post(
            roomId,
            p.userId(),
            body,
            replyTo,
            clientId,
            List.copyOf(attached),
            clock.millis(),
            onCommit));
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
                  return Messages.byId(h, roomId, messageId).orElseThrow();
                });
    bus.publish(new ServerEvent.MessageEdited(roomId, messageId, edited.rev(), edited.view()));
    return edited;
  }

  public void delete(Principal p, String roomId, String messageId) {
    limits.check(UserLimits.Action.DELETE, p.userId());
    String role = rooms.requireRole(p, roomId);
    boolean moderator = role.equals("owner") || role.equals("admin");
    Message removed =
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
                  return tombstone(h, m);
                });
    publishDeleted(removed);
  }

  /**
   * Tombstones {@code m} at the room's next rev; null (and no rev taken) when it was one already.
   */
  private static Message tombstone(Handle h, Message m) {
    if (m.deleted()) {
      return null;
    }
    long rev = nextRev(h, m.roomId());
    return Messages.tombstone(h, m.id(), rev)
        ? Messages.byId(h, m.roomId(), m.id()).orElseThrow()
        : null;
  }

  private void publishDeleted(Message removed) {
    if (removed != null) {
      bus.publish(
          new ServerEvent.MessageDeleted(
              removed.roomId(), removed.id(), removed.seq(), removed.rev()));
    }
  }

  /** Deletes any message (global admins; the caller checked that). */
  public void deleteAsAdmin(String roomId, String messageId) {
    Message removed =
        db.jdbi()
            .inTransaction(
                h -> {
                  Message m =
                      Messages.byId(h, roomId, messageId)
                          .orElseThrow(() -> ApiError.notFound("no such message"));
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
