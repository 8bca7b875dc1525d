package dev.banter.core;

import io.netty.util.concurrent.FastThreadLocalThread;

/**
 * The rule that keeps the event loops fast: nothing that blocks (JDBC, password hashing, file I/O)
 * runs on a Netty event-loop thread. Blocking work runs on virtual threads instead.
 */
public final class Blocking {
  private Blocking() {}

  /** Throws when called on a Netty event-loop thread. */
  public static void check(String what) {
    if (Thread.currentThread() instanceof FastThreadLocalThread) {
      throw new IllegalStateException(
          what
              + " must not run on an event-loop thread ("
              + Thread.currentThread().getName()
              + ")");
    }
  }
}
