package io.logkv.store.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenTableTest {
  private static final String READER = "r3ad3r-0123456789abcdef";
  private static final String WRITER = "wr1t3r-0123456789abcdef";
  private static final String BOTH = "b0th-0123456789abcdef==";

  @Test
  void parse_readsRolesCommentsAndBlankLines() {
    TokenTable t = TokenTable.parse("""
        # the readers
        %s read

        %s   write   # the ingest job
          %s read,WRITE,admin
        """.formatted(READER, WRITER, BOTH));
    assertThat(t.size()).isEqualTo(3);
    assertThat(t.rolesOf(READER)).contains(Set.of(Role.READ));
    assertThat(t.rolesOf(WRITER)).contains(Set.of(Role.WRITE));
    assertThat(t.rolesOf(BOTH)).contains(Set.of(Role.READ, Role.WRITE, Role.ADMIN));
    assertThat(t.rolesOf("not-a-known-token-at-all")).isEmpty();
    assertThat(t.rolesOf(READER + "x")).isEmpty();
    assertThat(t.rolesOf(READER.substring(1))).isEmpty();
    assertThat(t.summary()).isEqualTo("3 token(s): 2 read, 2 write, 1 admin").doesNotContain(READER);
  }

  @Test
  void writeDoesNotImplyRead_norAdminAnything() {
    TokenTable t = TokenTable.parse(WRITER + " write\n" + BOTH + " admin\n");
    assertThat(t.rolesOf(WRITER).orElseThrow()).containsExactly(Role.WRITE);
    assertThat(t.rolesOf(BOTH).orElseThrow()).containsExactly(Role.ADMIN);
  }

  @Test
  void badLines_nameTheLineNumber_neverTheToken() {
    String[][] bad = {
      {READER + "\n", "line 1: expected"},
      {"# c\n" + READER + " read extra\n", "line 2: expected"},
      {READER + " reader\n", "line 1: unknown role 'reader'"},
      {READER + " read,\n", "line 1: unknown role ''"},
      {"short-token read\n", "line 1: a token is 16 to 4096 characters"},
      {"ünïcödé-0123456789abcdef read\n", "line 1: a token is"},
      {READER + " read\n" + READER + " write\n", "line 2: this token is already listed"},
    };
    for (String[] c : bad) {
      assertThatThrownBy(() -> TokenTable.parse(c[0])).as(c[1])
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(c[1])
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(READER).doesNotContain("short-token"));
    }
  }

  @Test
  void emptyFile_isAnEmptyTable() {
    assertThat(TokenTable.parse("# nobody yet\n").size()).isZero();
    assertThat(TokenTable.empty().rolesOf(READER)).isEmpty();
  }
}
