package io.logkv.chaos.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.logkv.chaos.backend.Backend;
import io.logkv.chaos.backend.ChaosCluster;
import io.logkv.chaos.backend.ClusterSpec;
import io.logkv.chaos.history.FaultEvent;
import io.logkv.chaos.history.ReadMode;
import io.logkv.chaos.history.RunningFault;
import io.logkv.chaos.report.ChaosReport;
import io.logkv.chaos.report.ScenarioResult;
import io.logkv.chaos.workload.Ops;
import io.logkv.chaos.workload.Session;
import io.logkv.kafkalocal.TempDirs;
import java.io.IOException;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chaos scenarios, in order, on one shared cluster of three nodes behind nginx, each node
 * reaching Kafka through its own Toxiproxy proxy. Sharing keeps the suite within minutes on two
 * cores; it is safe because every scenario uses its own keys, heals everything, waits until all
 * nodes hold the same digest and is checked before the next starts ({@link #healEverything()}
 * also runs after a failed one).
 *
 * <p>Each scenario records the workload's history and its faults, then the checker must find no
 * anomaly in the history and the nodes' final states, and the scenario's own expectations (what
 * the fault must and must not do to clients) must hold. Results go to {@code results/chaos/}.
 */
@ExtendWith(BackendAvailable.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosSuiteIT {
  /** The nodes' defaults: the suite tests the cluster users run. */
  static final Duration WRITE_TIMEOUT = Duration.ofSeconds(5);
  static final Duration READ_WAIT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  static final int BROKERS = 3;
  static final List<String> ORDER = List.of("node-kill-restart", "rolling-restart", "node-pause",
      "node-cut-from-kafka", "node-cut-from-nginx", "slow-replication", "broker-kill-one", "broker-pause-one",
      "broker-cut-one", "broker-rolling-restart", "kafka-outage", "full-restart");

  /** results/chaos for the local backend, results/chaos/docker for the docker one. */
  private final Path resultsRoot = Path.of(System.getProperty("chaos.results", "../results/chaos")).toAbsolutePath().normalize();
  private Path results = resultsRoot;
  private Backend backend;
  private final List<String> ran = new ArrayList<>();
  private final Path histories = Path.of("target", "chaos-histories").toAbsolutePath();
  private final long suiteStarted = System.nanoTime();
  private final Map<String, String> runInfo = new LinkedHashMap<>();
  private ChaosCluster cluster;

  @BeforeAll
  void startCluster() throws IOException {
    backend = Backend.fromSystemProperty(); // BackendAvailable has skipped the suite if it cannot run
    if (backend.name().equals("docker")) {
      results = results.resolve("docker");
    }
    Path data = Path.of("target", "chaos-cluster").toAbsolutePath();
    TempDirs.deleteRecursively(data);
    Files.createDirectories(results);
    long t0 = System.nanoTime();
    cluster = backend.start(new ClusterSpec(3, BROKERS,
        List.of("--write-timeout", WRITE_TIMEOUT.toSeconds() + "s", "--read-wait-timeout",
            READ_WAIT_TIMEOUT.toSeconds() + "s"), data,
        WRITE_TIMEOUT.plusSeconds(1)));
    runInfo.putAll(cluster.describe());
    runInfo.put("cluster start", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
  }

  @AfterEach
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
    // The next scenario starts on a whole cluster: every partition back to all its replicas.
    Brokers.awaitFullyReplicated(cluster, READY_TIMEOUT);
  }

  @AfterAll
  void stopClusterAndReport() {
    if (cluster == null) {
      return; // nothing ran: keep the last report rather than rewrite it over old results
    }
    cluster.close();
    List<String> header = new ArrayList<>();
    header.add("Generated by the suite itself (`ChaosSuiteIT`) at " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + ".");
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
    header.add("- cluster: 3 nodes (`--write-timeout " + WRITE_TIMEOUT.toSeconds() + "s --read-wait-timeout "
        + READ_WAIT_TIMEOUT.toSeconds() + "s`, the defaults), " + BROKERS + " KRaft brokers"
        + " (topic: replication factor 3, min.insync.replicas 2), nginx round robin"
        + " (retries on error/timeout/502/503, 3 tries, " + WRITE_TIMEOUT.plusSeconds(1).toSeconds()
        + " s per node; reads and writes in separate upstream groups),"
        + " each node's links to the brokers through proxies of their own");
    header.add("- scenarios run in this invocation: " + String.join(", ", ran)
        + "; any other row below is from an earlier invocation (its JSON file was kept)");
    runInfo.forEach((k, v) -> header.add("- " + k + ": " + v));
    header.add("- suite wall time (cluster start to the last scenario, in the JVM): "
        + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - suiteStarted) + " s");
    header.add("- workload: 4 client threads through nginx over 12 hot keys per scenario, 3 ms think time;"
        + " 45% PUT (unique values), 5% DELETE, 20% default, 20% session-token, 10% strong reads");
    header.add("- timelines: OK operations per second and p99 latency per 250 ms; shaded bands are fault windows");
    header.add("- a write answered 503 `not_applied` through nginx is recorded as UNKNOWN, not FAIL: nginx may"
        + " have tried another node first whose outcome is unknown, and passes on only the last answer");
    ChaosReport.write(results, header, ORDER);
    ChaosReport.writeSideBySide(resultsRoot, resultsRoot.resolve("docker"), ORDER);
  }

  /** How this backend makes a fault, e.g. "pause": SIGSTOP or docker pause. */
  private String how(String fault) {
    String how = cluster.describe().get(fault);
    assertThat(how).as("the %s backend says how it makes '%s'", backend.name(), fault).isNotNull();
    return how;
  }

  private ScenarioRun begin(String name, String fault) {
    ran.add(name);
    return ScenarioRun.begin(cluster, name, fault, results, histories);
  }

  private static void passes(ScenarioRun run, ScenarioResult result) {
    assertThat(result.passed()).as(run.failureReport()).isTrue();
  }

  @Test
  @Order(1)
  @Timeout(120)
  void nodeKillRestart_losesNoAcknowledgedWrite() {
    ScenarioRun run = begin("node-kill-restart", "SIGKILL n2 under load, restart it 4 s later.");
    run.startWorkload();
    run.hold(Duration.ofSeconds(3));
    RunningFault fault = run.startFault("kill-n2", "SIGKILL n2, started again after 4 s");
    cluster.killNode(1);
    run.hold(Duration.ofSeconds(4));
    long t0 = System.nanoTime();
    run.restartNode(1, READY_TIMEOUT);
    fault.stop();
    run.measure("n2 caught up after start (ms)", run.awaitCatchUp(1, run.clusterApplied(1), t0, Duration.ofSeconds(30)));
    run.hold(Duration.ofSeconds(3));
    passes(run, run.finish());
  }

  @Test
  @Order(2)
  @Timeout(150)
  void rollingRestart_givesClientsNoError() {
    ScenarioRun run = begin("rolling-restart", "Every node in turn stopped (SIGTERM) and started again under load.");
    run.startWorkload();
    run.hold(Duration.ofSeconds(2));
    for (int i = 0; i < cluster.size(); i++) {
      RunningFault fault = run.startFault("restart-" + cluster.nodeId(i), "SIGTERM " + cluster.nodeId(i) + ", start it again");
      cluster.stopNode(i);
      long t0 = System.nanoTime();
      run.restartNode(i, READY_TIMEOUT);
      fault.stop();
      run.awaitCatchUp(i, run.clusterApplied(i), t0, Duration.ofSeconds(30));
      run.hold(Duration.ofSeconds(2));
    }
    run.stopWorkload();
    run.expect("zero client errors through nginx", run.clientErrors().isEmpty());
    passes(run, run.finish());
  }

  @Test
  @Order(3)
  @Timeout(120)
  void nodePause_failsOverAndLosesNothing() {
    ScenarioRun run = begin("node-pause", "n3 frozen (" + how("pause") + ") for 10 s under load, then thawed.");
    run.startWorkload();
    run.hold(Duration.ofSeconds(3));
    long before = run.history().nanoTime();
    RunningFault fault = run.startFault("pause-n3", "n3 frozen for 10 s: " + how("pause"));
    cluster.pauseNode(2);
    run.hold(Duration.ofSeconds(10));
    long t0 = System.nanoTime();
    cluster.resumeNode(2);
    FaultEvent window = fault.stop();
    run.measure("n3 caught up after SIGCONT (ms)", run.awaitCatchUp(2, run.clusterApplied(2), t0, Duration.ofSeconds(30)));
    run.hold(Duration.ofSeconds(4));
    run.stopWorkload();
    // Served during the pause: invoked and answered while n3 hung, so by another node.
    long served = run.history().operations().stream().filter(op -> op.process() < 100 && op.isOk()
        && op.invokeNanos() >= window.startNanos() && op.completeNanos() <= window.stopNanos()).count();
    long stuck = run.history().operations().stream().filter(op -> op.process() < 100
        && op.invokeNanos() < window.stopNanos() && op.completeNanos() > window.stopNanos()
        && op.completeNanos() - op.invokeNanos() > TimeUnit.SECONDS.toNanos(1)).count();
    long okBefore = run.history().operations().stream().filter(op -> op.process() < 100 && op.isOk()
        && op.completeNanos() >= before - TimeUnit.SECONDS.toNanos(3) && op.completeNanos() < before).count();
    double rateBefore = okBefore / 3.0;
    double rateDuring = served / ((window.stopNanos() - window.startNanos()) / 1e9);
    run.measure("OK ops/s in the 3 s before / during the pause", Math.round(rateBefore) + " / " + Math.round(rateDuring));
    run.measure("operations served during the pause (by n1, n2)", served);
    run.measure("operations stuck on n3 until SIGCONT (> 1 s)", stuck);
    run.measure("p99 / max latency of operations overlapping the pause (ms)", latencies(run, window));
    run.expect("no client error: requests stuck on the paused node are answered after SIGCONT", run.clientErrors().isEmpty());
    // Failover, as an outcome: no client operation waits for the whole pause; nginx leaves the
    // frozen node after its per-node timeout. How much throughput is kept is measured above, not
    // asserted: it depends on how loaded the machine is.
    long longestWait = run.history().operations().stream()
        .filter(op -> op.process() < 100 && op.completeNanos() >= window.startNanos() && op.invokeNanos() <= window.stopNanos())
        .mapToLong(op -> op.completeNanos() - op.invokeNanos()).max().orElse(0);
    run.expect("clients fail over while n3 hangs: no operation waits for the whole 10 s pause",
        longestWait < TimeUnit.SECONDS.toNanos(10));
    passes(run, run.finish());
  }

  @Test
  @Order(4)
  @Timeout(120)
  void nodeCutFromKafka_refusesStaleStrongReadsAndCatchesUp() {
    ScenarioRun run = begin("node-cut-from-kafka",
        "n3 cut off Kafka (" + how("kafka cut") + ") for ~8 s under load; n3 probed directly meanwhile.");
    String key = run.key(0) + "-probe";
    int n3 = 2;
    Ops viaN3 = run.direct(n3);
    Ops viaN1 = run.direct(0);
    int p3 = ScenarioRun.probeProcess(n3);
    int p1 = ScenarioRun.probeProcess(0);
    run.startWorkload();
    String before = run.probeValue();
    run.expect("a write through n3 succeeds before the cut", viaN3.put(p3, key, before, new Session()).op().isOk());
    run.hold(Duration.ofSeconds(2));

    RunningFault fault = run.startFault("cut-n3", "n3 cut off Kafka: " + how("kafka cut"));
    cluster.cutFromKafka(n3);
    run.hold(Duration.ofSeconds(4)); // past the 3 s of broker silence after which n3 refuses writes

    Ops.Done write = viaN1.put(p1, key, run.probeValue(), new Session());
    run.expect("a write through n1 succeeds during the cut", write.op().isOk());
    Session token = new Session();
    token.saw(write.op().position());
    Ops.Done stale = viaN3.get(p3, key, ReadMode.DEFAULT, new Session());
    run.expect("n3's default read answers its stale copy", stale.reply().status() == 200 && before.equals(stale.op().value()));
    Ops.Done tokenRead = viaN3.get(p3, key, ReadMode.TOKEN, token);
    run.expect("n3's token read answers 503, not stale data", tokenRead.reply().status() == 503);
    Ops.Done strongRead = viaN3.get(p3, key, ReadMode.STRONG, new Session());
    run.expect("n3's strong read answers 503, not stale data", strongRead.reply().status() == 503);
    Ops.Done refused = viaN3.put(p3, key, run.probeValue(), new Session());
    long refusedMs = TimeUnit.NANOSECONDS.toMillis(refused.reply().nanos());
    run.expect("a write through n3 fails fast with 503", refused.reply().status() == 503 && refusedMs < WRITE_TIMEOUT.toMillis());
    Map<String, String> probes = new LinkedHashMap<>();
    probes.put("default read", stale.reply().status() + " '" + stale.op().value() + "' (fresh: '" + write.op().value() + "')");
    probes.put("token read", tokenRead.reply().errorKind() + " in " + ms(tokenRead) + " ms");
    probes.put("strong read", strongRead.reply().errorKind() + " in " + ms(strongRead) + " ms");
    probes.put("write", refused.reply().errorKind() + " in " + refusedMs + " ms");
    run.measure("n3 probed directly 4 s into the cut", probes);
    run.hold(Duration.ofSeconds(2));

    long t0 = System.nanoTime();
    cluster.healLinks(n3);
    fault.stop();
    run.measure("n3 caught up after the heal (ms)", run.awaitCatchUp(n3, run.clusterApplied(n3), t0, Duration.ofSeconds(30)));
    Ops.Done after = viaN3.get(p3, key, ReadMode.TOKEN, token);
    run.expect("n3's token read answers after the heal", after.reply().status() == 200);
    run.hold(Duration.ofSeconds(2));
    passes(run, run.finish());
  }

  @Test
  @Order(5)
  @Timeout(120)
  void nodeCutFromNginx_clientsFailOverAndTheNodeKeepsReplicating() {
    assertThat(cluster.canCutFromBalancer()).as("the %s backend can cut a node from nginx", backend.name()).isTrue();
    ScenarioRun run = begin("node-cut-from-nginx",
        "n2 cut from nginx (" + how("balancer cut") + ") for ~8 s under load, keeping its link to Kafka;"
            + " n2 probed directly.");
    int n2 = 1;
    String key = run.key(0) + "-probe";
    Ops viaN1 = run.direct(0);
    Ops viaN2 = run.direct(n2);
    run.startWorkload();
    run.hold(Duration.ofSeconds(2));
    RunningFault fault = run.startFault("cut-n2-from-nginx", "n2 cut from nginx: " + how("balancer cut"));
    cluster.cutFromBalancer(n2);
    long maxLag = 0;
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
    boolean probed = false;
    while (System.nanoTime() < until) {
      maxLag = Math.max(maxLag, run.applied(n2).behind(run.clusterApplied(n2)));
      if (!probed) {
        // Replication goes on while nginx cannot reach n2: a write through n1 is visible on n2.
        Ops.Done write = viaN1.put(ScenarioRun.probeProcess(0), key, run.probeValue(), new Session());
        run.expect("a write through n1 succeeds during the cut", write.op().isOk());
        Session token = new Session();
        token.saw(write.op().position());
        Ops.Done read = viaN2.get(ScenarioRun.probeProcess(n2), key, ReadMode.TOKEN, token);
        run.expect("n2, cut from nginx only, serves that write to a token read",
            read.reply().status() == 200 && write.op().value().equals(read.op().value()));
        probed = true;
      }
      run.hold(Duration.ofMillis(250));
    }
    long t0 = System.nanoTime();
    cluster.healLinks(n2);
    FaultEvent window = fault.stop();
    run.measure("n2 lag behind the other nodes during the cut (records, max)", maxLag);
    run.measure("n2 caught up after the heal (ms)", run.awaitCatchUp(n2, run.clusterApplied(n2), t0, Duration.ofSeconds(30)));
    run.hold(Duration.ofSeconds(3));
    run.stopWorkload();
    run.measure("p99 / max latency of operations during the cut (ms)", latencies(run, window));
    run.expect("no client error: nginx fails over from the node it cannot reach", run.clientErrors().isEmpty());
    passes(run, run.finish());
  }

  @Test
  @Order(6)
  @Timeout(120)
  void slowReplication_tokenReadsStillSeeTheirWrites() {
    ScenarioRun run = begin("slow-replication", "200 ms latency on every reply from Kafka to n2 for ~8 s under load.");
    int n2 = 1;
    run.startWorkload();
    run.hold(Duration.ofSeconds(2));
    RunningFault fault = run.startFault("slow-n2", "200 ms downstream latency on n2's Kafka link");
    cluster.delayKafka(n2, 200);
    long maxLag = 0;
    long sumLag = 0;
    int samples = 0;
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
    while (System.nanoTime() < until) {
      long lag = run.applied(n2).behind(run.clusterApplied(n2));
      maxLag = Math.max(maxLag, lag);
      sumLag += lag;
      samples++;
      run.hold(Duration.ofMillis(250));
    }
    long t0 = System.nanoTime();
    cluster.healLinks(n2);
    FaultEvent window = fault.stop();
    run.measure("n2 lag behind the other nodes during the fault (records)",
        "max " + maxLag + ", mean " + (samples == 0 ? 0 : sumLag / samples) + " over " + samples + " samples every 250 ms");
    run.measure("n2 caught up after the heal (ms)", run.awaitCatchUp(n2, run.clusterApplied(n2), t0, Duration.ofSeconds(30)));
    run.hold(Duration.ofSeconds(2));
    run.stopWorkload();
    long tokenOk = run.count(window, op -> op.isRead() && op.mode() == ReadMode.TOKEN && op.isOk());
    long tokenAll = run.count(window, op -> op.isRead() && op.mode() == ReadMode.TOKEN);
    run.measure("token reads during the fault (OK / all)", tokenOk + " / " + tokenAll);
    run.measure("p99 / max latency of operations during the fault (ms)", latencies(run, window));
    run.expect("token reads through nginx answer during the fault", tokenOk > 0);
    passes(run, run.finish());
  }

  /**
   * Runs the workload through a fault on one broker of three, then heals it; expects no client
   * error through nginx (the promise of replication factor 3 with min.insync.replicas 2) and
   * measures the longest write stall the workload saw.
   */
  private void oneBrokerFault(String name, String description, String faultName, int broker, Runnable inject,
      Duration hold, Runnable heal) {
    ScenarioRun run = begin(name, description);
    run.startWorkload();
    run.hold(Duration.ofSeconds(3));
    RunningFault fault = run.startFault(faultName, description);
    inject.run();
    run.hold(hold);
    long t0 = System.nanoTime();
    heal.run();
    FaultEvent window = fault.stop();
    run.measure("broker healed, all partitions fully replicated again (ms)",
        Brokers.awaitFullyReplicated(cluster, Duration.ofSeconds(60)) + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    run.hold(Duration.ofSeconds(3));
    run.stopWorkload();
    run.measure("longest write stall through nginx during the fault (ms)", writeStallMillis(run, window));
    run.measure("p99 / max latency of operations during the fault (ms)", latencies(run, window));
    run.measure("writes through nginx during the fault (OK / all)",
        run.count(window, op -> op.isWrite() && op.process() < 100 && op.isOk()) + " / "
            + run.count(window, op -> op.isWrite() && op.process() < 100));
    run.expect("zero client errors through nginx while one broker of three is down", run.clientErrors().isEmpty());
    run.expect("writes through nginx succeed during the fault",
        run.count(window, op -> op.isWrite() && op.process() < 100 && op.isOk()) > 0);
    passes(run, run.finish());
  }

  @Test
  @Order(7)
  @Timeout(180)
  void brokerKillOne_costsNoClientError() {
    int leader = Brokers.leadingMostPartitions(cluster);
    oneBrokerFault("broker-kill-one",
        "SIGKILL the broker that leads the most partitions (kafka-" + (leader + 1) + ") under load, start it again ~10 s later.",
        "kill-kafka-" + (leader + 1), leader, () -> cluster.killBroker(leader), Duration.ofSeconds(10),
        () -> cluster.startBroker(leader));
  }

  @Test
  @Order(8)
  @Timeout(180)
  void brokerPauseOne_costsNoClientError() {
    int leader = Brokers.leadingMostPartitions(cluster);
    oneBrokerFault("broker-pause-one",
        "kafka-" + (leader + 1) + " (the leader of the most partitions) frozen (" + how("pause") + ") for 10 s under load.",
        "pause-kafka-" + (leader + 1), leader, () -> cluster.pauseBroker(leader), Duration.ofSeconds(10),
        () -> cluster.resumeBroker(leader));
  }

  @Test
  @Order(9)
  @Timeout(180)
  void brokerCutOne_costsNoClientError() {
    assertThat(cluster.canCutBroker()).as("the %s backend can cut a broker off", backend.name()).isTrue();
    // The hardest one to cut: the active controller, which the others must first replace.
    int leader = Brokers.activeController(cluster);
    oneBrokerFault("broker-cut-one",
        "kafka-" + (leader + 1) + " (the active controller, leading partitions too) cut off the nodes and the other"
            + " brokers (" + how("broker cut") + ") for 10 s under load, then healed.",
        "cut-kafka-" + (leader + 1), leader, () -> cluster.cutBroker(leader), Duration.ofSeconds(10),
        () -> cluster.healBroker(leader));
  }

  @Test
  @Order(10)
  @Timeout(240)
  void brokerRollingRestart_costsNoClientError() {
    ScenarioRun run = begin("broker-rolling-restart",
        "Every broker in turn stopped (SIGTERM, a controlled shutdown) and started again under load;"
            + " the next only once every partition is fully replicated again.");
    run.startWorkload();
    run.hold(Duration.ofSeconds(3));
    List<FaultEvent> windows = new ArrayList<>();
    Map<String, Long> rejoin = new LinkedHashMap<>();
    for (int b = 0; b < cluster.brokerCount(); b++) {
      RunningFault fault = run.startFault("restart-kafka-" + (b + 1), "SIGTERM kafka-" + (b + 1) + ", start it again");
      cluster.stopBroker(b);
      cluster.startBroker(b);
      long t0 = System.nanoTime();
      Brokers.awaitFullyReplicated(cluster, Duration.ofSeconds(60));
      rejoin.put("kafka-" + (b + 1), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      windows.add(fault.stop());
      run.hold(Duration.ofSeconds(2));
    }
    run.stopWorkload();
    FaultEvent all = new FaultEvent("all", windows.get(0).startNanos(), windows.get(windows.size() - 1).stopNanos(), "");
    run.measure("back in every ISR after its start (ms)", rejoin);
    run.measure("longest write stall through nginx during the restarts (ms)", writeStallMillis(run, all));
    run.measure("p99 / max latency of operations during the restarts (ms)", latencies(run, all));
    run.expect("zero client errors through nginx while the brokers restart one by one", run.clientErrors().isEmpty());
    passes(run, run.finish());
  }

  @Test
  @Order(11)
  @Timeout(180)
  void kafkaOutage_writesFailFastAndNodesResumeWithoutRestart() {
    ScenarioRun run = begin("kafka-outage",
        "SIGKILL every Kafka broker under load (Kafka is gone), start them all again ~8 s later.");
    run.startWorkload();
    run.hold(Duration.ofSeconds(3));
    RunningFault fault = run.startFault("kill-kafka", "SIGKILL every broker, started again after ~8 s");
    cluster.killAllBrokers();
    run.hold(Duration.ofSeconds(4));
    Map<String, String> probes = new LinkedHashMap<>();
    boolean fast = true;
    boolean readsGoOn = true;
    for (int i = 0; i < cluster.size(); i++) {
      Ops node = run.direct(i);
      Ops.Done w = node.put(ScenarioRun.probeProcess(i), run.key(i) + "-probe", run.probeValue(), new Session());
      Ops.Done r = node.get(ScenarioRun.probeProcess(i), run.key(i), ReadMode.DEFAULT, new Session());
      fast &= w.reply().status() == 503 && w.reply().nanos() <= WRITE_TIMEOUT.toNanos();
      readsGoOn &= r.op().isOk();
      probes.put(cluster.nodeId(i), "write " + w.reply().errorKind() + " in " + ms(w) + " ms; default read "
          + r.reply().status() + " in " + ms(r) + " ms");
    }
    run.measure("direct probes 4 s into the outage", probes);
    run.expect("every node refuses a write with 503 within the write timeout", fast);
    run.expect("every node answers default reads during the outage", readsGoOn);
    run.hold(Duration.ofSeconds(4));
    long t0 = System.nanoTime();
    cluster.startStoppedBrokers();
    long brokerMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    FaultEvent window = fault.stop();
    run.measure("brokers start (ms)", brokerMs);
    Map<String, Long> resumed = new LinkedHashMap<>();
    for (int i = 0; i < cluster.size(); i++) {
      resumed.put(cluster.nodeId(i), awaitWritable(run, i, t0, Duration.ofSeconds(60)));
    }
    run.measure("first OK write through each node, from broker start (ms)", resumed);
    run.expect("every node accepts writes again without a restart", resumed.values().stream().allMatch(v -> v >= 0));
    Map<String, Long> caughtUp = new LinkedHashMap<>();
    for (int i = 0; i < cluster.size(); i++) {
      caughtUp.put(cluster.nodeId(i), run.awaitCatchUp(i, run.clusterApplied(-1), t0, Duration.ofSeconds(30)));
    }
    run.measure("caught up, from broker start (ms)", caughtUp);
    run.hold(Duration.ofSeconds(2));
    run.stopWorkload();
    List<Long> writeMs = run.history().operations().stream()
        .filter(op -> op.isWrite() && op.process() < 100 && op.invokeNanos() >= window.startNanos() && op.invokeNanos() <= window.stopNanos())
        .map(op -> TimeUnit.NANOSECONDS.toMillis(op.completeNanos() - op.invokeNanos())).sorted().toList();
    run.measure("writes through nginx invoked during the outage", writeMs.size() + ", the slowest "
        + (writeMs.isEmpty() ? 0 : writeMs.get(writeMs.size() - 1)) + " ms");
    long readsOk = run.count(window, op -> op.isRead() && op.mode() == ReadMode.DEFAULT && op.isOk() && op.process() < 100);
    long readsAll = run.count(window, op -> op.isRead() && op.mode() == ReadMode.DEFAULT && op.process() < 100);
    run.measure("default reads through nginx during the outage (OK / all)", readsOk + " / " + readsAll);
    long bound = 3 * WRITE_TIMEOUT.toMillis() + 1000;
    run.expect("no write through nginx hangs past its retry bound (3 tries x write timeout + 1 s = " + bound + " ms)",
        writeMs.isEmpty() || writeMs.get(writeMs.size() - 1) <= bound);
    run.expect("every default read through nginx answers during the outage", readsAll > 0 && readsOk == readsAll);
    passes(run, run.finish());
  }

  @Test
  @Order(12)
  @Timeout(180)
  void fullRestart_everyNodeComesBackWithTheSameDigest() {
    ScenarioRun run = begin("full-restart",
        "Every node stopped (SIGTERM) at once and started again; the workload pauses meanwhile.");
    run.startWorkload();
    run.hold(Duration.ofSeconds(3));
    run.stopWorkload();
    String before = run.agreedDigest(Duration.ofSeconds(30)).orElse(null);
    Applied applied = run.clusterApplied(-1);
    RunningFault fault = run.startFault("restart-all", "SIGTERM every node, start them all again");
    CompletableFuture.allOf(java.util.stream.IntStream.range(0, cluster.size())
        .mapToObj(i -> CompletableFuture.runAsync(() -> cluster.stopNode(i))).toArray(CompletableFuture[]::new)).join();
    long t0 = System.nanoTime();
    for (int i = 0; i < cluster.size(); i++) {
      cluster.startNode(i);
    }
    for (int i = 0; i < cluster.size(); i++) {
      cluster.awaitNodeReady(i, READY_TIMEOUT);
    }
    long readyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    fault.stop();
    for (int i = 0; i < cluster.size(); i++) {
      run.recordReplay(i, readyMs);
      run.awaitCatchUp(i, applied, t0, Duration.ofSeconds(30));
    }
    String after = run.agreedDigest(Duration.ofSeconds(30)).orElse(null);
    run.measure("digest before / after", before + " / " + after);
    run.expect("every node comes back with the digest the cluster had before", before != null && before.equals(after));
    run.startWorkload();
    run.hold(Duration.ofSeconds(2));
    passes(run, run.finish());
  }

  // ---- helpers

  /** The one digest every node reports, or null when they differ. */
  /** Polls node {@code i} with direct writes until one is OK; ms from {@code fromNanos}, -1 if never. */
  private long awaitWritable(ScenarioRun run, int i, long fromNanos, Duration timeout) {
    Ops node = run.direct(i);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (node.put(ScenarioRun.probeProcess(i), run.key(i) + "-probe", run.probeValue(), new Session()).op().isOk()) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fromNanos);
      }
      run.hold(Duration.ofMillis(200));
    }
    return -1;
  }

  /**
   * The longest time, from just before the fault to the end of its window, during which no write
   * through nginx completed OK: what a client writing continuously would have waited at most.
   */
  private static long writeStallMillis(ScenarioRun run, FaultEvent window) {
    long from = window.startNanos() - TimeUnit.SECONDS.toNanos(1);
    List<Long> done = run.history().operations().stream()
        .filter(op -> op.isWrite() && op.process() < 100 && op.isOk())
        .map(op -> op.completeNanos())
        .filter(t -> t >= from && t <= window.stopNanos())
        .sorted().toList();
    long last = from;
    long longest = 0;
    for (long t : done) {
      longest = Math.max(longest, t - last);
      last = t;
    }
    longest = Math.max(longest, window.stopNanos() - last);
    return TimeUnit.NANOSECONDS.toMillis(longest);
  }

  private static String latencies(ScenarioRun run, FaultEvent window) {
    List<Long> ms = run.history().operations().stream()
        .filter(op -> op.process() < 100 && op.completeNanos() >= window.startNanos() && op.invokeNanos() <= window.stopNanos())
        .map(op -> TimeUnit.NANOSECONDS.toMillis(op.completeNanos() - op.invokeNanos())).sorted().toList();
    if (ms.isEmpty()) {
      return "no operation";
    }
    return ms.get(Math.max(0, (int) Math.ceil(ms.size() * 0.99) - 1)) + " / " + ms.get(ms.size() - 1)
        + " (" + ms.size() + " operations)";
  }

  private static long ms(Ops.Done d) {
    return TimeUnit.NANOSECONDS.toMillis(d.reply().nanos());
  }
}
