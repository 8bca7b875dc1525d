package dev.banter.push;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import dev.banter.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * The server's VAPID key pair (RFC 8292): configured (BANTER_VAPID_PUBLIC_KEY / _PRIVATE_KEY), or
 * generated once and kept in the data dir ({@code vapid-keys}, mode 600). Browsers bind each
 * subscription to the public key, so it must stay the same across restarts and on every node of a
 * cluster (which therefore configures it).
 */
public final class VapidKeys {
  static final String FILE = "vapid-keys";

  /** RFC 8292 §2: a token lives at most 24 hours; 12 leaves room for clocks that disagree. */
  static final Duration TOKEN_LIFETIME = Duration.ofHours(12);

  private final ECPublicKey publicKey;
  private final ECPrivateKey privateKey;
  private final String publicKeyText;
  private final String subject;
  private final Algorithm es256;

  VapidKeys(ECPublicKey publicKey, ECPrivateKey privateKey, String subject) {
    this.publicKey = publicKey;
    this.privateKey = privateKey;
    this.publicKeyText = P256.base64url(P256.encode(publicKey));
    this.subject = subject;
    this.es256 = Algorithm.ECDSA256(publicKey, privateKey);
    requirePair();
  }

  /** The configured key pair, else the data dir's (made on first use). */
  public static VapidKeys resolve(Config config) {
    String subject = config.vapidSubject();
    Optional<Config.VapidKeyPair> given = config.vapidKeys();
    if (given.isPresent()) {
      return fromText(given.get().publicKey(), given.get().privateKey(), subject);
    }
    return loadOrCreate(config.dataDir().resolve(FILE), subject);
  }

  static VapidKeys fromText(String publicKey, String privateKey, String subject) {
    return new VapidKeys(
        P256.publicKey(P256.unbase64url(publicKey)),
        P256.privateKey(P256.unbase64url(privateKey)),
        subject);
  }

  /** Refuses a public key that is not the private key's: every push would be refused (403). */
  private void requirePair() {
    String probe = JWT.create().withSubject("probe").sign(es256);
    try {
      JWT.require(es256).build().verify(probe);
    } catch (JWTVerificationException e) {
      throw new IllegalArgumentException(
          "BANTER_VAPID_PUBLIC_KEY is not the public key of BANTER_VAPID_PRIVATE_KEY");
    }
  }

  private static VapidKeys loadOrCreate(Path file, String subject) {
    try {
      if (Files.exists(file)) {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
          p.load(in);
        }
        return fromText(p.getProperty("public"), p.getProperty("private"), subject);
      }
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      KeyPair pair = P256.generate();
      String text =
          "# Banter's VAPID key pair (RFC 8292): keep it; browsers' push subscriptions depend on it\n"
              + "public="
              + P256.base64url(P256.encode((ECPublicKey) pair.getPublic()))
              + "\nprivate="
              + P256.base64url(P256.encode((ECPrivateKey) pair.getPrivate()))
              + "\n";
      // Written whole under another name, then linked into place: a second process starting at the
      // same moment reads either no file or a complete one, never half of it, and never replaces
      // it.
      Path part = Files.createTempFile(dir, FILE + "-", ".part", privateMode(dir));
      try {
        Files.writeString(part, text, StandardCharsets.US_ASCII);
        try {
          Files.createLink(file, part); // fails, never replaces, when the file exists
        } catch (UnsupportedOperationException e) {
          Files.move(part, file);
        }
      } catch (FileAlreadyExistsException e) {
        return loadOrCreate(file, subject); // another process won the race; use its keys
      } finally {
        Files.deleteIfExists(part);
      }
      return loadOrCreate(file, subject);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the VAPID keys " + file, e);
    }
  }

  private static FileAttribute<?>[] privateMode(Path dir) throws IOException {
    return Files.getFileStore(dir).supportsFileAttributeView("posix")
        ? new FileAttribute<?>[] {
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
        }
        : new FileAttribute<?>[0];
  }

  /** The public key as {@code PushManager.subscribe}'s applicationServerKey takes it. */
  public String publicKey() {
    return publicKeyText;
  }

  ECPublicKey ecPublicKey() {
    return publicKey;
  }

  ECPrivateKey ecPrivateKey() {
    return privateKey;
  }

  /**
   * The {@code Authorization} header for a push to {@code audience} (the endpoint's origin): {@code
   * vapid t=<ES256 JWT>, k=<public key>} (RFC 8292 §3).
   */
  String authorization(String audience, Instant now) {
    String token =
        JWT.create()
            .withAudience(audience)
            .withExpiresAt(now.plus(TOKEN_LIFETIME))
            .withSubject(subject)
            .sign(es256);
    return "vapid t=" + token + ", k=" + publicKeyText;
  }
}
