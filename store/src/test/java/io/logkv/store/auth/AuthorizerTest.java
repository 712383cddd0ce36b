package io.logkv.store.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.logkv.store.auth.Authorizer.Verdict;
import org.junit.jupiter.api.Test;

class AuthorizerTest {
  private static final String WRITER = "wr1t3r-0123456789abcdef";
  private final Authorizer auth = Authorizer.bearerTokens(() -> TokenTable.parse(WRITER + " write\n"));

  @Test
  void bearerHeader_isReadInAnyCaseOfTheScheme() {
    assertThat(auth.check("Bearer " + WRITER, Role.WRITE).verdict()).isEqualTo(Verdict.ALLOWED);
    assertThat(auth.check("bearer " + WRITER, Role.WRITE).verdict()).isEqualTo(Verdict.ALLOWED);
    assertThat(auth.check("BEARER   " + WRITER + " ", Role.WRITE).verdict()).isEqualTo(Verdict.ALLOWED);
  }

  @Test
  void missingOrOtherSchemes_areNoToken_andUnknownTokens_areUnknown() {
    assertThat(auth.check(null, Role.READ).verdict()).isEqualTo(Verdict.NO_TOKEN);
    assertThat(auth.check("Basic dXNlcjpwYXNz", Role.READ).verdict()).isEqualTo(Verdict.NO_TOKEN);
    assertThat(auth.check("Bearer", Role.READ).verdict()).isEqualTo(Verdict.NO_TOKEN);
    assertThat(auth.check("Bearer" + WRITER, Role.READ).verdict()).isEqualTo(Verdict.NO_TOKEN);
    assertThat(auth.check("Bearer  ", Role.READ).verdict()).isEqualTo(Verdict.UNKNOWN_TOKEN);
    assertThat(auth.check("Bearer nope-0123456789abcdef", Role.READ).verdict()).isEqualTo(Verdict.UNKNOWN_TOKEN);
  }

  @Test
  void aKnownTokenWithoutTheRole_isForbidden_andSaysWhatItHolds() {
    Authorizer.Decision d = auth.check("Bearer " + WRITER, Role.READ);
    assertThat(d.verdict()).isEqualTo(Verdict.FORBIDDEN);
    assertThat(d.held()).containsExactly(Role.WRITE);
  }

  @Test
  void open_allowsEverything() {
    assertThat(Authorizer.open().enabled()).isFalse();
    assertThat(Authorizer.open().check(null, Role.ADMIN).allowed()).isTrue();
  }
}
