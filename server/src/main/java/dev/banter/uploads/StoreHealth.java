package dev.banter.uploads;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this node can take uploads: every store they pass through (the folder incoming parts are
 * written to, then the bucket when there is one) is asked in turn. Asked once at start, waiting for
 * the answer; after that {@code /ready} gets the last answer at once and, when it is older than
 * {@link #FRESH_FOR_NANOS}, starts a new check on a virtual thread. So a readiness probe never
 * waits for a bucket that does not answer (that takes seconds), and a flood of readiness requests
 * asks the stores at most once a second. A change is logged once: WARN when the store becomes
 * unusable (at start too), INFO when it works again.
 */
final class StoreHealth {
  private static final Logger log = LoggerFactory.getLogger(StoreHealth.class);
  static final long FRESH_FOR_NANOS = 1_000_000_000L;

  private record Checked(StoreProblem problem, long at) {}

  private final List<FileStore> stores;
  private final AtomicBoolean checking = new AtomicBoolean();
  private volatile Checked last;

  StoreHealth(List<FileStore> stores) {
    this.stores = List.copyOf(stores);
    StoreProblem first = find();
    if (first != null) {
      warn(first);
    }
    last = new Checked(first, System.nanoTime());
  }

  /** The last answer: the problem, or null when uploads can be stored. */
  StoreProblem problem() {
    Checked previous = last;
    if (System.nanoTime() - previous.at() >= FRESH_FOR_NANOS
        && checking.compareAndSet(false, true)) {
      Thread.ofVirtual().name("banter-upload-check").start(this::recheck);
    }
    return previous.problem();
  }

  private void recheck() {
    try {
      StoreProblem before = last.problem();
      StoreProblem now = find();
      if (now != null && before == null) {
        warn(now);
      } else if (now == null && before != null) {
        log.info("uploads can be stored again ({} works)", before.setting());
      }
      last = new Checked(now, System.nanoTime());
    } catch (RuntimeException e) {
      log.warn("checking the upload store failed: {}", e.toString());
    } finally {
      checking.set(false);
    }
  }

  private StoreProblem find() {
    for (FileStore s : stores) {
      StoreProblem p = s.problem();
      if (p != null) {
        return p;
      }
    }
    return null;
  }

  private static void warn(StoreProblem p) {
    log.warn(
        "uploads cannot be stored, check {}: {} ({}); /ready answers 503 until it works",
        p.setting(),
        p.reason(),
        p.detail());
  }
}
