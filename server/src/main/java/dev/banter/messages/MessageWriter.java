package dev.banter.messages;

import dev.banter.auth.User;
import dev.banter.core.ApiError;
import dev.banter.core.Ids;
import dev.banter.core.Metrics;
import dev.banter.messages.PostOutcome.Posted;
import dev.banter.messages.PostOutcome.Refused;
import dev.banter.rooms.RoomService;
import dev.banter.rooms.RoomService.RoomUser;
import dev.banter.store.Database;
import dev.banter.store.Sql;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one path by which messages are stored: group commit. Posts queue up; one writer thread takes
 * everything waiting (up to {@code maxBatch}) and stores it in a single transaction, so concurrent
 * posts share one commit and one fsync, and a few statements per batch (not per post) check the
 * authors, take the seqs and insert the rows. A post its author may not make fails alone; when the
 * batch meets something only a post-by-post look can settle (a repeated client_id, a room deleted
 * meanwhile), it is rolled back and written again with a savepoint per post, so one failing post
 * still does not fail its batch. The seq is assigned in the database (room row updated and locked
 * in the same transaction as the insert), so it is gapless across nodes too; the same statement
 * takes each post's rev (SPEC §5.1), so revs cost the batch no statement. Both paths end in {@link
 * #commit}: acks first, then events.
 */
