package io.logkv.client;

import java.net.http.HttpRequest;
import java.util.regex.Pattern;

/**
 * What the client proves itself with on every request: nothing, or a bearer token (the nodes'
 * {@code --auth-file}). The token is never part of a message or of {@link #toString()}.
 */
final class Credentials {
  /** RFC 6750's b64token: what may follow "Bearer " in a header. */
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");
  private static final Credentials NONE = new Credentials(null);

  private final String authorization;

  private Credentials(String authorization) {
    this.authorization = authorization;
  }

  static Credentials none() {
    return NONE;
  }

  /** @throws IllegalArgumentException when {@code token} could not be sent as a bearer token */
  static Credentials bearer(String token) {
    if (token == null || !TOKEN.matcher(token).matches()) {
      throw new IllegalArgumentException("a bearer token is letters, digits and -._~+/ (then any '='), not blank");
    }
    return new Credentials("Bearer " + token);
  }

  /** Adds the credentials to a request. */
  HttpRequest.Builder addTo(HttpRequest.Builder request) {
    return authorization == null ? request : request.header("Authorization", authorization);
  }

  @Override
  public String toString() {
    return authorization == null ? "no credentials" : "a bearer token";
  }
}
