package io.logkv.chaos.scenario;

import io.logkv.chaos.backend.ChaosCluster;
import io.logkv.chaos.history.FaultEvent;
import io.logkv.chaos.history.ReadMode;
import io.logkv.chaos.history.RunningFault;
import io.logkv.chaos.workload.Ops;
import io.logkv.chaos.workload.Session;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The scenarios that act on nodes (kill, restart, pause, cut off Kafka), written once and run by
 * every suite on its own cluster, full copy or sharded; and what every scenario of a suite shares:
 * where results go and which scenarios ran. Each scenario returns its finished run: the suite
 * asserts {@link ScenarioRun#passed()}.
 *
 * <p>Each expects zero client errors through nginx besides its own expectations; the checker
 * (lost writes, divergence between nodes or between the owners of a partition) runs in {@link
 * ScenarioRun#finish()}.
 */
public final class Scenarios {
  private final ChaosCluster cluster;
  private final Path results;
  private final Path histories;
  private final Duration readyTimeout;
  private final Duration writeTimeout;
  private final List<String> ran = new ArrayList<>();

  /**
   * @param results where each scenario's JSON and timeline go
   * @param histories where each full history goes
   * @param readyTimeout how long a (re)started node may take to be ready
   * @param writeTimeout the nodes' {@code --write-timeout}: a refused write must come back sooner
   */
  public Scenarios(ChaosCluster cluster, Path results, Path histories, Duration readyTimeout, Duration writeTimeout) {
    this.cluster = cluster;
    this.results = results;
    this.histories = histories;
    this.readyTimeout = readyTimeout;
    this.writeTimeout = writeTimeout;
  }

  /** Starts a scenario and records its name (with the sharded suffix, if any) among those that ran. */
  public ScenarioRun begin(String name, String fault) {
    ScenarioRun run = ScenarioRun.begin(cluster, name, fault, results, histories);
    ran.add(run.name());
    return run;
  }

  /** The names of the scenarios begun so far, in order. */
  public List<String> ran() {
    return List.copyOf(ran);
  }

  /** How the backend makes a fault, e.g. "pause": SIGSTOP or docker pause. */
  public String how(String fault) {
    String how = cluster.describe().get(fault);
    if (how == null) {
      throw new IllegalStateException("the backend does not say how it makes '" + fault + "': " + cluster.describe());
    }
    return how;
  }

  /** n2 killed under load and started again 4 s later; it must catch up and lose nothing. */
  public ScenarioRun nodeKillRestart() {
    ScenarioRun run = begin("node-kill-restart", "SIGKILL n2 under load, restart it 4 s later.");
    run.startWorkload();
    run.hold(Duration.ofSeconds(3));
    RunningFault fault = run.startFault("kill-n2", "SIGKILL n2, started again after 4 s");
    cluster.killNode(1);
    run.hold(Duration.ofSeconds(4));
    long t0 = System.nanoTime();
    run.restartNode(1, readyTimeout);
    fault.stop();
    run.measure("n2 caught up after start (ms)", run.awaitCatchUp(1, run.clusterApplied(1), t0, Duration.ofSeconds(30)));
    run.hold(Duration.ofSeconds(3));
    run.stopWorkload();
    run.expect("zero client errors through nginx", run.clientErrors().isEmpty());
    run.finish();
    return run;
  }

  /** Every node in turn stopped and started under load: clients see no error. */
  public ScenarioRun rollingRestart() {
    ScenarioRun run = begin("rolling-restart", "Every node in turn stopped (SIGTERM) and started again under load.");
    run.startWorkload();
    run.hold(Duration.ofSeconds(2));
    for (int i = 0; i < cluster.size(); i++) {
      RunningFault fault = run.startFault("restart-" + cluster.nodeId(i), "SIGTERM " + cluster.nodeId(i) + ", start it again");
      cluster.stopNode(i);
      long t0 = System.nanoTime();
      run.restartNode(i, readyTimeout);
      fault.stop();
      run.awaitCatchUp(i, run.clusterApplied(i), t0, Duration.ofSeconds(30));
      // The next node only once nginx has stopped avoiding this one: a 503 it answered while
      // replaying marks it failed for nginx's fail_timeout (2 s) in every group it is in; stopping
      // the other owner of a partition within that time leaves nginx no owner to try.
      run.hold(Duration.ofSeconds(3));
    }
    run.stopWorkload();
    run.expect("zero client errors through nginx", run.clientErrors().isEmpty());
    run.finish();
    return run;
  }

  /** n3 frozen for 10 s under load: clients fail over, and what hung on n3 is answered after. */
  public ScenarioRun nodePause() {
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
    run.measure("p99 / max latency of operations overlapping the pause (ms)", run.latencies(window));
    run.expect("no client error: requests stuck on the paused node are answered after SIGCONT", run.clientErrors().isEmpty());
    // Failover, as an outcome: no client operation waits for the whole pause; nginx leaves the
    // frozen node after its per-node timeout. How much throughput is kept is measured above, not
    // asserted: it depends on how loaded the machine is.
    long longestWait = run.history().operations().stream()
        .filter(op -> op.process() < 100 && op.completeNanos() >= window.startNanos() && op.invokeNanos() <= window.stopNanos())
        .mapToLong(op -> op.completeNanos() - op.invokeNanos()).max().orElse(0);
    run.expect("clients fail over while n3 hangs: no operation waits for the whole 10 s pause",
        longestWait < TimeUnit.SECONDS.toNanos(10));
    run.finish();
    return run;
  }

  /**
   * n3 cut off Kafka for ~8 s under load and probed directly with a key it holds: it refuses
   * writes and token and strong reads rather than answer stale data, and catches up after the heal.
   * The write that makes n3 stale goes through another node that holds the key.
   */
  public ScenarioRun nodeCutFromKafka() {
    int n3 = 2;
    ScenarioRun run = begin("node-cut-from-kafka",
        "n3 cut off Kafka (" + how("kafka cut") + ") for ~8 s under load; n3 probed directly meanwhile.");
    String key = run.probeKeyHeldBy(n3);
    int other = run.otherHolder(key, n3);
    String otherId = cluster.nodeId(other);
    Ops viaN3 = run.direct(n3);
    Ops viaOther = run.direct(other);
    int p3 = ScenarioRun.probeProcess(n3);
    int pOther = ScenarioRun.probeProcess(other);
    run.startWorkload();
    String before = run.probeValue();
    run.expect("a write through n3 succeeds before the cut", viaN3.put(p3, key, before, new Session()).op().isOk());
    run.hold(Duration.ofSeconds(2));

    RunningFault fault = run.startFault("cut-n3", "n3 cut off Kafka: " + how("kafka cut"));
    cluster.cutFromKafka(n3);
    run.hold(Duration.ofSeconds(4)); // past the 3 s of broker silence after which n3 refuses writes

    Ops.Done write = viaOther.put(pOther, key, run.probeValue(), new Session());
    run.expect("a write through " + otherId + " succeeds during the cut", write.op().isOk());
    Session token = new Session();
    token.saw(write.op().position());
    Ops.Done stale = viaN3.get(p3, key, ReadMode.DEFAULT, new Session());
    run.expect("n3's default read answers its stale copy", stale.reply().status() == 200 && before.equals(stale.op().value()));
    Ops.Done tokenRead = viaN3.get(p3, key, ReadMode.TOKEN, token);
    run.expect("n3's token read answers 503, not stale data", tokenRead.reply().status() == 503);
    Ops.Done strongRead = viaN3.get(p3, key, ReadMode.STRONG, new Session());
    run.expect("n3's strong read answers 503, not stale data", strongRead.reply().status() == 503);
    Ops.Done refused = viaN3.put(p3, key, run.probeValue(), new Session());
    long refusedMs = ScenarioRun.millis(refused);
    run.expect("a write through n3 fails fast with 503", refused.reply().status() == 503 && refusedMs < writeTimeout.toMillis());
    Map<String, String> probes = new LinkedHashMap<>();
    probes.put("key", key + " (held by n3 and " + otherId + ")");
    probes.put("default read", stale.reply().status() + " '" + stale.op().value() + "' (fresh: '" + write.op().value() + "')");
    probes.put("token read", tokenRead.reply().errorKind() + " in " + ScenarioRun.millis(tokenRead) + " ms");
    probes.put("strong read", strongRead.reply().errorKind() + " in " + ScenarioRun.millis(strongRead) + " ms");
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
    run.stopWorkload();
    run.expect("zero client errors through nginx", run.clientErrors().isEmpty());
    run.finish();
    return run;
  }
}
