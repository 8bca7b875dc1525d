package dev.banter.realtime;

import dev.banter.core.Metrics;
import dev.banter.events.ServerEvent;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fan-out threads. Events are sharded by room (a user-addressed event by its first user): every
 * event of a room runs on the same shard, in arrival order, and the shards run in parallel, so one
 * node's fan-out is not one thread. A shard may block briefly on the database (a gap fill reads the
 * missing messages) — then only its own rooms wait.
 *
 * <p>Each shard's queue is bounded and never makes the publisher wait (the writer thread, a
 * service, or Redis' reader thread). When it is full, the event is dropped and counted, and its
 * room is marked stale: the shard reads the room's messages forward from the store as soon as it
 * has caught up, so subscribers still get every message, in order. A dropped user-addressed event
 * (presence, an invitation) is lost, as on a Redis outage: clients see the state on their next
 * read.
 */
final class Fanout implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Fanout.class);

  /** How long an idle shard waits before it looks at its stale rooms again. */
  private static final long IDLE_POLL_MS = 100;

  /** What a shard does with an event, and with a room to read forward from the store. */
  interface Sink {
    void event(ServerEvent e, long queuedNanos);

    void resync(String roomId);
  }

  private final List<Shard> shards;
  private final Metrics metrics;

  Fanout(int shards, int queuePerShard, Sink sink, Metrics metrics) {
    this.metrics = metrics;
    this.shards =
        IntStream.range(0, shards).mapToObj(i -> new Shard(i, queuePerShard, sink)).toList();
    metrics.gauge(
        "banter_fanout_queued",
        "events waiting for a fan-out shard",
        () -> this.shards.stream().mapToInt(s -> s.queue.size()).sum());
  }

  /** Shards for this machine: one per core, at least 2, at most 8. */
  static int defaultShards() {
    return Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));
  }

  /** Queues {@code e} on its room's shard; never waits (see the class comment). */
  void submit(ServerEvent e) {
    String key = e.roomId() != null ? e.roomId() : e.users().isEmpty() ? "" : e.users().get(0);
    Shard shard = shardOf(key);
    long now = System.nanoTime();
    if (!shard.queue.offer(new Item(e, null, now))) {
      metrics.fanoutDropped.increment();
      if (e.roomId() != null) {
        shard.stale.add(e.roomId());
      }
    }
  }

  /** Reads {@code roomId} forward from the store on its shard, after what is queued there. */
  void resync(String roomId) {
    Shard shard = shardOf(roomId);
    if (!shard.queue.offer(new Item(null, roomId, System.nanoTime()))) {
      shard.stale.add(roomId);
    }
  }

  private Shard shardOf(String key) {
    return shards.get(Math.floorMod(key.hashCode(), shards.size()));
  }

  /** An event, or (event null) a room to resync. */
  private record Item(ServerEvent event, String resyncRoom, long queuedNanos) {}

  private static final class Shard implements Runnable {
    final BlockingQueue<Item> queue;

    /** Rooms whose events were dropped: read forward from the store once the queue is drained. */
    final Set<String> stale = ConcurrentHashMap.newKeySet();

    private final Sink sink;
    private final Thread thread;
    private volatile boolean running = true;

    Shard(int index, int capacity, Sink sink) {
      this.queue = new ArrayBlockingQueue<>(capacity);
      this.sink = sink;
      this.thread = Thread.ofPlatform().name("banter-fanout-" + index).daemon().start(this);
    }

    @Override
    public void run() {
      while (running) {
        try {
          Item item = queue.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
          if (item != null) {
            run(item);
          }
          if (!stale.isEmpty()) {
            for (String room : List.copyOf(stale)) {
              stale.remove(room);
              sink.resync(room);
            }
          }
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) { // one failed event must not end the shard
          log.error("fan-out failed", e);
        }
      }
    }

    private void run(Item item) {
      if (item.event() != null) {
        sink.event(item.event(), item.queuedNanos());
      } else {
        sink.resync(item.resyncRoom());
      }
    }

    void stop() {
      running = false;
      thread.interrupt();
      try {
        thread.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    shards.forEach(Shard::stop);
  }
}
