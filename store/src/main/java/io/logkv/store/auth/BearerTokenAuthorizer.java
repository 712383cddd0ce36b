package io.logkv.store.auth;

import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/** RFC 6750 bearer tokens: {@code Authorization: Bearer <token>}, the scheme's name in any case. */
final class BearerTokenAuthorizer implements Authorizer {
  private static final String SCHEME = "Bearer";

  private final Supplier<TokenTable> tables;

  BearerTokenAuthorizer(Supplier<TokenTable> tables) {
    this.tables = tables;
  }

  @Override
  public Decision check(String authorization, Role needed) {
    if (authorization == null || authorization.length() <= SCHEME.length()
        || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
        || authorization.charAt(SCHEME.length()) != ' ') {
      return Decision.NO_TOKEN;
    }
    String token = authorization.substring(SCHEME.length()).strip();
    if (token.isEmpty() || token.length() > TokenTable.MAX_TOKEN_LENGTH) {
      return Decision.UNKNOWN_TOKEN;
    }
    Optional<Set<Role>> roles = tables.get().rolesOf(token);
    if (roles.isEmpty()) {
      return Decision.UNKNOWN_TOKEN;
    }
    return roles.get().contains(needed) ? Decision.ALLOWED : new Decision(Verdict.FORBIDDEN, roles.get());
  }

  @Override
  public boolean enabled() {
    return true;
  }
}
