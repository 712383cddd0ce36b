package io.logkv.store.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeyTest {
  @Test
  void percentEncodedPath_decodesToUtf8() {
    Key k = Key.fromPath("caf%C3%A9%2Fmenu+1");
    assertThat(k.text()).isEqualTo("café/menu+1"); // '+' is literal in a path
    assertThat(k.utf8()).isEqualTo("café/menu+1".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void queryValues_decodePlusAsSpace() {
    assertThat(Query.parse("prefix=a+b%21&limit=3").get("prefix")).isEqualTo("a b!");
  }

  @Test
  void malformedInput_isA400() {
    for (String raw : new String[] {"", "%", "%4", "%zz", "a%G0", "%C3", "%FF"}) {
      assertThatThrownBy(() -> Key.fromPath(raw))
          .as(raw)
          .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
    }
    assertThatThrownBy(() -> Key.fromPath("k".repeat(1025))).isInstanceOf(ApiException.class);
    assertThat(Key.fromPath("k".repeat(1024)).utf8()).hasSize(1024);
  }
}
