package io.logkv.store.auth;

/** Auth off: the null object of {@link Authorizer}. */
final class OpenAuthorizer implements Authorizer {
  static final OpenAuthorizer INSTANCE = new OpenAuthorizer();

  private OpenAuthorizer() {}

  @Override
  public Decision check(String authorization, Role needed) {
    return Decision.ALLOWED;
  }

  @Override
  public boolean enabled() {
    return false;
  }
}
