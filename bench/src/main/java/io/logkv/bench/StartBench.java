package io.logkv.bench;

import io.logkv.cluster.ClassArchive;
import io.logkv.cluster.HttpProbe;
import io.logkv.kafkalocal.ChildProcess;
import io.logkv.kafkalocal.FreePorts;
import io.logkv.kafkalocal.TempDirs;
import io.logkv.store.StartupTimeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Node process start to ready with nothing to replay: what a node costs to start on its own (JVM,
 * HTTP server, Kafka clients, topic check, end offsets). A first start creates a fresh topic and
 * warms the page cache, not counted; each measured start then gets an empty data directory and
 * that empty topic, and is timed from starting the process to its first 200 on /health/ready,
 * polled every 10 ms. Each start's own ready line gives its steps ({@link StartupTimeline}).
 *
 * <p>Then the same with a class archive ({@code -XX:SharedArchiveFile}, as the launcher uses
 * one): one training start writes it at its clean stop (not counted), and the measured starts
 * alternate with and without it, so that both see the same machine.
 */
final class StartBench {
  /** The node JVM options of the cluster launcher. */
  static final List<String> JVM_OPTIONS = List.of("-Xms64m", "-Xmx512m", "-XX:+UseG1GC");
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /**
   * @param seconds each start, in order
   * @param steps each step's median over the starts, from their ready lines (ms)
   */
  record Series(List<Double> seconds, double medianSeconds, Map<String, Long> steps) {
    static Series of(List<Double> seconds, List<Map<String, String>> readyLines) {
      Map<String, Long> steps = new LinkedHashMap<>();
      for (String key : StartupTimeline.KEYS) {
        List<Long> values = readyLines.stream().filter(m -> m.containsKey(key)).map(m -> Long.parseLong(m.get(key)))
            .sorted().toList();
        if (!values.isEmpty()) {
          steps.put(key, values.get(values.size() / 2));
        }
      }
      return new Series(List.copyOf(seconds), median(seconds), steps);
    }

    /** "jvm 310 ms, config 120 ms, ..." for a report cell. */
    String describeSteps() {
      return steps.entrySet().stream().filter(e -> e.getKey().endsWith("_ms") && !e.getKey().equals("total_ms"))
          .map(e -> e.getKey().replace("_ms", "") + " " + e.getValue() + " ms")
          .collect(java.util.stream.Collectors.joining(", "));
    }
  }

  /** @param archived with a class archive; null when the node's class path cannot have one */
  record Result(String topic, Series plain, Series archived, long archiveBytes) {
    double medianSeconds() {
      return plain.medianSeconds();
    }
  }

  private StartBench() {}

  static Result measure(String bootstrap, int runs, Path dir, Consumer<String> progress) {
    String topic = "start-" + Long.toString(System.nanoTime(), 36);
    progress.accept("first start, creating topic " + topic + " (not counted)");
    time(bootstrap, topic, dir.resolve("first"), List.of());
    String classPath = Clusters.nodeClassPath();
    Path archive = dir.resolve("node.jsa").toAbsolutePath();
    boolean archivable = classPath != null && ClassArchive.forClassPath(classPath).isPresent();
    if (archivable) {
      progress.accept("training start, writing a class archive at its stop (not counted)");
      time(bootstrap, topic, dir.resolve("training"), List.of("-XX:ArchiveClassesAtExit=" + archive, ClassArchive.QUIET));
      archivable = Files.isRegularFile(archive);
    }
    List<Double> plain = new ArrayList<>();
    List<Double> archived = new ArrayList<>();
    List<Map<String, String>> plainLines = new ArrayList<>();
    List<Map<String, String>> archivedLines = new ArrayList<>();
    for (int i = 1; i <= runs; i++) {
      Start s = time(bootstrap, topic, dir.resolve("run-" + i), List.of());
      plain.add(s.seconds());
      plainLines.add(s.readyLine());
      String line = String.format("start %d of %d: %.3f s", i, runs, s.seconds());
      if (archivable) {
        Start a = time(bootstrap, topic, dir.resolve("run-" + i + "-archived"), List.of("-XX:SharedArchiveFile=" + archive, ClassArchive.QUIET));
        archived.add(a.seconds());
        archivedLines.add(a.readyLine());
        line += String.format("; with the class archive %.3f s", a.seconds());
      }
      progress.accept(line);
    }
    try {
      return new Result(topic, Series.of(plain, plainLines), archivable ? Series.of(archived, archivedLines) : null,
          archivable ? Files.size(archive) : 0);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private record Start(double seconds, Map<String, String> readyLine) {}

  /** One start, from an empty data directory, to ready; then a clean stop. */
  private static Start time(String bootstrap, String topic, Path dir, List<String> extraJvmOptions) {
    int port = FreePorts.next();
    String url = "http://127.0.0.1:" + port + "/health/ready";
    List<String> args = List.of("--bootstrap-servers", bootstrap, "--node-id", "start", "--port", Integer.toString(port),
        "--topic", topic, "--data-dir", dir.resolve("data").toString(), "--snapshot-interval", "off");
    List<String> jvm = new ArrayList<>(JVM_OPTIONS);
    jvm.addAll(extraJvmOptions);
    String classPath = Clusters.nodeClassPath();
    Path log = dir.resolve("node.log");
    try (ChildProcess node = classPath == null
        ? ChildProcess.java("start", jvm, "io.logkv.store.Main", args, log)
        : ChildProcess.java("start", jvm, classPath, "io.logkv.store.Main", args, log)) {
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
      double seconds = (System.nanoTime() - start) / 1e9;
      node.stop(Duration.ofSeconds(30)); // a clean stop: a training start writes its archive now
      return new Start(seconds, readyLine(log));
    } finally {
      TempDirs.deleteRecursively(dir.resolve("data"));
    }
  }

  private static Map<String, String> readyLine(Path log) {
    try (var lines = Files.lines(log)) {
      return lines.map(StartupTimeline::parseReadyLine).filter(m -> !m.isEmpty()).findFirst().orElse(Map.of());
    } catch (java.io.IOException e) {
      return Map.of();
    }
  }
}
