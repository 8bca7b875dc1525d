package dev.banter.uploads;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what uploads that never ended left in incoming/: a crash or a killed node keeps no thread
 * to delete its part. A file untouched for {@link #MAX_AGE} is a leftover, since a live upload
 * writes its part as bytes arrive and ends after a stall timeout. The folder may be shared by a
 * cluster's nodes, so younger files are never removed, not even at start: they may be another
 * node's uploads in progress.
 */
final class IncomingSweep {
  private static final Logger log = LoggerFactory.getLogger(IncomingSweep.class);
  static final Duration MAX_AGE = Duration.ofHours(1);
  static final Duration EVERY = Duration.ofMinutes(10);

  private final Path dir;
  private final Duration age;

  IncomingSweep(Path dir, Duration stallTimeout) {
    this.dir = dir;
    Duration twoStalls =
        stallTimeout.multipliedBy(2); // an operator's long stall timeout still keeps live parts
    this.age = MAX_AGE.compareTo(twoStalls) >= 0 ? MAX_AGE : twoStalls;
  }

  /** Removes the leftovers; returns how many there were. */
  int run() {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    FileTime cutoff =
        FileTime.fromMillis(System.currentTimeMillis() - age.toMillis()); // the file system's clock
    int removed = 0;
    try (Stream<Path> list = Files.list(dir)) {
      for (Path p : (Iterable<Path>) list::iterator) {
        try {
          if (Files.isRegularFile(p) && Files.getLastModifiedTime(p).compareTo(cutoff) < 0) {
            Files.deleteIfExists(p);
            removed++;
          }
        } catch (IOException e) {
          log.debug(
              "cannot sweep {}: {}", p, e.toString()); // gone meanwhile, or not ours to remove
        }
      }
    } catch (IOException | RuntimeException e) {
      log.warn("sweeping {} failed: {}", dir, e.toString());
    }
    if (removed > 0) {
      log.info("removed {} leftover file(s) from {}", removed, dir);
    }
    return removed;
  }
}
