package io.logkv.chaos.scenario;

import static org.awaitility.Awaitility.await;

import io.logkv.chaos.backend.Backend;
import io.logkv.chaos.backend.ChaosCluster;
import io.logkv.chaos.backend.ClusterSpec;
import io.logkv.chaos.report.ChaosReport;
import io.logkv.chaos.workload.KvClient;
import io.logkv.chaos.workload.Reply;
import io.logkv.kafkalocal.TempDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * What the chaos suites share: one cluster of three nodes and three brokers behind nginx on the
 * backend {@code -Dchaos.backend} names, healed after every scenario, and the report written
 * from every result in the results directory when the suite ends.
 */
final class SuiteCluster {
  /** The nodes' defaults: the suites test the cluster users run. */
  static final Duration WRITE_TIMEOUT = Duration.ofSeconds(5);
  static final Duration READ_WAIT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  static final int NODES = 3;
  static final int BROKERS = 3;
  /** The full-copy suite's scenarios, in the order it runs them. */
  static final List<String> FULL_COPY_ORDER = List.of("node-kill-restart", "rolling-restart", "node-pause",
      "node-cut-from-kafka", "node-cut-from-nginx", "slow-replication", "broker-kill-one", "broker-pause-one",
      "broker-cut-one", "broker-rolling-restart", "kafka-outage", "full-restart");
  /** The sharded suite's scenarios, in the order it runs them. */
  static final List<String> SHARDED_ORDER = Stream.of("node-kill-restart", "rolling-restart", "node-pause",
      "node-cut-from-kafka").map(s -> s + ScenarioRun.SHARDED_SUFFIX).toList();
  /** Every row of the report, in order: the full-copy suite's, then the sharded one's. */
  static final List<String> ORDER = Stream.concat(FULL_COPY_ORDER.stream(), SHARDED_ORDER.stream()).toList();

  private final String suite;
  private final Backend backend;
  /** results/chaos for the local backend; results/chaos/docker holds the docker one's. */
  private final Path resultsRoot = Path.of(System.getProperty("chaos.results", "../results/chaos")).toAbsolutePath().normalize();
  private final Path results;
  private final long started = System.nanoTime();
  private final Map<String, String> runInfo = new LinkedHashMap<>();
  private final ChaosCluster cluster;
  private final Scenarios scenarios;

