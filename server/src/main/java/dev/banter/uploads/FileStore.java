package dev.banter.uploads;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where uploaded bytes live: a folder (shared by the nodes of a cluster) or an S3-compatible
 * bucket.
 */
interface FileStore {
  /**
   * Stores {@code file} under {@code name}; the file is moved or copied, the caller deletes what is
   * left.
   */
  void put(String name, Path file, String contentType) throws IOException;

  /** The bytes stored under {@code name}, if any. */
  Optional<byte[]> read(String name) throws IOException;

  /**
   * The bytes stored under {@code name} as a stream the caller closes, if any (downloads: never
   * held whole).
   */
  Optional<InputStream> open(String name) throws IOException;

  void delete(String name) throws IOException;

  /** Why files cannot be stored here now, or null when they can (asked at start and by /ready). */
  StoreProblem problem();
}
