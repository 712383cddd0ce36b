package io.logkv.chaos.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BackendTest {

  @Test
  void local_isTheDefaultChoice() {
    assertThat(Backend.named("local").name()).isEqualTo("local");
    assertThat(Backend.named(" LOCAL ").name()).isEqualTo("local");
  }

  @Test
  void docker_isItsOwnBackend_neverTheLocalOne() {
    assertThat(Backend.named("docker").name()).isEqualTo("docker");
    assertThat(Backend.named("local").unavailable()).isEmpty();
  }

  @Test
  void unknownName_isRefused() {
    assertThatThrownBy(() -> Backend.named("k8s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown backend");
  }
}
