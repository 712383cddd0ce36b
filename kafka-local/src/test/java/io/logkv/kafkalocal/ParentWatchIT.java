package io.logkv.kafkalocal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A launcher killed with SIGKILL leaves no child behind. */
class ParentWatchIT {

  /** Child main: starts a grandchild that sleeps, writes its pid, and then waits forever. */
  public static final class Middle {
    public static void main(String[] args) throws Exception {
      Path pidFile = Path.of(args[0]);
      ChildProcess grandchild =
          ChildProcess.java(
              "sleeper", List.of("-Xmx32m"), Sleeper.class.getName(), List.of(),
              pidFile.resolveSibling("sleeper.log"));
      grandchild.start();
      Files.writeString(pidFile, Long.toString(grandchild.pid()));
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  /** Grandchild main: sleeps; only its ParentWatch can end it. */
  public static final class Sleeper {
    public static void main(String[] args) throws Exception {
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  @Test
  void javaChild_exits_whenItsParentIsKilled(@TempDir Path dir) throws Exception {
    Path pidFile = dir.resolve("grandchild.pid");
    ChildProcess middle =
        ChildProcess.java("middle", List.of("-Xmx64m"), Middle.class.getName(),
            List.of(pidFile.toString()), dir.resolve("middle.log"));
    middle.start();
    middle.awaitReady(() -> Files.exists(pidFile) && size(pidFile) > 0, Duration.ofSeconds(30),
        "writing the grandchild's pid");
    long grandchild = Long.parseLong(Files.readString(pidFile).trim());
    assertThat(ProcessHandle.of(grandchild).map(ProcessHandle::isAlive)).contains(true);

    middle.kill();

    assertThat(awaitGone(grandchild, Duration.ofSeconds(20))).isTrue();
  }

  @Test
  void shellWatchedChild_exits_whenItsParentIsKilled(@TempDir Path dir) throws Exception {
    ChildProcess sleeper = ChildProcess.shellWatched("sleep", List.of("sleep", "600"), dir.resolve("s.log"));
    sleeper.start();
    ChildProcess.sleep(Duration.ofMillis(300));
    Optional<ProcessHandle> sleep =
        ProcessHandle.of(sleeper.pid()).orElseThrow().children().findFirst();
    assertThat(sleep).isPresent();

    sleeper.stop(Duration.ofSeconds(10));

    assertThat(awaitGone(sleep.get().pid(), Duration.ofSeconds(10))).isTrue();
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (Exception e) {
      return 0;
    }
  }

  private static boolean awaitGone(long pid, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == Boolean.FALSE) {
        return true;
      }
      ChildProcess.sleep(Duration.ofMillis(100));
    }
    return false;
  }
}
