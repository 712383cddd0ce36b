package io.logkv.chaos.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.logkv.chaos.backend.ChaosCluster;
import io.logkv.chaos.history.FaultEvent;
import io.logkv.chaos.history.ReadMode;
import io.logkv.chaos.history.RunningFault;
import io.logkv.chaos.workload.Ops;
import io.logkv.chaos.workload.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * The chaos scenarios, in order, on one shared cluster of three nodes behind nginx, each node
 * reaching Kafka through its own Toxiproxy proxy. Sharing keeps the suite within minutes on two
 * cores; it is safe because every scenario uses its own keys, heals everything, waits until all
 * nodes hold the same digest and is checked before the next starts ({@link #healEverything()}
 * also runs after a failed one).
 *
 * <p>Each scenario records the workload's history and its faults, then the checker must find no
 * anomaly in the history and the nodes' final states, and the scenario's own expectations (what
 * the fault must and must not do to clients) must hold. Results go to {@code results/chaos/}. The
 * node scenarios come first, from {@link NodeScenarioSuite}; the rest are this suite's own.
 */
class ChaosSuiteIT extends NodeScenarioSuite {
  static final Duration WRITE_TIMEOUT = SuiteCluster.WRITE_TIMEOUT;
  static final Duration READY_TIMEOUT = SuiteCluster.READY_TIMEOUT;

  private ChaosCluster cluster;

  ChaosSuiteIT() {
    super("ChaosSuiteIT", "chaos-cluster", 0);
  }

  /** After the suite's own start (superclass methods run first). */
  @BeforeAll
  void keepTheCluster() {
    cluster = suite.cluster();
  }

  private String how(String fault) {
    return scenarios.how(fault);
  }

  private ScenarioRun begin(String name, String fault) {
    return scenarios.begin(name, fault);
  }

  @Test
  @Order(5)
  @Timeout(120)
  void nodeCutFromNginx_clientsFailOverAndTheNodeKeepsReplicating() {
    assertThat(cluster.canCutFromBalancer()).as("the %s backend can cut a node from nginx", suite.backend().name()).isTrue();
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
    run.measure("p99 / max latency of operations during the cut (ms)", run.latencies(window));
    run.expect("no client error: nginx fails over from the node it cannot reach", run.clientErrors().isEmpty());
    run.finish();
    passes(run);
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
    run.measure("p99 / max latency of operations during the fault (ms)", run.latencies(window));
    run.expect("token reads through nginx answer during the fault", tokenOk > 0);
    run.finish();
    passes(run);
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
    run.measure("longest write stall through nginx during the fault (ms)", run.writeStallMillis(window));
    run.measure("p99 / max latency of operations during the fault (ms)", run.latencies(window));
    run.measure("writes through nginx during the fault (OK / all)",
        run.count(window, op -> op.isWrite() && op.process() < 100 && op.isOk()) + " / "
            + run.count(window, op -> op.isWrite() && op.process() < 100));
    run.expect("zero client errors through nginx while one broker of three is down", run.clientErrors().isEmpty());
    run.expect("writes through nginx succeed during the fault",
        run.count(window, op -> op.isWrite() && op.process() < 100 && op.isOk()) > 0);
    run.finish();
    passes(run);
  }

  @Test
  @Order(7)
  @Timeout(180)
  void brokerKillOne_costsNoClientError() {
    int leader = Brokers.leadingMostPartitions(cluster);
    oneBrokerFault("broker-kill-one",
        "SIGKILL the broker that leads the most partitions but is not the active controller (kafka-" + (leader + 1)
            + ") under load, start it again ~10 s later.",
        "kill-kafka-" + (leader + 1), leader, () -> cluster.killBroker(leader), Duration.ofSeconds(10),
        () -> cluster.startBroker(leader));
  }

  @Test
  @Order(8)
  @Timeout(180)
  void brokerPauseOne_costsNoClientError() {
    int leader = Brokers.leadingMostPartitions(cluster);
    oneBrokerFault("broker-pause-one",
        "kafka-" + (leader + 1) + " (the leader of the most partitions, not the active controller) frozen ("
            + how("pause") + ") for 10 s under load.",
        "pause-kafka-" + (leader + 1), leader, () -> cluster.pauseBroker(leader), Duration.ofSeconds(10),
        () -> cluster.resumeBroker(leader));
  }

  @Test
  @Order(9)
  @Timeout(180)
  void brokerCutOne_costsNoClientError() {
    assertThat(cluster.canCutBroker()).as("the %s backend can cut a broker off", suite.backend().name()).isTrue();
    // The hardest one to cut: the active controller, which the others must first replace.
    int leader = Brokers.activeController(cluster);
    oneBrokerFault("broker-cut-one",
        "kafka-" + (leader + 1) + " (the active controller, leading partitions too) cut off the nodes and the other"
            + " brokers (" + how("broker cut") + ") for 10 s under load, then healed.",
        "cut-kafka-" + (leader + 1), leader, () -> cluster.cutBroker(leader), Duration.ofSeconds(10),
        () -> cluster.healBroker(leader));
  }

  /** A long run: only with {@code -Dchaos.long=true}; otherwise no test at all (not a skipped one). */
  @TestFactory
  @Order(10)
  @Timeout(240)
  Stream<DynamicTest> brokerRollingRestart_costsNoClientError() {
    return LongRuns.only("broker-rolling-restart", () -> {
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
      run.measure("longest write stall through nginx during the restarts (ms)", run.writeStallMillis(all));
      run.measure("p99 / max latency of operations during the restarts (ms)", run.latencies(all));
      run.expect("zero client errors through nginx while the brokers restart one by one", run.clientErrors().isEmpty());
      run.finish();
      passes(run);
    });
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
    run.finish();
    passes(run);
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
    run.finish();
    passes(run);
  }

  // ---- helpers

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

  private static long ms(Ops.Done d) {
    return ScenarioRun.millis(d);
  }
}
