package dev.banter.uploads;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Uploads in a folder: the data dir's by default, a shared mount in a cluster (BANTER_UPLOAD_DIR).
 */
final class LocalFileStore implements FileStore {
  private static final String SETTING = "BANTER_UPLOAD_DIR";
  private final Path dir;

  LocalFileStore(Path dir) {
    this.dir = dir;
  }

  @Override
  public void put(String name, Path file, String contentType) throws IOException {
    Files.createDirectories(dir);
    Files.move(file, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public Optional<byte[]> read(String name) throws IOException {
    Path p = dir.resolve(name);
    return Files.exists(p) ? Optional.of(Files.readAllBytes(p)) : Optional.empty();
  }

  @Override
  public Optional<InputStream> open(String name) throws IOException {
    try {
      return Optional.of(Files.newInputStream(dir.resolve(name)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public void delete(String name) throws IOException {
    Files.deleteIfExists(dir.resolve(name));
  }

  /**
   * The folder must exist (made if missing, as the first upload would) and take a new file: an
   * empty probe file is made and removed, since permission bits alone say nothing about read-only
   * mounts or ACLs. A full disk is not noticed here (an empty file still fits).
   */
  @Override
  public StoreProblem problem() {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      return new StoreProblem(SETTING, "it is not a folder", dir + " is a file");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      return new StoreProblem(SETTING, "the folder is missing and cannot be made", dir + ": " + e);
    }
    try {
      Files.delete(Files.createTempFile(dir, ".write-check-", ".tmp"));
      return null;
    } catch (IOException e) {
      return new StoreProblem(SETTING, "the folder is not writable", dir + ": " + e);
    }
  }
}
