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
  void docker_isRefusedWithItsReason_neverRunAsAnotherBackend() {
    assertThatThrownBy(() -> Backend.named("docker"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not implemented");
  }

  @Test
  void unknownName_isRefused() {
    assertThatThrownBy(() -> Backend.named("k8s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown backend");
  }
}
