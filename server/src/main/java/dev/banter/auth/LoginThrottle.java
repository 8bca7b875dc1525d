package dev.banter.auth;

import dev.banter.core.RateLimiter;
import java.time.Duration;

/**
 * Password attempts per account. Keyed on (username, client address), so someone guessing a user's
 * password from their own address cannot lock the owner out of theirs; plus a ceiling per username
 * far above it, across all addresses, against guessing spread over many of them.
 */
public final class LoginThrottle {
  /** How many times the per-address budget the per-username ceiling is. */
  static final int CEILING_FACTOR = 10;

  private final RateLimiter perAddress;
  private final RateLimiter perUsername;

  private LoginThrottle(RateLimiter perAddress, RateLimiter perUsername) {
    this.perAddress = perAddress;
    this.perUsername = perUsername;
  }

  /** {@code perMinute} attempts per username and address; {@code onReject} counts each refusal. */
  public static LoginThrottle perMinute(int perMinute, Runnable onReject) {
    return new LoginThrottle(
        RateLimiter.perPeriod(perMinute, Duration.ofMinutes(1)).onReject(onReject),
        RateLimiter.perPeriod((long) perMinute * CEILING_FACTOR, Duration.ofMinutes(1))
            .onReject(onReject));
  }

  /**
   * Takes an attempt for {@code username} from {@code address}; 429 when either budget is spent.
   */
  void check(String username, String address) {
    perAddress.check(
        username + "\n" + address); // first: one address's guesses do not spend the ceiling
    perUsername.check(username);
  }
}
