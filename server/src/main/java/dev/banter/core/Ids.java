package dev.banter.core;

import java.security.SecureRandom;
import java.util.Base64;

/** Opaque identifiers and random secrets. */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  private Ids() {}

  /** A new id: 16 random bytes, URL-safe (22 characters). */
  public static String newId() {
    return randomToken(16);
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