  /**
   * Starts the cluster of {@code suite} (the test class's name) with its data under {@code
   * target/<dataDir>}.
   *
   * @param replicas 0 for full copy, R for sharded mode
   */
  SuiteCluster(String suite, String dataDir, int replicas) {
    this.suite = suite;
    this.backend = Backend.fromSystemProperty(); // BackendAvailable has skipped the suite if it cannot run
    this.results = backend.name().equals("docker") ? resultsRoot.resolve("docker") : resultsRoot;
    Path data = Path.of("target", dataDir).toAbsolutePath();
    try {
      TempDirs.deleteRecursively(data);
      Files.createDirectories(results);
    } catch (IOException e) {
      throw new UncheckedIOException("preparing " + data + " and " + results + " failed", e);
    }
    long t0 = System.nanoTime();
    cluster = backend.start(new ClusterSpec(NODES, BROKERS,
        List.of("--write-timeout", WRITE_TIMEOUT.toSeconds() + "s", "--read-wait-timeout",
            READ_WAIT_TIMEOUT.toSeconds() + "s"), data,
        WRITE_TIMEOUT.plusSeconds(1), replicas));
    runInfo.putAll(cluster.describe());
    runInfo.put("cluster start", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
    healEverything();
    runInfo.put("warm-up", warmUp());
    scenarios = new Scenarios(cluster, results, Path.of("target", "chaos-histories").toAbsolutePath(),
        READY_TIMEOUT, WRITE_TIMEOUT);
  }

  /**
   * Writes through nginx until a write is taken, before the first scenario: right after the
   * nodes are ready, the first writes of a fresh cluster may be refused (seen on a sharded one for
   * about a second), which would be counted against whichever scenario runs first.
   */
  private String warmUp() {
    KvClient client = new KvClient(cluster.balancerUrl(), WRITE_TIMEOUT.multipliedBy(4));
    long t0 = System.nanoTime();
    Map<String, Integer> refused = new TreeMap<>();
    AtomicInteger attempt = new AtomicInteger();
    await("a write through nginx taken (logs: " + cluster.logDir() + ")")
        .atMost(READY_TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
        .until(() -> {
          Reply r = client.put("suite-warm-up", "attempt-" + attempt.getAndIncrement());
          if (r.status() != 200) {
            refused.merge(r.errorKind(), 1, Integer::sum);
          }
          return r.status() == 200;
        });
    return "first write through nginx taken after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)
        + " ms; refused before it: " + (refused.isEmpty() ? "none" : refused);
  }

  ChaosCluster cluster() {
    return cluster;
  }

  Scenarios scenarios() {
    return scenarios;
  }

  Backend backend() {
    return backend;
  }

  /**
   * Undoes every fault a scenario may have left (also after a failed one): resumes and reconnects
   * every node and broker, starts what is stopped, and waits until every node is ready and every
   * partition of the topic fully replicated again, so the next scenario starts on a whole cluster.
   */
  void healEverything() {
    for (int i = 0; i < cluster.size(); i++) {
      cluster.resumeNode(i);
      cluster.healLinks(i);
    }
    for (int b = 0; b < cluster.brokerCount(); b++) {
      cluster.resumeBroker(b);
      cluster.healBroker(b);
    }
    cluster.startStoppedBrokers();
    for (int i = 0; i < cluster.size(); i++) {
      if (!cluster.nodeAlive(i)) {
        cluster.startNode(i);
      }
    }
    for (int i = 0; i < cluster.size(); i++) {
      cluster.awaitNodeReady(i, READY_TIMEOUT);
    }
    Brokers.awaitFullyReplicated(cluster, READY_TIMEOUT);
  }

  /** Stops the cluster and writes REPORT.md (and BACKENDS.md) from every result kept so far. */
  void stopAndReport() {
    cluster.close();
    List<String> header = new ArrayList<>();
    header.add("Generated by the suite itself (`" + suite + "`) at " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + ".");
    header.add("");
    header.add(backend.name().equals("docker")
        ? "- command: `mvn -q install -DskipTests && chaos/docker/prepare-images.sh`, then"
            + " `cd chaos && mvn verify -Dchaos.backend=docker` (CI: the Docker stage of `.ci/run`)"
        : "- command: `mvn -q install -DskipTests`, then `cd chaos && mvn verify` (CI: `mvn -B -ntp verify` from the root)");
    header.add("- machine: " + Runtime.getRuntime().availableProcessors() + " cores, "
        + System.getProperty("os.name") + " " + System.getProperty("os.version") + ", "
        + (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
            ? os.getTotalMemorySize() / (1 << 20) + " MiB RAM, " : "")
        + "Java " + System.getProperty("java.version") + "; shared with other builds while it ran");
    header.add("- cluster of this invocation: " + cluster.mode() + ", " + NODES + " nodes (`--write-timeout "
        + WRITE_TIMEOUT.toSeconds() + "s --read-wait-timeout " + READ_WAIT_TIMEOUT.toSeconds() + "s`, the defaults), "
        + BROKERS + " KRaft brokers (topic: replication factor 3, min.insync.replicas 2), nginx"
        + (cluster.replicas() == 0 ? " round robin" : " (routing: below)") + " (retries on error/timeout/502/503, 3 tries, " + WRITE_TIMEOUT.plusSeconds(1).toSeconds()
        + " s per node; reads and writes in separate upstream groups),"
        + " each node's links to the brokers through proxies of their own");
    header.add("- modes: `ChaosSuiteIT` runs every scenario on a full-copy cluster; `ShardedChaosSuiteIT` runs the"
        + " node scenarios again on a sharded one (suffix `" + ScenarioRun.SHARDED_SUFFIX + "`), where convergence"
        + " compares each partition's owners and the checker gets one final state per copy of the partitions");
    header.add("- scenarios run in this invocation: " + String.join(", ", scenarios.ran())
        + "; any other row below is from an earlier invocation (its JSON file was kept)");
    runInfo.forEach((k, v) -> header.add("- " + k + ": " + v));
    header.add("- suite wall time (cluster start to the last scenario, in the JVM): "
        + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + " s");
    header.add("- workload: 4 client threads through nginx over 12 hot keys per scenario, 3 ms think time;"
        + " 45% PUT (unique values), 5% DELETE, 20% default, 20% session-token, 10% strong reads");
    header.add("- timelines: OK operations per second and p99 latency per 250 ms; shaded bands are fault windows");
    header.add("- a write answered 503 `not_applied` through nginx is recorded as UNKNOWN, not FAIL: nginx may"
        + " have tried another node first whose outcome is unknown, and passes on only the last answer");
    ChaosReport.write(results, header, ORDER);
    ChaosReport.writeSideBySide(resultsRoot, resultsRoot.resolve("docker"), ORDER);
  }
}
