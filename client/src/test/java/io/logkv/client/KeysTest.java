package io.logkv.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeysTest {

  @Test
  void percentEncode_keepsUnreserved_encodesEverythingElse() {
    assertThat(enc("aZ09-._~")).isEqualTo("aZ09-._~");
    assertThat(enc("a/b")).isEqualTo("a%2Fb");
    assertThat(enc("a b+c%d?e#f&g=h")).isEqualTo("a%20b%2Bc%25d%3Fe%23f%26g%3Dh");
    assertThat(enc("é")).isEqualTo("%C3%A9");
    assertThat(enc("😀")).isEqualTo("%F0%9F%98%80");
    assertThat(enc("..")).isEqualTo("..");
    assertThat(enc("\u0000\n")).isEqualTo("%00%0A");
  }

  @Test
  void utf8_acceptsOneTo1024Bytes() {
    assertThat(Keys.utf8("k")).containsExactly('k');
    assertThat(Keys.utf8("é".repeat(512))).hasSize(1024);
    assertThatThrownBy(() -> Keys.utf8("é".repeat(512) + "x")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1025 bytes");
    assertThatThrownBy(() -> Keys.utf8("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Keys.utf8(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void utf8_refusesUnpairedSurrogates_ratherThanSendAQuestionMark() {
    assertThatThrownBy(() -> Keys.utf8("a\ud83d")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not valid Unicode");
    assertThatThrownBy(() -> Keys.utf8("\ude00b")).isInstanceOf(IllegalArgumentException.class);
  }

  private static String enc(String s) {
    return Keys.percentEncode(s.getBytes(StandardCharsets.UTF_8));
  }
}
