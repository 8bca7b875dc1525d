package dev.banter.http;

import dev.banter.core.Metrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps one HTTP connection from making the server hold what its client does not take. Reading
 * stops while the connection's outbound buffer is over its high-water mark or {@link #MAX_PENDING}
 * requests wait for their answers, and resumes when both clear; TCP then pushes back on the client.
 * The thread that answers the next request, and the one sending a download, park in {@link
 * #awaitWritable()} first, so pipelined answers and chunks wait too.
 */
final class Backpressure {
  /**
   * Requests read and not yet answered on one connection. At this many the connection is not read;
   * further pipelined requests wait in the kernel, unread (what one read already brought in waits
   * decoded in the pipeline's FlowControlHandler; Netty's codec closes a connection that gets 128
   * requests ahead).
   */
  static final int MAX_PENDING = 16;

  /** A parked thread looks again this often even if a wake-up was missed. */
  private static final long RECHECK_MS = 1000;

  private final Channel channel;
  private final Metrics metrics;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private int pending; // event loop only
  private boolean paused; // event loop only: reading is off because of this class

  Backpressure(Channel channel, Metrics metrics) {
    this.channel = channel;
    this.metrics = metrics;
  }

  /** A request was read (event loop). */
  void requestRead() {
    pending++;
    update();
  }

  /** A request's answer has been written out whole, or could not be (event loop). */
  void answered() {
    pending--;
    update();
  }

  /** The channel became writable or unwritable, or closed (event loop). */
  void writabilityChanged() {
    update();
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Parks the calling virtual thread until the connection can take more output; false when it
   * closed instead (the caller stops sending).
   */
  boolean awaitWritable() {
    if (!channel.isWritable() && channel.isActive()) {
      lock.lock();
      try {
        while (!channel.isWritable() && channel.isActive()) {
          changed.await(RECHECK_MS, TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } finally {
        lock.unlock();
      }
    }
    return channel.isActive();
  }

  private void update() {
    ChannelConfig config = channel.config();
    if (pending >= MAX_PENDING || !channel.isWritable()) {
      // Also when reading is on although we paused it: the upload receiver turns reading back on
      // when its own queue drains, so the next request read here turns it off again.
      if (config.isAutoRead()) {
        config.setAutoRead(false);
        if (!paused) {
          metrics.httpReadPaused();
        }
      }
      paused = true;
    } else if (paused) {
      paused = false;
      config.setAutoRead(true);
    }
  }
}
