package dev.banter.messages;

import dev.banter.auth.User;
import dev.banter.core.ApiError;
import dev.banter.core.Ids;
import dev.banter.core.Metrics;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one path by which messages are stored: group commit. Posts queue up; one writer thread
 * takes everything waiting (up to {@code maxBatch}) and stores it in a single transaction, so
 * concurrent posts share one commit and one fsync, and a few statements per batch (not per post)
 * check the authors, take the seqs and insert the rows. A post its author may not make fails
 * alone; when the batch meets something only a post-by-post look can settle (a repeated
 * client_id, a room deleted meanwhile), it is rolled back and written again with a savepoint per
 * post, so one failing post still does not fail its batch. The seq is assigned in the database
 * (room row updated and locked in the same transaction as the insert), so it is gapless across
 * nodes too; the same statement takes each post's rev (SPEC §5.1), so revs cost the batch no
 * statement.
 */
final class MessageWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MessageWriter.class);
  /** Posts waiting for the writer; when full, posting waits up to ENQUEUE_WAIT_MS and then answers 503. */
  private static final int QUEUE_CAPACITY = 10_000;
  private static final long ENQUEUE_WAIT_MS = 5_000;

  /**
   * One message to store, by the user {@code authorId}; {@code done} completes after commit, or
   * with the post's {@code ApiError} when its author may not post in the room.
   */
  record Post(String roomId, String authorId, String body, String replyTo, String clientId,
      List<Map<String, Object>> attachments, long now, CompletableFuture<Posted> done) {
    RoomUser poster() {
      return new RoomUser(roomId, authorId);
    }
  }

  /** The stored message, and whether it is new (false: an earlier post with the same client_id). */
  record Posted(Message message, boolean created) {}

  private final Database db;
  private final Metrics metrics;
  private final int maxBatch;
  private final Consumer<List<Message>> afterCommit;
  private final BlockingQueue<Post> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final Thread thread;
  private volatile boolean running = true;
  /** Posts submitted and not yet completed (queued or in the batch being written). */
  private final AtomicInteger inFlight = new AtomicInteger();

  /**
   * @param afterCommit called on the writer thread with each committed batch, in commit order
   *     (so events of one room are published in seq order)
   */
  MessageWriter(Database db, int maxBatch, Consumer<List<Message>> afterCommit, Metrics metrics) {
    this.db = db;
    this.metrics = metrics;
    this.maxBatch = maxBatch;
    this.afterCommit = afterCommit;
    this.thread = Thread.ofPlatform().name("banter-writer").daemon().start(this::run);
  }

  CompletableFuture<Posted> submit(Post post) {
    inFlight.incrementAndGet();
    post.done().whenComplete((r, e) -> inFlight.decrementAndGet());
    try {
      if (!running || !queue.offer(post, ENQUEUE_WAIT_MS, TimeUnit.MILLISECONDS)) {
        inFlight.decrementAndGet();
        throw ApiError.unavailable("the message store is overloaded; retry shortly", null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiError.unavailable("interrupted", null);
    }
    return post.done();
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
        long started = System.nanoTime();
        write(batch);
        metrics.storeBatch.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        metrics.storeBatchSize.record(batch.size());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.error("message batch of {} failed", batch.size(), e);
        batch.forEach(p -> p.done().completeExceptionally(e));
      } finally {
        batch.clear();
      }
    }
  }

  private void write(List<Post> batch) {
    // Rooms in a fixed order: two nodes' batches then lock room rows in the same order (no deadlock).
    List<Post> ordered = new ArrayList<>(batch);
    ordered.sort(Comparator.comparing(Post::roomId));
    List<Object> outcomes;
    try {
      outcomes = db.jdbi().inTransaction(h -> storeBatch(h, ordered));
    } catch (RuntimeException e) {
      writeOneByOne(ordered); // a repeated client_id, a vanished room, a failed insert: sort it out post by post
      return;
    }
    List<Message> stored = complete(ordered, outcomes);
    if (!stored.isEmpty()) {
      metrics.messagesAccepted.increment(stored.size());
      afterCommit.accept(stored);
    }
  }

  /** Completes each post with its outcome (acks are written here); returns the messages stored. */
  private static List<Message> complete(List<Post> posts, List<Object> outcomes) {
    List<Message> stored = new ArrayList<>(posts.size());
    for (int i = 0; i < posts.size(); i++) {
      if (outcomes.get(i) instanceof Posted posted) {
        stored.add(posted.message());
        posts.get(i).done().complete(posted);
      } else {
        posts.get(i).done().completeExceptionally((ApiError) outcomes.get(i));
      }
    }
    return stored;
  }

  /** The fast path found something only the careful path can settle; its transaction is rolled back. */
  private static final class Conflict extends RuntimeException {
    Conflict() {
      super(null, null, false, false);
    }
  }

  /**
   * The whole batch in a few statements: one check of every (room, author) pair, one seq update per
   * room, one batched insert, one batched read-marker update. Returns, for each post, its
   * {@link Posted} or the {@link ApiError} that refused it. Assumes no post repeats a client_id; if
   * one does (the insert skips it), throws {@link Conflict} and the batch goes the careful way
   * instead.
   *
   * <p>Each loop over the batch is a small method of its own. As one method with five loops over up
   * to 256 posts, this was compiled by C2 once per loop (on-stack replacement), each time inlining
   * every statement beneath it: 5–13 s of the one core's compiler time in the first minute.
   */
  private static List<Object> storeBatch(Handle h, List<Post> all) {
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
    }
    return outcomes(checked, messages);
  }

  private static Set<RoomUser> pairs(List<Post> posts) {
    Set<RoomUser> pairs = new HashSet<>();
    for (Post p : posts) {
      pairs.add(p.poster());
    }
    return pairs;
  }

  /** The posts that passed their check, into {@code posts}, with their authors into {@code authors}. */
  private static void accepted(List<Post> all, List<RoomService.Poster> checked, List<Post> posts,
      List<User> authors) {
    for (int k = 0; k < all.size(); k++) {
      if (checked.get(k).refusal() == null) {
        posts.add(all.get(k));
        authors.add(checked.get(k).user());
      }
    }
  }

  /**
   * Each post's seq and rev ({@code [seqs, revs]}): one update per room takes the room's posts' seqs
   * and revs at once (posts are sorted by room), each post its own, increasing in batch order.
   */
  private static long[][] takeSeqs(Handle h, List<Post> posts) {
    long[] seqs = new long[posts.size()];
    long[] revs = new long[posts.size()];
    int i = 0;
    while (i < posts.size()) {
      int j = endOfRoom(posts, i);
      Messages.Taken last = Messages.takeSeqs(h, posts.get(i).roomId(), j - i, posts.get(j - 1).now())
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

  private static List<Message> messages(List<Post> posts, List<User> authors, long[] seqs, long[] revs) {
    List<Message> messages = new ArrayList<>(posts.size());
    for (int k = 0; k < posts.size(); k++) {
      Post p = posts.get(k);
      User a = authors.get(k);
      messages.add(new Message(Ids.newId(), p.roomId(), seqs[k], revs[k], a.id(), a.username(), a.displayName(),
          a.avatarUrl(), p.body(), p.replyTo(), p.clientId(), p.now(), null, false, Map.of(), p.attachments()));
    }
    return messages;
  }

  /** For each post in batch order: its stored message, or its refusal. */
  private static List<Object> outcomes(List<RoomService.Poster> checked, List<Message> messages) {
    List<Object> outcomes = new ArrayList<>(checked.size());
    var next = messages.iterator();
    for (RoomService.Poster poster : checked) {
      outcomes.add(poster.refusal() != null ? poster.refusal() : new Posted(next.next(), true));
    }
    return outcomes;
  }

  /** The careful path: each post in its own savepoint, with its client_id looked up first. */
  private void writeOneByOne(List<Post> ordered) {
    List<Posted> results = new ArrayList<>(ordered.size());
    List<RuntimeException> failures = new ArrayList<>(ordered.size());
    db.jdbi().useTransaction(h -> {
      for (Post p : ordered) {
        h.savepoint("post");
        try {
          results.add(store(h, p));
          failures.add(null);
          h.releaseSavepoint("post");
        } catch (RuntimeException e) {
          h.rollbackToSavepoint("post");
          Posted raced = Sql.isUniqueViolation(e) && p.clientId() != null
              ? Messages.byClientId(h, p.roomId(), p.authorId(), p.clientId())
                  .map(m -> new Posted(m, false)).orElse(null)
              : null;
          results.add(raced);
          failures.add(raced == null ? e : null);
        }
      }
    });
    List<Message> stored = new ArrayList<>(ordered.size());
    for (int i = 0; i < ordered.size(); i++) {
      Post p = ordered.get(i);
      if (failures.get(i) != null) {
        p.done().completeExceptionally(failures.get(i));
      } else {
        if (results.get(i).created()) {
          stored.add(results.get(i).message());
        }
        p.done().complete(results.get(i));
      }
    }
    if (!stored.isEmpty()) {
      metrics.messagesAccepted.increment(stored.size());
      afterCommit.accept(stored);
    }
  }

  private static Posted store(Handle h, Post p) {
    RoomService.Poster poster = RoomService.posters(h, List.of(p.poster())).get(p.poster());
    if (poster.refusal() != null) {
      throw poster.refusal();
    }
    if (p.clientId() != null) {
      var existing = Messages.byClientId(h, p.roomId(), p.authorId(), p.clientId());
      if (existing.isPresent()) {
        return new Posted(existing.get(), false); // idempotent: no seq is taken
      }
    }
    Messages.Taken at = Messages.takeSeqs(h, p.roomId(), 1, p.now())
        .orElseThrow(() -> ApiError.notFound("no such room"));
    long seq = at.lastSeq();
    String id = Ids.newId();
    Messages.insert(h, id, p.roomId(), at, p.authorId(), p.body(), p.replyTo(), p.clientId(), p.now());
    Messages.markAuthorRead(h, p.roomId(), p.authorId(), seq);
    User a = poster.user();
    Message m = new Message(id, p.roomId(), seq, at.lastRev(), a.id(), a.username(), a.displayName(), a.avatarUrl(),
        p.body(), p.replyTo(), p.clientId(), p.now(), null, false, Map.of(), p.attachments());
    Messages.insertAttachments(h, List.of(m));
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
