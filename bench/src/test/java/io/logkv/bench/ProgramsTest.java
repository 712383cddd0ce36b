package io.logkv.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ProgramsTest {
  @TempDir Path dir;

  @Test
  void returnsTheOutput_andKeepsItWithTheCommandLine() throws Exception {
    String out = Programs.run(List.of("sh", "-c", "echo hello; echo world >&2"), dir.resolve("out.txt"), Duration.ofSeconds(10));

    assertThat(out).contains("hello", "world");
    assertThat(Files.readString(dir.resolve("out.txt"))).startsWith("sh -c").contains("hello", "world");
  }

  @Test
  void aNonZeroExit_fails_withTheOutput() {
    assertThatThrownBy(() -> Programs.run(List.of("sh", "-c", "echo oops; exit 3"), dir.resolve("out.txt"), Duration.ofSeconds(10)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exited with 3")
        .hasMessageContaining("oops");
  }

  @Test
  void aProgramStillRunningAfterItsTimeout_isKilled_andFails() {
    long start = System.nanoTime();
    assertThatThrownBy(() -> Programs.run(List.of("sleep", "60"), dir.resolve("out.txt"), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("did not finish within 1 s");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }
}
