package dev.banter.store;

/** The two databases Banter runs on; where their SQL differs, the difference is named here. */
public enum Dialect {
  SQLITE,
  POSTGRESQL;

  /**
   * A statement that serialises the transaction it runs in against every other one running it with
   * the same key. SQLite needs none: its write transactions already take the one write lock at
   * BEGIN (transaction_mode IMMEDIATE).
   */
  public String serializeOn(long key) {
    return this == POSTGRESQL ? "SELECT pg_advisory_xact_lock(" + key + ")" : null;
  }
}
