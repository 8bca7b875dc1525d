package dev.banter.realtime;

import dev.banter.events.ServerEvent;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The way onto one event loop for everything other threads send to its connections: events of the
 * fan-out, replies (acks), replays. They wait here in one queue, in the order they were given, and
 * one task writes them all, then flushes each connection it wrote to once. One task per loop per
 * burst instead of one per delivery, and under load one flush (one writev) carries several frames
 * to a connection. One queue keeps the order: an ack queued before its message's event is written
 * before it.
 *
 * <p>Bounded: past {@link #MAX_QUEUED} items, whoever adds waits until the loop has drained below
 * it — the fan-out shard (whose own queue then fills, and drops into a resync from the store), or a
 * connection's virtual thread (whose client then waits for its ack, and stops being read once its
 * inbox is full). Netty's own threads never wait here: a loop waiting for a loop could wait
 * forever, and what they add is bounded by their connections' reads.
 */
final class LoopOutbox implements Runnable {
  /** Items that may wait for one loop before adders wait. */
  static final int MAX_QUEUED = 65_536;

  private static final long WAIT_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

  /** Something to do on the loop, in queue order. */
  private sealed interface Item permits Batch, Direct, Task {}

  /** An event's frame (retained for this loop) and this loop's subscriptions of its room. */
  private record Batch(ServerEvent event, ByteBuf frame, List<Subscription> to) implements Item {}

  /** One frame (owned) for one connection. */
  private record Direct(Connection to, ByteBuf frame) implements Item {}

  private record Task(Runnable run) implements Item {}

  private final EventLoop loop;
  private final ConcurrentLinkedQueue<Item> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  /** Items in the queue (adders that passed the check at the same moment may add a few more). */
  private final AtomicInteger queued = new AtomicInteger();

  /** Event loop only: the connections written to by the current run. */
  private final List<Connection> written = new ArrayList<>();

  LoopOutbox(EventLoop loop) {
    this.loop = loop;
  }

  /**
   * Queues {@code event} for {@code to} (all on this loop); takes ownership of {@code frame}. From
   * any thread.
   */
  void add(ServerEvent event, ByteBuf frame, List<Subscription> to) {
    enqueue(new Batch(event, frame, to));
  }

  /** Queues {@code frame} (owned) for {@code to}, a connection of this loop. From any thread. */
  void send(Connection to, ByteBuf frame) {
    enqueue(new Direct(to, frame));
  }

  /** Runs {@code task} on the loop after what is queued now. */
  void execute(Runnable task) {
    enqueue(new Task(task));
  }

  private void enqueue(Item item) {
    if (queued.get() >= MAX_QUEUED && !(Thread.currentThread() instanceof FastThreadLocalThread)) {
      while (queued.get() >= MAX_QUEUED) { // the loop is draining: the queue is full, so scheduled
        LockSupport.parkNanos(WAIT_NANOS);
      }
    }
    queue.add(item);
    queued.incrementAndGet();
    if (scheduled.compareAndSet(false, true)) {
      loop.execute(this);
    }
  }

  @Override
  public void run() {
    scheduled.set(
        false); // from here on a new item schedules another run; this one drains what it finds
    for (Item item = queue.poll(); item != null; item = queue.poll()) {
      queued.decrementAndGet();
      switch (item) {
        case Batch b -> {
          try {
            for (Subscription s : b.to()) {
              written(s.connection, s.deliver(b.event(), b.frame()));
            }
          } finally {
            b.frame().release();
          }
        }
        case Direct d -> written(d.to(), d.to().write(d.frame()));
        case Task t -> t.run().run();
      }
    }
    for (Connection c : written) {
      c.flushMarked();
    }
    written.clear();
  }

  private void written(Connection c, boolean needsFlush) {
    if (needsFlush && c.markForFlush()) {
      written.add(c);
    }
  }
}
