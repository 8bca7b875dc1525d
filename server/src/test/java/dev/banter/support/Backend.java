package dev.banter.support;

/** The two storage backends every storage-touching test runs against. */
public enum Backend {
  SQLITE,
  POSTGRES
}
