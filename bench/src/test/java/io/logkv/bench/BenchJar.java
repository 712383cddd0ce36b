package io.logkv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The packaged {@code logkv-bench.jar}, run as a user runs it: from the project root, in a JVM of its own. */
final class BenchJar {
  private BenchJar() {}

  /**
   * Runs {@code java -jar logkv-bench.jar ARGS --out OUT}, its console in {@code OUT/console.txt};
   * fails the test unless it exits 0 within {@code limit}.
   *
   * @return what it printed
   */
  static String run(Path out, Duration limit, String... args) throws Exception {
    Path root = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    Path jar = Path.of(System.getProperty("bench.jar", "target/logkv-bench.jar")).toAbsolutePath();
    Path console = out.resolve("console.txt");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar.toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--out", out.toString()));
    Process p = new ProcessBuilder(command)
        .directory(root.toFile()).redirectErrorStream(true).redirectOutput(console.toFile()).start();
    p.getOutputStream().close();
    boolean exited = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
    if (!exited) {
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // its children watch it and stop with it
    }
    String log = Files.readString(console);
    assertThat(exited).as("%s finished within %d minutes:\n%s", String.join(" ", args), limit.toMinutes(), log).isTrue();
    assertThat(p.exitValue()).as(log).isZero();
    return log;
  }
}
