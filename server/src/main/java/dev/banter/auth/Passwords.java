package dev.banter.auth;

import com.password4j.Password;

/**
 * Argon2id password hashing (parameters in psw4j.properties). Slow by design: call from a virtual
 * thread.
 */
final class Passwords {
  /** Compared against when the user does not exist, so both answers take the same time. */
  private static final String DUMMY_HASH = hash("not-a-real-password-only-for-timing");

  private Passwords() {}

  static String hash(String password) {
    return Password.hash(password).addRandomSalt().withArgon2().getResult();
  }

  static boolean matches(String password, String hash) {
    if (hash == null) {
      Password.check(password, DUMMY_HASH).withArgon2();
      return false;
    }
    return Password.check(password, hash).withArgon2();
  }
}
