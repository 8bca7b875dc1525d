package dev.banter.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.DecodedJWT;
import dev.banter.core.ApiError;
import dev.banter.core.Principal;
import dev.banter.http.Authenticator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Short-lived JWT access tokens, HS256 only: the verifier is pinned to that algorithm, so {@code
 * alg: none} or an RS/HS confusion is refused, and exp, iat, sub and sid (the signed-in session)
 * must be present. A token of an ended session or a disabled account is refused at once.
 */
public final class AccessTokens implements Authenticator {
  private static final String ISSUER = "banter";

  private final Algorithm algorithm;
  private final JWTVerifier verifier;
  private final Duration ttl;
  private final Clock clock;
  private final Revocations revocations;

  /**
   * @param revocations ended sessions and disabled accounts, whose tokens stop working at once
   */
  public AccessTokens(byte[] secret, Duration ttl, Clock clock, Revocations revocations) {
    this.revocations = revocations;
    this.algorithm = Algorithm.HMAC256(secret);
    this.ttl = ttl;
    this.clock = clock;
    this.verifier =
        JWT.require(algorithm)
            .withIssuer(ISSUER)
            .withClaimPresence("sub")
            .withClaimPresence("exp")
            .withClaimPresence("iat")
            .withClaimPresence("usr")
            .withClaimPresence("sid")
            .acceptLeeway(Revocations.LEEWAY_SECONDS)
            .build();
  }

  /**
   * A token for {@code user} in the signed-in session {@code sessionId} (its refresh-token family).
   */
  public String issue(User user, String sessionId) {
    Instant now = clock.instant();
    return JWT.create()
        .withIssuer(ISSUER)
        .withSubject(user.id())
        .withClaim("usr", user.username())
        .withClaim("role", user.role())
        .withClaim("guest", user.guest())
        .withClaim("sid", sessionId)
        .withIssuedAt(now)
        // exp has whole seconds: rounded up, so a token never lives shorter than the TTL the
        // client was told (expires_in), and a client renewing at 80 % is always in time
        .withExpiresAt(now.plus(ttl).plusNanos(999_999_999).truncatedTo(ChronoUnit.SECONDS))
        .sign(algorithm);
  }

  public long ttlSeconds() {
    return ttl.toSeconds();
  }

  @Override
  public Principal authenticate(String token) {
    DecodedJWT jwt;
    try {
      jwt = verifier.verify(token);
    } catch (TokenExpiredException e) {
      throw ApiError.unauthorized("access token expired");
    } catch (JWTVerificationException e) {
      throw ApiError.unauthorized("invalid access token");
    }
    String sessionId = jwt.getClaim("sid").asString();
    if (revocations.userDisabled(jwt.getSubject())) {
      throw ApiError.unauthorized("account disabled");
    }
    if (revocations.sessionRevoked(sessionId)) {
      throw ApiError.unauthorized("this session has ended");
    }
    String role = jwt.getClaim("role").asString();
    Boolean guest = jwt.getClaim("guest").asBoolean();
    // the role as a shared constant, not the claim's own copy: a principal is held by every
    // connection
    return new Principal(
        jwt.getSubject(),
        jwt.getClaim("usr").asString(),
        "admin".equals(role) ? "admin" : "user",
        guest != null && guest,
        sessionId,
        jwt.getExpiresAtAsInstant().toEpochMilli());
  }

  /**
   * Whether {@code p}'s token still holds at {@code now}: not expired (no leeway here: a client
   * renews its socket's token before expiry), its session not ended, its account enabled.
   */
  public boolean stillValid(Principal p, long now) {
    return p.expiresAt() > now
        && !revocations.userDisabled(p.userId())
        && !revocations.sessionRevoked(p.sessionId());
  }
}
