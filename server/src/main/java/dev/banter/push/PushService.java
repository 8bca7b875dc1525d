package dev.banter.push;

import dev.banter.core.ApiError;
import dev.banter.core.Ids;
import dev.banter.core.Principal;
import dev.banter.core.PublicAddresses;
import dev.banter.core.UserLimits;
import dev.banter.push.PushSubscriptions.Subscription;
import dev.banter.store.Database;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The browser subscriptions of SPEC §8 Web Push: each user keeps at most {@link #MAX_PER_USER};
 * subscribing the same endpoint again renews it under the same id.
 */
public final class PushService {
  /**
   * Subscriptions per user: a browser profile has one per origin, so ten covers a person's devices;
   * the 11th evicts the oldest, as a browser that re-subscribes leaves its old one behind.
   */
  public static final int MAX_PER_USER = 10;

  /**
   * RFC 8030 endpoints are URLs a push service makes up; the ones seen are under 500 characters.
   */
  public static final int MAX_ENDPOINT_LENGTH = 2048;

  static final int AUTH_BYTES = 16;

  private final Database db;
  private final VapidKeys keys;
  private final PublicAddresses addresses;
  private final UserLimits limits;
  private final Clock clock;

  public PushService(
      Database db, VapidKeys keys, PublicAddresses addresses, UserLimits limits, Clock clock) {
    this.db = db;
    this.keys = keys;
    this.addresses = addresses;
    this.limits = limits;
    this.clock = clock;
  }

  /** The public key browsers subscribe with. */
  public String publicKey() {
    return keys.publicKey();
  }

  /** What a subscribe did: the subscription's id, and whether it is new. */
  public record Subscribed(String id, boolean created) {}

  /**
   * Stores {@code endpoint} with its keys for the caller; 422 {@code validation_failed} naming the
   * field when a value is unusable. The same endpoint again renews it (same id, {@code created}
   * false); the endpoint of another user moves to the caller (one browser profile, a new sign-in).
   */
  public Subscribed subscribe(Principal p, String endpoint, String p256dh, String auth) {
    limits.check(UserLimits.Action.PUSH_SUBSCRIBE, p.userId());
    URI url = endpoint(endpoint);
    validKey(p256dh);
    validAuth(auth);
    addresses
        .refusal(url)
        .ifPresent(
            why -> {
              throw ApiError.validation("endpoint", "the endpoint is not allowed: " + why);
            });
    long now = clock.millis();
    return db.jdbi()
        .inTransaction(
            h -> {
              if (!PushSubscriptions.lockUser(h, p.userId())) {
                throw ApiError.unauthorized("the account no longer exists");
              }
              Optional<Subscription> existing = PushSubscriptions.byEndpoint(h, endpoint);
              if (existing.isPresent() && existing.get().userId().equals(p.userId())) {
                PushSubscriptions.updateKeys(h, existing.get().id(), p256dh, auth);
                return new Subscribed(existing.get().id(), false);
              }
              existing.ifPresent(s -> PushSubscriptions.delete(h, s.id()));
              List<Subscription> mine = PushSubscriptions.ofUser(h, p.userId());
              for (int i = 0; i <= mine.size() - MAX_PER_USER; i++) {
                PushSubscriptions.delete(h, mine.get(i).id()); // oldest first
              }
              Subscription s = new Subscription(Ids.newId(), p.userId(), endpoint, p256dh, auth);
              PushSubscriptions.insert(h, s, now);
              return new Subscribed(s.id(), true);
            });
  }

  /** Deletes the caller's subscription {@code id}; 404 when it is not theirs (or gone). */
  public void unsubscribe(Principal p, String id) {
    limits.check(UserLimits.Action.PUSH_SUBSCRIBE, p.userId());
    boolean deleted = db.jdbi().inTransaction(h -> PushSubscriptions.deleteOwn(h, id, p.userId()));
    if (!deleted) {
      throw ApiError.notFound("no such subscription");
    }
  }

  private URI endpoint(String endpoint) {
    if (endpoint.length() > MAX_ENDPOINT_LENGTH) {
      throw ApiError.validation(
          "endpoint", "the endpoint is longer than " + MAX_ENDPOINT_LENGTH + " characters");
    }
    URI url;
    try {
      url = new URI(endpoint);
    } catch (URISyntaxException e) {
      throw ApiError.validation("endpoint", "the endpoint is not a URL");
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    boolean plainAllowed = addresses.allowPrivate() && scheme.equals("http");
    if (!scheme.equals("https") && !plainAllowed) {
      throw ApiError.validation("endpoint", "the endpoint must be an https URL");
    }
    if (url.getHost() == null || url.getRawUserInfo() != null || url.getRawFragment() != null) {
      throw ApiError.validation(
          "endpoint", "the endpoint must be an absolute URL with a host, no user info or fragment");
    }
    return url;
  }

  private static void validKey(String p256dh) {
    try {
      P256.publicKey(P256.unbase64url(p256dh));
    } catch (IllegalArgumentException e) {
      throw ApiError.validation(
          "keys.p256dh", "p256dh must be a P-256 public key: 65 bytes of base64url");
    }
  }

  private static void validAuth(String auth) {
    byte[] b;
    try {
      b = P256.unbase64url(auth);
    } catch (IllegalArgumentException e) {
      b = new byte[0];
    }
    if (b.length != AUTH_BYTES) {
      throw ApiError.validation("keys.auth", "auth must be 16 bytes of base64url");
    }
  }
}
