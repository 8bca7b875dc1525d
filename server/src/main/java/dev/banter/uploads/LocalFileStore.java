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
}
