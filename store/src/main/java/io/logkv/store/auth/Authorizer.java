package io.logkv.store.auth;

import java.util.Set;
import java.util.function.Supplier;

/** Decides whether a request's credentials allow what its route needs. */
public interface Authorizer {
  /** What a check found. */
  enum Verdict {
    ALLOWED,
    /** No {@code Authorization: Bearer} header: 401. */
    NO_TOKEN,
    /** A bearer token this node does not know (or not a well-formed one): 401. */
    UNKNOWN_TOKEN,
    /** A known token without the role: 403. */
    FORBIDDEN
  }

  /** A verdict and, for a known token, its roles (for the 403's message). */
  record Decision(Verdict verdict, Set<Role> held) {
    public static final Decision ALLOWED = new Decision(Verdict.ALLOWED, Set.of());
    public static final Decision NO_TOKEN = new Decision(Verdict.NO_TOKEN, Set.of());
    public static final Decision UNKNOWN_TOKEN = new Decision(Verdict.UNKNOWN_TOKEN, Set.of());

    public boolean allowed() {
      return verdict == Verdict.ALLOWED;
    }
  }

  /**
   * @param authorization the request's {@code Authorization} header, or null when it has none
   * @param needed the role the route needs
   */
  Decision check(String authorization, Role needed);

  /** Whether any request can be refused (false: auth is off). */
  boolean enabled();

  /** Auth off: everything is allowed (a node bound to loopback without an auth file). */
  static Authorizer open() {
    return OpenAuthorizer.INSTANCE;
  }

  /** Bearer tokens from {@code tables}, asked at every request (a reloading {@link TokenFile}). */
  static Authorizer bearerTokens(Supplier<TokenTable> tables) {
    return new BearerTokenAuthorizer(tables);
  }
}
