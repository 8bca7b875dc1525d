package dev.banter.core;

import com.github.f4b6a3.ulid.UlidCreator;
import java.security.SecureRandom;
import java.util.Base64;

/** Opaque identifiers and random secrets. */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  private Ids() {}

  /**
   * A new id: a ULID (26 characters of Crockford base32: the creation time in milliseconds, then 80
   * random bits). Ids that sort by creation time keep inserts at the end of the primary-key index
   * instead of on a random page of it, which is what a busy message table pays for most
   * (docs/decisions.md). They reveal when the row was made, which every object shows anyway.
   */
  public static String newId() {
    return UlidCreator.getUlid().toString();
  }

  /** {@code bytes} of randomness, URL-safe base64 without padding. */
  public static String randomToken(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return URL.encodeToString(b);
  }

  public static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }
}
