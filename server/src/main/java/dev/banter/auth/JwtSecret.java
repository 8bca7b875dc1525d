package dev.banter.auth;

import dev.banter.core.Ids;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Optional;

/**
 * The HMAC key for access tokens: configured, or generated once and kept in the data dir (mode
 * 600).
 */
public final class JwtSecret {
  static final String FILE = "jwt-secret";
  private static final int GENERATED_BYTES = 64;

  private JwtSecret() {}

  public static byte[] resolve(Optional<byte[]> configured, Path dataDir) {
    return configured.orElseGet(() -> loadOrCreate(dataDir.resolve(FILE)));
  }

  private static byte[] loadOrCreate(Path file) {
    try {
      if (Files.exists(file)) {
        return Base64.getDecoder().decode(Files.readString(file).strip());
      }
      Files.createDirectories(file.toAbsolutePath().getParent());
      String encoded = Base64.getEncoder().encodeToString(Ids.randomBytes(GENERATED_BYTES));
      try {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(file);
      } catch (FileAlreadyExistsException e) {
        return loadOrCreate(file); // another process won the race; use its secret
      }
      Files.writeString(file, encoded + "\n");
      return Base64.getDecoder().decode(encoded);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the JWT secret " + file, e);
    }
  }
}
