package dev.banter.core;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * Something that fails over and over while what it needs is down (Redis, the database): logged once
 * when the failures start and once when it works again, not once per attempt — a node's thousands
 * of users and events go through the same outage.
 */
public final class Outage {
  private final Logger log;
  private final String what;
  private final String meanwhile;
  private final AtomicBoolean down = new AtomicBoolean();

  /**
   * @param what what fails, as the start of a sentence ("publishing to redis")
   * @param meanwhile what happens until it works again, for the operator reading the warning
   */
  public Outage(Logger log, String what, String meanwhile) {
    this.log = log;
    this.what = what;
    this.meanwhile = meanwhile;
  }

  /** An attempt failed: a warning if it is the first since the last success. */
  public void failed(Throwable e) {
    if (down.compareAndSet(false, true)) {
      log.warn("{} fails ({}); {}", what, e.toString(), meanwhile);
    }
  }

  /** An attempt succeeded: a line if it ends an outage. */
  public void succeeded() {
    if (down.compareAndSet(true, false)) {
      log.info("{} works again", what);
    }
  }
}
