package io.logkv.bench;

import io.logkv.cluster.HttpProbe;
import io.logkv.kafkalocal.ChildProcess;
import io.logkv.kafkalocal.FreePorts;
import io.logkv.kafkalocal.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Node process start to ready with nothing to replay: what a node costs to start on its own (JVM,
 * HTTP server, Kafka clients, topic check, end offsets). A first start creates a fresh topic and
 * warms the page cache, not counted; each measured start then gets an empty data directory and
 * that empty topic, and is timed from starting the process to its first 200 on /health/ready,
 * polled every 10 ms.
 */
final class StartBench {
  /** The node JVM options of the cluster launcher. */
  static final List<String> JVM_OPTIONS = List.of("-Xms64m", "-Xmx512m", "-XX:+UseG1GC");
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** @param seconds each measured start, in order */
  record Result(String topic, List<Double> seconds, double medianSeconds) {}

  private StartBench() {}

  static Result measure(String bootstrap, int runs, Path dir, Consumer<String> progress) {
    String topic = "start-" + Long.toString(System.nanoTime(), 36);
    progress.accept("first start, creating topic " + topic + " (not counted)");
    time(bootstrap, topic, dir.resolve("first"));
    List<Double> seconds = new ArrayList<>();
    for (int i = 1; i <= runs; i++) {
      double s = time(bootstrap, topic, dir.resolve("run-" + i));
      progress.accept(String.format("start %d of %d: %.3f s", i, runs, s));
      seconds.add(s);
    }
    List<Double> sorted = seconds.stream().sorted().toList();
    int n = sorted.size();
    double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    return new Result(topic, seconds, median);
  }

  /** One start, from an empty data directory, to ready; then a clean stop. */
  private static double time(String bootstrap, String topic, Path dir) {
    int port = FreePorts.next();
    String url = "http://127.0.0.1:" + port + "/health/ready";
    List<String> args = List.of("--bootstrap-servers", bootstrap, "--node-id", "start", "--port", Integer.toString(port),
        "--topic", topic, "--data-dir", dir.resolve("data").toString(), "--snapshot-interval", "off");
    String classPath = Clusters.nodeClassPath();
    try (ChildProcess node = classPath == null
        ? ChildProcess.java("start", JVM_OPTIONS, "io.logkv.store.Main", args, dir.resolve("node.log"))
        : ChildProcess.java("start", JVM_OPTIONS, classPath, "io.logkv.store.Main", args, dir.resolve("node.log"))) {
      long start = System.nanoTime();
      node.start();
      long deadline = start + TIMEOUT.toNanos();
      while (!HttpProbe.answers200(url)) {
        if (!node.isAlive()) {
          throw new IllegalStateException("the node exited (code " + node.exitCode() + ") before it was ready:\n"
              + node.logTail(40));
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the node was not ready after " + TIMEOUT.toSeconds() + " s:\n" + node.logTail(40));
        }
        LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
      }
      return (System.nanoTime() - start) / 1e9;
    } finally {
      TempDirs.deleteRecursively(dir.resolve("data"));
    }
  }
}
