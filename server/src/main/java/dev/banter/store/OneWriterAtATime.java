package dev.banter.store;

import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.transaction.TransactionHandler;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * SQLite transactions one at a time, queued in Java. SQLite allows one writer and makes the others
 * wait in its busy handler, which sleeps inside native code: a virtual thread waiting there keeps
 * its carrier thread. With as many waiters as carriers (two on a two-core box), the thread holding
 * the lock could not be scheduled to commit, and everyone waited out the busy timeout. Waiting on a
 * {@link ReentrantLock} instead unmounts the virtual thread; SQLite's own lock is then free
 * whenever a transaction begins.
 */
final class OneWriterAtATime implements TransactionHandler {
  private final TransactionHandler delegate;
  private final ReentrantLock lock;

  OneWriterAtATime(TransactionHandler delegate) {
    this(delegate, new ReentrantLock(true));
  }

  private OneWriterAtATime(TransactionHandler delegate, ReentrantLock lock) {
    this.delegate = delegate;
    this.lock = lock;
  }

  @Override
  public TransactionHandler specialize(Handle handle) throws SQLException {
    return new OneWriterAtATime(delegate.specialize(handle), lock);
  }

  @Override
  public <R, X extends Exception> R inTransaction(Handle handle, HandleCallback<R, X> callback)
      throws X {
    lock.lock();
    try {
      return delegate.inTransaction(handle, callback);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public <R, X extends Exception> R inTransaction(
      Handle handle, TransactionIsolationLevel level, HandleCallback<R, X> callback) throws X {
    lock.lock();
    try {
      return delegate.inTransaction(handle, level, callback);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void begin(Handle handle) {
    delegate.begin(handle);
  }

  @Override
  public void commit(Handle handle) {
    delegate.commit(handle);
  }

  @Override
  public void rollback(Handle handle) {
    delegate.rollback(handle);
  }

  @Override
  public boolean isInTransaction(Handle handle) {
    return delegate.isInTransaction(handle);
  }

  @Override
  public void savepoint(Handle handle, String name) {
    delegate.savepoint(handle, name);
  }

  @Override
  public void rollbackToSavepoint(Handle handle, String name) {
    delegate.rollbackToSavepoint(handle, name);
  }

  @Override
  public void releaseSavepoint(Handle handle, String name) {
    delegate.releaseSavepoint(handle, name);
  }
}
