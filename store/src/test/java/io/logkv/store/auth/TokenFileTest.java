package io.logkv.store.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {
  private static final String OLD = "old-token-0123456789abcdef";
  private static final String NEW = "new-token-0123456789abcdef";

  @Test
  void load_failsOnABadFile_namingFileAndLine(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("tokens"), OLD + " read\n" + NEW + " sudo\n");
    assertThatThrownBy(() -> TokenFile.load(file)).hasMessageContaining(file.toString())
        .hasMessageContaining("line 2").hasMessageNotContaining(NEW);
    assertThatThrownBy(() -> TokenFile.load(dir.resolve("missing"))).hasMessageContaining("cannot be read");
  }

  @Test
  void reload_picksUpAnEditInPlace_andARenameOverTheFile(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("tokens"), OLD + " read\n");
    TokenFile tokens = TokenFile.load(file);
    assertThat(tokens.reload()).as("unchanged").isFalse();

    // Same size, same second: only the content tells.
    Files.writeString(file, NEW + " read\n");
    assertThat(tokens.reload()).isTrue();
    assertThat(tokens.get().rolesOf(NEW)).isPresent();
    assertThat(tokens.get().rolesOf(OLD)).isEmpty();

    Path staged = Files.writeString(dir.resolve("tokens.tmp"), OLD + " write\n" + NEW + " read\n");
    Files.move(staged, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    assertThat(tokens.reload()).isTrue();
    assertThat(tokens.get().rolesOf(OLD).orElseThrow()).containsExactly(Role.WRITE);
  }

  @Test
  void aBrokenOrMissingFile_keepsTheLastGoodTable(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("tokens"), OLD + " read\n");
    TokenFile tokens = TokenFile.load(file);

    Files.writeString(file, OLD + " read\n" + NEW + " no-such-role\n");
    assertThat(tokens.reload()).isFalse();
    assertThat(tokens.get().rolesOf(OLD)).isPresent();
    assertThat(tokens.get().rolesOf(NEW)).isEmpty();

    Files.delete(file);
    assertThat(tokens.reload()).isFalse();
    assertThat(tokens.get().rolesOf(OLD)).isPresent();

    Files.writeString(file, NEW + " read\n"); // fixed: taken at the next check
    assertThat(tokens.reload()).isTrue();
    assertThat(tokens.get().rolesOf(NEW)).isPresent();
  }
}
