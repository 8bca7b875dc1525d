package dev.banter.http;

import dev.banter.core.Principal;

/** Turns a bearer access token into its caller, or throws a 401 {@code ApiError}. */
@FunctionalInterface
public interface Authenticator {
  Principal authenticate(String accessToken);
}
