package dev.banter.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data directory holds every message, the password hashes and the token secret: only the
 * account that runs Banter may enter it (0700), and the database files are 0600 whatever the umask.
 * On a file system without POSIX permissions nothing is changed.
 */
public final class DataDir {
  private static final Logger log = LoggerFactory.getLogger(DataDir.class);
  static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private DataDir() {}

  /** Creates {@code dir} (0700), or narrows an existing one to 0700. */
  public static void prepare(Path dir) {
    try {
      if (Files.notExists(dir)) {
        if (posix(dir.toAbsolutePath().getParent())) {
          Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
        } else {
          Files.createDirectories(dir);
        }
      }
      if (posix(dir) && !Files.getPosixFilePermissions(dir).equals(DIRECTORY)) {
        log.warn("the data directory {} was readable by others; it is now 0700", dir);
        Files.setPosixFilePermissions(dir, DIRECTORY);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the data directory " + dir, e);
    }
  }

  /**
   * Makes {@code file} exist with mode 0600 before a library creates it with the umask's mode
   * (SQLite gives its -wal and -shm files the database file's mode), and narrows it if it exists.
   */
  public static void privateFile(Path file) {
    try {
      if (!posix(file.toAbsolutePath().getParent())) {
        return;
      }
      if (Files.notExists(file)) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
      } else if (!Files.getPosixFilePermissions(file).equals(FILE)) {
        Files.setPosixFilePermissions(file, FILE);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make " + file + " private", e);
    }
  }

  private static boolean posix(Path p) throws IOException {
    return p != null && Files.getFileStore(p).supportsFileAttributeView("posix");
  }
}
