package io.logkv.kafkalocal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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

    awaitGone(grandchild, Duration.ofSeconds(20));
  }

  @Test
  void shellWatchedChild_exits_whenItsParentIsKilled(@TempDir Path dir) throws Exception {
    ChildProcess sleeper = ChildProcess.shellWatched("sleep", List.of("sleep", "600"), dir.resolve("s.log"));
    sleeper.start();
    ProcessHandle sleep = await().atMost(Duration.ofSeconds(30)).until(
        () -> ProcessHandle.of(sleeper.pid()).orElseThrow().children().findFirst(), Optional::isPresent).orElseThrow();

    sleeper.stop(Duration.ofSeconds(10));

    awaitGone(sleep.pid(), Duration.ofSeconds(10));
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (Exception e) {
      return 0;
    }
  }

  private static void awaitGone(long pid, Duration timeout) {
    await("process " + pid + " gone").atMost(timeout)
        .until(() -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
  }
}