final class MessageWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MessageWriter.class);

  /**
   * Posts waiting for the writer; when full, posting waits up to ENQUEUE_WAIT_MS and then answers
   * 503.
   */
  private static final int QUEUE_CAPACITY = 10_000;

  private static final long ENQUEUE_WAIT_MS = 5_000;

  /**
   * Rooms in a fixed order: two nodes' batches then lock room rows in the same order (no deadlock).
   */
  private static final Comparator<Post> BY_ROOM = Comparator.comparing(Post::roomId);

  /**
   * One message to store, by the user {@code authorId}; {@code onCommit} is handed its outcome on
   * the writer thread, in {@link #commit}.
   */
  record Post(
      String roomId,
      String authorId,
      String body,
      String replyTo,
      String threadId,
      Mentions mentions,
      List<String> mentionedIds,
      String clientId,
      List<Map<String, Object>> attachments,
      long now,
      Consumer<PostOutcome> onCommit) {
    RoomUser poster() {
      return new RoomUser(roomId, authorId);
    }

    /**
     * The new message this post becomes, by {@code author} (its row as checked), at {@code seq} and
     * {@code rev}.
     */
    Message message(User author, long seq, long rev) {
      return new Message(
          Ids.newId(),
          roomId,
          seq,
          rev,
          author.id(),
          author.username(),
          author.displayName(),
          author.avatarUrl(),
          body,
          replyTo,
          clientId,
          now,
          null,
          false,
          Map.of(),
          attachments,
          null,
          null,
          threadId,
          null,
          mentions);
    }
  }

  /**
   * A committed batch: its new messages in commit order, then the thread roots their replies
   * changed (each at a rev after its replies').
   */
  record Committed(List<Message> created, List<Message> roots) {}

  /** What storing a batch yields: each post's outcome, and the thread roots it changed. */
  private record Stored(List<PostOutcome> outcomes, List<Message> roots) {}

  private final Database db;
  private final Metrics metrics;
  private final int maxBatch;
  private final Consumer<Committed> afterCommit;
  private final BlockingQueue<Post> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * Posts submitted and not yet committed (queued, or in the batch being written and published).
   */
  private final AtomicInteger inFlight = new AtomicInteger();

  /**
   * @param afterCommit called on the writer thread with each committed batch's new messages, in
   *     commit order (so events of one room are published in seq order), and the thread roots they
   *     changed, after the batch's posts were handed their outcomes
   */
  MessageWriter(Database db, int maxBatch, Consumer<Committed> afterCommit, Metrics metrics) {
    this.db = db;
    this.metrics = metrics;
    this.maxBatch = maxBatch;
    this.afterCommit = afterCommit;
    this.thread = Thread.ofPlatform().name("banter-writer").daemon().start(this::run);
  }

  /**
   * Queues {@code post}; throws a 503 {@code ApiError} when the queue stays full or the writer is
   * closed.
   */
  void submit(Post post) {
    inFlight.incrementAndGet();
    try {
      if (!running || !queue.offer(post, ENQUEUE_WAIT_MS, TimeUnit.MILLISECONDS)) {
        inFlight.decrementAndGet();
        throw ApiError.unavailable("the message store is overloaded; retry shortly", null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      inFlight.decrementAndGet();
      throw ApiError.unavailable("interrupted", null);
    }
  }

  private void run() {
    List<Post> batch = new ArrayList<>(maxBatch);
    while (running || !queue.isEmpty()) {
      try {
        Post first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        batch.sort(BY_ROOM); // stable: posts queued from one thread keep their order
        write(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.error(
            "publishing a message batch of {} failed",
            batch.size(),
            e); // its posts have their outcomes
      } finally {
        batch.clear();
      }
    }
  }

  /**
   * Stores {@code batch} (sorted by room) the fast way, or else the careful way, then commits it.
   */
  private void write(List<Post> batch) {
    long started = System.nanoTime();
    Stored stored;
    try {
      stored = store(batch);
    } catch (RuntimeException e) {
      log.error("message batch of {} failed", batch.size(), e);
      commit(
          batch,
          new Stored(batch.stream().<PostOutcome>map(p -> new Refused(e)).toList(), List.of()));
      return;
    }
    commit(batch, stored);
    metrics.storeBatch.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    metrics.storeBatchSize.record(batch.size());
  }

  /** Each post's outcome, in batch order, once the transaction that stored them has committed. */
  private Stored store(List<Post> batch) {
    try {
      return db.jdbi().inTransaction(h -> storeBatch(h, batch));
    } catch (RuntimeException e) {
      // a repeated client_id, a vanished room, a failed insert: sort it out post by post
      return db.jdbi().inTransaction(h -> storeOneByOne(h, batch));
    }
  }

  /**
   * Hands each post its outcome (this is where acks are written: the callbacks run here, on the
   * writer thread), then publishes the new messages. This order is the guarantee that a sender gets
   * its ack before its message's new_message event: the ack is queued on the connection before the
   * event is published at all. Repeats of a client_id are not published again.
   */
  private void commit(List<Post> posts, Stored stored) {
    List<PostOutcome> outcomes = stored.outcomes();
    try {
      List<Message> created = new ArrayList<>(posts.size());
      for (int i = 0; i < posts.size(); i++) {
        hand(posts.get(i), outcomes.get(i));
        if (outcomes.get(i) instanceof Posted(Message m, boolean isNew) && isNew) {
          created.add(m);
        }
      }
      if (!created.isEmpty()) {
        metrics.messagesAccepted.increment(created.size());
        afterCommit.accept(new Committed(created, stored.roots()));
      }
    } finally {
      inFlight.addAndGet(-posts.size());
    }
  }

  private static void hand(Post post, PostOutcome outcome) {
    try {
      post.onCommit().accept(outcome);
    } catch (RuntimeException e) {
      log.error(
          "a post's callback failed",
          e); // the batch's other posts still get theirs, and its events
    }
  }

  /**
   * The fast path found something only the careful path can settle; its transaction is rolled back.
   */
  private static final class Conflict extends RuntimeException {
    Conflict() {
      super(null, null, false, false);
    }
  }

  /**
   * The whole batch in a few statements: one check of every (room, author) pair, one seq update per
   * room, one batched insert, one batched read-marker update. Returns each post's outcome: new, or
   * refused with the {@link ApiError} of its check. Assumes no post repeats a client_id; if one
   * does (the insert skips it), throws {@link Conflict} and the batch goes the careful way instead.
   *
   * <p>Each loop over the batch is a small method of its own. As one method with five loops over up
   * to 256 posts, this was compiled by C2 once per loop (on-stack replacement), each time inlining
   * every statement beneath it: 5–13 s of the one core's compiler time in the first minute.
   */
  private static Stored storeBatch(Handle h, List<Post> all) {
    Map<RoomUser, RoomService.Poster> byPair = RoomService.posters(h, pairs(all));
    List<RoomService.Poster> checked = all.stream().map(p -> byPair.get(p.poster())).toList();
    List<Post> posts = new ArrayList<>(all.size());
    List<User> authors = new ArrayList<>(all.size());
    accepted(all, checked, posts, authors);
    long[][] counters = takeSeqs(h, posts);
    List<Message> messages = messages(posts, authors, counters[0], counters[1]);
    if (!messages.isEmpty()) {
      if (Messages.insertAll(h, messages) != messages.size()) {
        throw new Conflict();
      }
      Messages.insertAttachments(h, messages);
      Messages.markAuthorsRead(h, messages);
      mentioned(h, posts, messages);
    }
    return new Stored(outcomes(checked, messages), Threads.replied(h, messages, posts));
  }

  /** The mention rows of the batch's posts that name members (most name no one: one check each). */
  private static void mentioned(Handle h, List<Post> posts, List<Message> messages) {
    for (int k = 0; k < posts.size(); k++) {
      if (!posts.get(k).mentionedIds().isEmpty()) {
        Messages.insertMentions(h, messages.get(k), posts.get(k).mentionedIds());
      }
    }
  }

  private static Set<RoomUser> pairs(List<Post> posts) {
    Set<RoomUser> pairs = new HashSet<>();
    for (Post p : posts) {
      pairs.add(p.poster());
    }
    return pairs;
  }

  /**
   * The posts that passed their check, into {@code posts}, with their authors into {@code authors}.
   */
  private static void accepted(
      List<Post> all, List<RoomService.Poster> checked, List<Post> posts, List<User> authors) {
    for (int k = 0; k < all.size(); k++) {
      if (checked.get(k).refusal() == null) {
        posts.add(all.get(k));
        authors.add(checked.get(k).user());
      }
    }
  }

  /**
   * Each post's seq and rev ({@code [seqs, revs]}): one update per room takes the room's posts'
   * seqs and revs at once (posts are sorted by room), each post its own, increasing in batch order.
   */
  private static long[][] takeSeqs(Handle h, List<Post> posts) {
    long[] seqs = new long[posts.size()];
    long[] revs = new long[posts.size()];
    int i = 0;
    while (i < posts.size()) {
      int j = endOfRoom(posts, i);
      Messages.Taken last =
          Messages.takeSeqs(h, posts.get(i).roomId(), j - i, posts.get(j - 1).now())
              .orElseThrow(Conflict::new);
      for (int k = i; k < j; k++) {
        seqs[k] = last.lastSeq() - (j - 1 - k);
        revs[k] = last.lastRev() - (j - 1 - k);
      }
      i = j;
    }
    return new long[][] {seqs, revs};
  }

  /** The index after the last post of the room of {@code posts[from]}. */
  private static int endOfRoom(List<Post> posts, int from) {
    String room = posts.get(from).roomId();
    int j = from;
    while (j < posts.size() && posts.get(j).roomId().equals(room)) {
      j++;
    }
    return j;
  }

  private static List<Message> messages(
      List<Post> posts, List<User> authors, long[] seqs, long[] revs) {
    List<Message> messages = new ArrayList<>(posts.size());
    for (int k = 0; k < posts.size(); k++) {
      messages.add(posts.get(k).message(authors.get(k), seqs[k], revs[k]));
    }
    return messages;
  }

  /** For each post in batch order: its new message, or its refusal. */
  private static List<PostOutcome> outcomes(
      List<RoomService.Poster> checked, List<Message> messages) {
    List<PostOutcome> outcomes = new ArrayList<>(checked.size());
    var next = messages.iterator();
    for (RoomService.Poster poster : checked) {
      outcomes.add(
          poster.refusal() != null ? new Refused(poster.refusal()) : new Posted(next.next(), true));
    }
    return outcomes;
  }

  /** The careful path: each post in its own savepoint, with its client_id looked up first. */
  private static Stored storeOneByOne(Handle h, List<Post> batch) {
    List<PostOutcome> outcomes = new ArrayList<>(batch.size());
    List<Message> created = new ArrayList<>();
    List<Post> createdBy = new ArrayList<>();
    for (Post p : batch) {
      PostOutcome outcome = storeInSavepoint(h, p);
      outcomes.add(outcome);
      if (outcome instanceof Posted(Message m, boolean isNew) && isNew) {
        created.add(m);
        createdBy.add(p);
      }
    }
    return new Stored(outcomes, Threads.replied(h, created, createdBy));
  }

  private static PostOutcome storeInSavepoint(Handle h, Post p) {
    h.savepoint("post");
    try {
      PostOutcome outcome = storeOne(h, p);
      h.releaseSavepoint("post");
      return outcome;
    } catch (RuntimeException e) {
      h.rollbackToSavepoint("post");
      if (Sql.isUniqueViolation(e)
          && p.clientId() != null) { // the same client_id, committed meanwhile by another node
        var raced = Messages.byClientId(h, p.roomId(), p.authorId(), p.clientId());
        if (raced.isPresent()) {
          return new Posted(raced.get(), false);
        }
      }
      return new Refused(e);
    }
  }

  private static PostOutcome storeOne(Handle h, Post p) {
    RoomService.Poster poster = RoomService.posters(h, List.of(p.poster())).get(p.poster());
    if (poster.refusal() != null) {
      return new Refused(poster.refusal());
    }
    if (p.clientId() != null) {
      var existing = Messages.byClientId(h, p.roomId(), p.authorId(), p.clientId());
      if (existing.isPresent()) {
        return new Posted(existing.get(), false); // idempotent: no seq is taken
      }
    }
    Messages.Taken at =
        Messages.takeSeqs(h, p.roomId(), 1, p.now())
            .orElseThrow(() -> ApiError.notFound("no such room"));
    Message m = p.message(poster.user(), at.lastSeq(), at.lastRev());
    Messages.insert(h, m);
    Messages.markAuthorRead(h, p.roomId(), p.authorId(), m.seq());
    Messages.insertAttachments(h, List.of(m));
    if (!p.mentionedIds().isEmpty()) {
      Messages.insertMentions(h, m, p.mentionedIds());
    }
    return new Posted(m, true);
  }

  /** Waits until every submitted post is stored (or {@code timeoutMs} passed); true when idle. */
  boolean awaitIdle(long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    return inFlight.get() == 0;
  }

  /** Stops taking posts, stores what is queued, then returns. */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
