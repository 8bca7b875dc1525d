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
import java.util.function.Predicate;

/**
 * Short-lived JWT access tokens, HS256 only: the verifier is pinned to that algorithm, so
 * {@code alg: none} or an RS/HS confusion is refused, and exp, iat and sub must be present.
 */
public final class AccessTokens implements Authenticator {
  private static final String ISSUER = "banter";

  private final Algorithm algorithm;
  private final JWTVerifier verifier;
  private final Duration ttl;
  private final Clock clock;
  private final Predicate<String> disabled;

  public AccessTokens(byte[] secret, Duration ttl, Clock clock) {
    this(secret, ttl, clock, id -> false);
  }

  /** @param disabled accounts whose tokens stop working at once, whatever their expiry */
  public AccessTokens(byte[] secret, Duration ttl, Clock clock, Predicate<String> disabled) {
    this.disabled = disabled;
    this.algorithm = Algorithm.HMAC256(secret);
    this.ttl = ttl;
    this.clock = clock;
    this.verifier = JWT.require(algorithm)
        .withIssuer(ISSUER)
        .withClaimPresence("sub")
        .withClaimPresence("exp")
        .withClaimPresence("iat")
        .withClaimPresence("usr")
        .acceptLeeway(5)
        .build();
  }

  public String issue(User user) {
    Instant now = clock.instant();
    return JWT.create()
        .withIssuer(ISSUER)
        .withSubject(user.id())
        .withClaim("usr", user.username())
        .withClaim("role", user.role())
        .withClaim("guest", user.guest())
        .withIssuedAt(now)
        .withExpiresAt(now.plus(ttl))
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
    if (disabled.test(jwt.getSubject())) {
      throw ApiError.unauthorized("account disabled");
    }
    String role = jwt.getClaim("role").asString();
    Boolean guest = jwt.getClaim("guest").asBoolean();
    return new Principal(jwt.getSubject(), jwt.getClaim("usr").asString(), role == null ? "user" : role,
        guest != null && guest);
  }
}
