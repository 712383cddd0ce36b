package io.logkv.chaos.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import io.logkv.chaos.backend.ChaosCluster;
import io.logkv.chaos.checker.AnomalyType;
import io.logkv.chaos.checker.CheckResult;
import io.logkv.chaos.checker.Checker;
import io.logkv.chaos.history.FaultEvent;
import io.logkv.chaos.history.FinalState;
import io.logkv.chaos.history.History;
import io.logkv.chaos.history.Operation;
import io.logkv.chaos.history.Outcome;
import io.logkv.chaos.history.Position;
import io.logkv.chaos.history.ReadMode;
import io.logkv.chaos.history.RunningFault;
import io.logkv.chaos.history.Versioned;
import io.logkv.chaos.report.ScenarioResult;
import io.logkv.chaos.report.Timeline;
import io.logkv.chaos.report.TimelineChart;
import io.logkv.chaos.workload.ErrorCounts;
import io.logkv.chaos.workload.KvClient;
import io.logkv.chaos.workload.Ops;
import io.logkv.chaos.workload.Reply;
import io.logkv.chaos.workload.Workload;
import io.logkv.chaos.workload.WorkloadSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scenario's run on a shared cluster: records a history of the workload sent through nginx
 * (and of direct probes of single nodes), the fault windows, the scenario's own measurements and
 * expectations, then heals, waits for convergence, checks and writes the result files.
 *
 * <p>On a sharded cluster the scenario's name gets the suffix {@value #SHARDED_SUFFIX}, a node
 * catches up on the partitions it holds, convergence compares each partition's owners, and the
 * checker gets one final state per copy: copy {@code r} takes each partition from its
 * {@code r}-th owner, so every owner's data is checked against the history and against the other
 * owners of its partitions.
 *
 * <p>Not thread-safe: one scenario thread drives it; only the workload threads record
 * concurrently, through the history.
 */
public final class ScenarioRun {
  private static final Logger LOG = LoggerFactory.getLogger(ScenarioRun.class);
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
  private static final int PROBE_PROCESS_BASE = 100;
  /** Appended to the name of a scenario run on a sharded cluster, so both modes' results coexist. */
  public static final String SHARDED_SUFFIX = "-sharded";

  private final ChaosCluster cluster;
  private final String name;
  private final String fault;
  private final Path resultsDir;
  private final Path historiesDir;
  private final long startedNanos = System.nanoTime();
  private final History history = History.create();
  private final ErrorCounts clientErrors = new ErrorCounts();
  private final ErrorCounts probeErrors = new ErrorCounts();
  private final Ops balancer;
  private final List<KvClient> nodes = new ArrayList<>();
  /** The owner table when the cluster is sharded; empty in full-copy mode. */
  private final Optional<Owners> owners;
  private final Map<String, Object> measurements = new LinkedHashMap<>();
  private final Map<String, Boolean> expectations = new LinkedHashMap<>();
  private final WorkloadSpec spec;
  private Workload workload;
  private int workloadsStarted;
  private int nextProbeValue;
  private Long replayMillis;
  private Long recordsReplayed;
  private Long replayRate;
  private Long readyMillis;
  private Long convergeMillis;
  private CheckResult check;
  private ScenarioResult result;

  private ScenarioRun(ChaosCluster cluster, String name, String fault, Path resultsDir, Path historiesDir) {
    this.cluster = cluster;
    this.name = name;
    this.fault = fault;
    this.resultsDir = resultsDir;
    this.historiesDir = historiesDir;
    this.spec = WorkloadSpec.hotKeys(name);
    this.balancer = new Ops(history, new KvClient(cluster.balancerUrl(), CLIENT_TIMEOUT), true, clientErrors);
    for (int i = 0; i < cluster.size(); i++) {
      nodes.add(new KvClient(cluster.nodeUrl(i), PROBE_TIMEOUT));
    }
    this.owners = cluster.replicas() > 0 ? Optional.of(Owners.read(cluster, nodes)) : Optional.empty();
  }

  /**
   * @param name the scenario's name, also its key prefix and result file name (with {@value
   *     #SHARDED_SUFFIX} on a sharded cluster)
   * @param fault what the scenario does, in a sentence, for the report
   * @param resultsDir where {@code <name>.json} and {@code <name>.png} go
   * @param historiesDir where the full history goes as {@code <name>.json} (large; not a result)
   */
  public static ScenarioRun begin(
      ChaosCluster cluster, String name, String fault, Path resultsDir, Path historiesDir) {
    String named = cluster.replicas() > 0 ? name + SHARDED_SUFFIX : name;
    LOG.info("=== scenario {} ({}): {}", named, cluster.mode(), fault);
    return new ScenarioRun(cluster, named, fault, resultsDir, historiesDir);
  }

  /** The name results are written under: the scenario's, with {@value #SHARDED_SUFFIX} when sharded. */
  public String name() {
    return name;
  }

  public History history() {
    return history;
  }

  public ChaosCluster cluster() {
    return cluster;
  }

  // ---- workload and probes

  /** Starts the client threads; a second start uses new process numbers, so values stay unique. */
  public void startWorkload() {
    stopWorkload();
    workload = Workload.start(spec, balancer, 10 * workloadsStarted++);
  }

  public void stopWorkload() {
    if (workload != null) {
      workload.stop();
    }
  }

  /** Keeps going (the workload runs) for {@code d}. */
  public void hold(Duration d) {
    try {
      TimeUnit.MILLISECONDS.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Operations sent to node {@code i} alone, recorded in this history; their errors are counted apart. */
  public Ops direct(int i) {
    return new Ops(history, nodes.get(i), false, probeErrors);
  }

  /** A fresh value for a probe write of this scenario's key {@code k}. */
  public String probeValue() {
    return name + "-probe-" + nextProbeValue++;
  }

  /** A key of this scenario's hot set. */
  public String key(int i) {
    return spec.key(i);
  }

  /**
   * A probe key of this scenario that node {@code i} holds: served by node {@code i} itself, never
   * forwarded (any probe key in full-copy mode).
   */
  public String probeKeyHeldBy(int i) {
    String base = key(0) + "-probe";
    if (owners.isEmpty()) {
      return base;
    }
    for (int n = 0; n < 1000; n++) {
      String key = n == 0 ? base : base + n;
      if (owners.get().of(owners.get().partitionOf(key)).contains(i)) {
        return key;
      }
    }
    throw new IllegalStateException(cluster.nodeId(i) + " holds none of 1000 probe keys' partitions");
  }

  /** A node other than {@code i} that holds {@code key}: the lowest-numbered one. */
  public int otherHolder(String key, int i) {
    List<Integer> holders = owners.map(o -> o.of(o.partitionOf(key))).orElse(null);
    for (int j = 0; j < cluster.size(); j++) {
      if (j != i && (holders == null || holders.contains(j))) {
        return j;
      }
    }
    throw new IllegalStateException("no node but " + cluster.nodeId(i) + " holds " + key);
  }

  /** The process number direct probes of node {@code i} record under. */
  public static int probeProcess(int i) {
    return PROBE_PROCESS_BASE + i;
  }

  /** Client errors through nginx so far, by kind. */
  public Map<String, Long> clientErrors() {
    return clientErrors.snapshot();
  }

  public RunningFault startFault(String faultName, String description) {
    LOG.info("fault {}: {}", faultName, description);
    return history.startFault(faultName, description);
  }

  // ---- measurements

  public void measure(String key, Object value) {
    LOG.info("{}: {} = {}", name, key, value);
    measurements.put(key, value);
  }

  /** Records a scenario expectation; the run passes only if all held and the checker is clean. */
  public boolean expect(String what, boolean held) {
    if (!held) {
      LOG.warn("{}: expectation failed: {}", name, what);
    }
    expectations.put(what, held);
    return held;
  }

  /** Node {@code i}'s /status. */
  public JsonNode status(int i) {
    return nodes.get(i).json("/status");
  }

  public Applied applied(int i) {
    return Applied.parse(status(i).get("applied").asText());
  }

  /** The highest applied positions among every node but {@code except} (-1: all nodes). */
  public Applied clusterApplied(int except) {
    Applied max = new Applied(Map.of());
    for (int i = 0; i < cluster.size(); i++) {
      if (i != except) {
        max = max.max(applied(i));
      }
    }
    return max;
  }

  /** Takes the restarted node {@code i}'s replay figures from its /status and the ready time measured. */
  public void recordReplay(int i, long readyMs) {
    JsonNode status = status(i);
    JsonNode replay = status.get("replay");
    long ms = Math.round(replay.get("seconds").asDouble() * 1000);
    long records = replay.get("records").asLong();
    replayMillis = replayMillis == null ? ms : Math.max(replayMillis, ms);
    recordsReplayed = recordsReplayed == null ? records : Math.max(recordsReplayed, records);
    replayRate = replay.get("rate").asLong();
    readyMillis = readyMillis == null ? readyMs : Math.max(readyMillis, readyMs);
    measure(cluster.nodeId(i) + " replay", replay.get("source").asText() + ", " + records + " records in " + ms
        + " ms, ready " + readyMs + " ms after start, " + (readyMs - ms) + " ms of it not replay"
        + startupSteps(status.get("startup")));
  }

  /** The node's own start-up steps (its /status "startup"), as "; jvm 900 ms, config 80 ms, ...". */
  private static String startupSteps(JsonNode startup) {
    if (startup == null || !startup.isObject()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    startup.fields().forEachRemaining(e -> {
      if (e.getKey().endsWith("_ms") && !e.getKey().equals("total_ms")) {
        sb.append(sb.length() == 0 ? "; node's steps: " : ", ")
            .append(e.getKey().replace("_ms", "")).append(' ').append(e.getValue().asLong()).append(" ms");
      }
    });
    return sb.toString();
  }

  /** The partitions node {@code i} holds: all in full-copy mode. */
  private java.util.function.IntPredicate held(int i) {
    return owners.map(o -> o.heldBy(i)).orElse(p -> true);
  }

  /**
   * Waits until node {@code i} has applied everything {@code target} holds of its partitions; records and returns
   * the time from {@code fromNanos} (a heal) in ms.
   */
  public long awaitCatchUp(int i, Applied target, long fromNanos, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (applied(i).covers(target.only(held(i)))) {
          break;
        }
      } catch (RuntimeException e) {
        // not answering yet (restarting): keep polling
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(cluster.nodeId(i) + " did not catch up with " + target + " within " + timeout);
      }
      hold(Duration.ofMillis(50));
    }
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fromNanos);
    convergeMillis = convergeMillis == null ? ms : Math.max(convergeMillis, ms);
    return ms;
  }

  /** Starts node {@code i}, waits until ready, records the replay; returns ms to ready. */
  public long restartNode(int i, Duration timeout) {
    long t0 = System.nanoTime();
    cluster.startNode(i);
    cluster.awaitNodeReady(i, timeout);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    recordReplay(i, ms);
    return ms;
  }

  // ---- the end

  /**
   * Stops the workload, waits until every node holds the same data, takes the final states, runs
   * the checker and writes {@code <scenario>.json} and {@code <scenario>.png}.
   */
  public ScenarioResult finish() {
    stopWorkload();
    boolean converged = agreedDigest(Duration.ofSeconds(60)).isPresent();
    expect(owners.isEmpty() ? "all nodes reach the same digest and applied positions after healing"
        : "the owners of each partition, all " + cluster.replicas() + " live, reach the same digest and applied"
            + " position after healing", converged);
    List<FinalState> finals = owners.map(this::finalCopies).orElseGet(() -> {
      List<FinalState> all = new ArrayList<>();
      for (int i = 0; i < cluster.size(); i++) {
        all.add(finalState(i));
      }
      return all;
    });
    check = Checker.check(history, finals);
    List<Operation> ops = history.operations();
    Timeline timeline = Timeline.of(history, 250);
    TimelineChart.write(name, timeline, history.faults(), history.originNanos(), resultsDir.resolve(name + ".png"));
    history.writeJson(historiesDir.resolve(name + ".json"));

    long wall = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    long okOps = ops.stream().filter(Operation::isOk).count();
    double spanSeconds = ops.isEmpty() ? 1
        : Math.max(1e-3, (ops.get(ops.size() - 1).completeNanos() - history.originNanos()) / 1e9);
    List<Long> latencies = ops.stream().map(o -> o.completeNanos() - o.invokeNanos()).toList();
    Map<String, Integer> anomalies = new LinkedHashMap<>();
    check.anomalyCounts().forEach((t, n) -> anomalies.put(t.name(), n));
    Map<String, Map<String, Integer>> outcomes = new TreeMap<>();
    check.outcomes().forEach((t, m) -> {
      Map<String, Integer> byOutcome = new TreeMap<>();
      m.forEach((o, n) -> byOutcome.put(o.name(), n));
      outcomes.put(t.name(), byOutcome);
    });
    if (probeErrors.total() > 0) {
      measure("direct probe errors (expected by the scenario)", probeErrors.snapshot());
    }
    measure("expectations", expectations);
    List<String> faults = new ArrayList<>();
    for (FaultEvent f : history.faults()) {
      faults.add(f.describe(history.originNanos()));
    }
    boolean passed = check.ok() && expectations.values().stream().allMatch(Boolean::booleanValue);
    result = new ScenarioResult(
        name, fault, cluster.mode(), passed, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), wall,
        replayMillis, recordsReplayed, replayRate, readyMillis, convergeMillis,
        clientErrors.snapshot(), outcomes,
        round(okOps / spanSeconds),
        round(percentileMillis(latencies, 0.99)),
        round(percentileMillis(latencies, 1.0)),
        check.count(AnomalyType.LOST_WRITE), anomalies, check.unknownPutsSeen(),
        measurements, faults, check.describe());
    result.write(resultsDir.resolve(name + ".json"));
    LOG.info("=== scenario {} {} in {} ms: {}", name, passed ? "passed" : "FAILED", wall, check.describe());
    return result;
  }

  /** Whether the finished run passed: the checker found nothing and every expectation held. */
  public boolean passed() {
    return result != null && result.passed();
  }

  /** The checker's result, after {@link #finish()}. */
  public CheckResult check() {
    return check;
  }

  /** Why the run failed, for an assertion message: failed expectations and the checker report. */
  public String failureReport() {
    StringBuilder sb = new StringBuilder(name).append(":");
    expectations.forEach((what, held) -> {
      if (!held) {
        sb.append("\n  expectation failed: ").append(what);
      }
    });
    sb.append("\n").append(check == null ? "not checked" : check.describe());
    sb.append("\nlogs: ").append(cluster.logDir());
    return sb.toString();
  }

  /**
   * The digest every node holds, once all report the same digest at the same applied positions
   * (the last writes may still be replicating); empty if they do not agree within {@code timeout}.
   */
  public Optional<String> agreedDigest(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      if (owners.isPresent()) {
        Map<Integer, String> disagreeing = new TreeMap<>();
        Optional<String> agreed = agreedByOwners(owners.get(), disagreeing);
        if (agreed.isPresent()) {
          return agreed;
        }
        last = disagreeing.toString();
        hold(Duration.ofMillis(100));
        continue;
      }
      try {
        Map<String, String> seen = new HashMap<>();
        String digest = null;
        for (int i = 0; i < cluster.size(); i++) {
          JsonNode d = nodes.get(i).json("/admin/digest");
          digest = d.get("digest").asText();
          seen.put(cluster.nodeId(i), digest + "@" + d.get("applied").asText());
        }
        if (seen.values().stream().distinct().count() == 1) {
          return Optional.of(digest);
        }
        last = seen.toString();
      } catch (RuntimeException e) {
        last = e.getMessage();
      }
      hold(Duration.ofMillis(100));
    }
    LOG.warn("{}: nodes did not converge within {}: {}", name, timeout, last);
    return Optional.empty();
  }

  /**
   * Sharded: the partitions' digests, {@code "0:<hex>,1:<hex>,..."}, once every owner of each
   * partition answers, holds it, and reports the same digest at the same applied position; empty
   * otherwise, with what disagrees per partition in {@code disagreeing}.
   */
  private Optional<String> agreedByOwners(Owners table, Map<Integer, String> disagreeing) {
    List<JsonNode> docs = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      try {
        docs.add(nodes.get(i).json("/admin/digest"));
      } catch (RuntimeException e) {
        docs.add(null); // a node down: its partitions are not held by all their owners
      }
    }
    StringBuilder agreed = new StringBuilder();
    for (int p = 0; p < table.partitions(); p++) {
      Map<String, String> seen = new TreeMap<>();
      for (int o : table.of(p)) {
        JsonNode doc = docs.get(o);
        JsonNode held = doc == null ? null : doc.get("partitions").get(Integer.toString(p));
        seen.put(cluster.nodeId(o), held == null ? (doc == null ? "down" : "not held")
            : held.get("digest").asText() + "@" + Applied.parse(doc.get("applied").asText()).next().get(p));
      }
      boolean same = seen.values().stream().distinct().count() == 1
          && seen.values().stream().allMatch(v -> v.contains("@"));
      if (!same) {
        disagreeing.put(p, seen.toString());
      }
      agreed.append(p == 0 ? "" : ",").append(p).append(':').append(seen.values().iterator().next());
    }
    return disagreeing.isEmpty() ? Optional.of(agreed.toString()) : Optional.empty();
  }

  /**
   * Sharded: one final state per copy, copy {@code r} reading each key from its partition's
   * {@code r}-th owner directly (an owner serves what it holds itself). The keys are those any node
   * lists, merged over the partitions, and every key the history touched, so a key only one owner
   * still has is not missed. The digest of a copy is its owners' per-partition digests.
   */
  private List<FinalState> finalCopies(Owners table) {
    java.util.Set<String> keys = new java.util.TreeSet<>();
    for (KvClient node : nodes) {
      keys.addAll(node.keys(name + "-"));
    }
    history.operations().forEach(op -> keys.add(op.key()));
    List<JsonNode> digests = new ArrayList<>();
    for (KvClient node : nodes) {
      digests.add(node.json("/admin/digest").get("partitions"));
    }
    List<FinalState> copies = new ArrayList<>();
    for (int r = 0; r < cluster.replicas(); r++) {
      int copy = r;
      List<String> holders = new ArrayList<>();
      StringBuilder digest = new StringBuilder();
      for (int p = 0; p < table.partitions(); p++) {
        int owner = table.of(p).get(copy);
        holders.add(cluster.nodeId(owner));
        JsonNode held = digests.get(owner).get(Integer.toString(p));
        digest.append(p == 0 ? "" : ",").append(p).append(':')
            .append(held == null ? "not held" : held.get("digest").asText());
      }
      Map<String, Versioned> entries = new HashMap<>();
      for (String key : keys) {
        int owner = table.of(table.partitionOf(key)).get(copy);
        read(owner, key).ifPresent(v -> entries.put(key, v));
      }
      // Named by its owner of each partition in turn, e.g. copy1[n1,n3,n2,...].
      copies.add(new FinalState("copy" + (copy + 1) + holders, entries, digest.toString()));
    }
    return copies;
  }

  /** Key {@code key} as node {@code i} holds it, empty when absent. */
  private Optional<Versioned> read(int i, String key) {
    Reply r = nodes.get(i).get(key, ReadMode.DEFAULT, List.of());
    if (r.status() == 200) {
      return Optional.of(new Versioned(r.body(), Position.parse(r.etag())));
    } else if (r.status() != 404) {
      throw new IllegalStateException("reading " + key + " from " + cluster.nodeId(i) + " answered " + r.errorKind());
    }
    return Optional.empty();
  }

  private FinalState finalState(int i) {
    KvClient node = nodes.get(i);
    Map<String, Versioned> entries = new HashMap<>();
    for (String key : node.keys(name + "-")) {
      read(i, key).ifPresent(v -> entries.put(key, v));
    }
    String digest = node.json("/admin/digest").get("digest").asText();
    return new FinalState(cluster.nodeId(i), entries, digest);
  }

  private static double percentileMillis(List<Long> nanos, double q) {
    if (nanos.isEmpty()) {
      return 0;
    }
    long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    int rank = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank))] / 1e6;
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  /** Counts this run's operations that overlap {@code window} and match {@code what}. */
  public long count(FaultEvent window, java.util.function.Predicate<Operation> what) {
    return history.operations().stream()
        .filter(o -> o.completeNanos() >= window.startNanos() && o.invokeNanos() <= window.stopNanos())
        .filter(what)
        .count();
  }

  /** p99 / max latency of the workload's operations overlapping {@code window}, in ms, and how many. */
  public String latencies(FaultEvent window) {
    List<Long> ms = history.operations().stream()
        .filter(op -> op.process() < PROBE_PROCESS_BASE && op.completeNanos() >= window.startNanos()
            && op.invokeNanos() <= window.stopNanos())
        .map(op -> TimeUnit.NANOSECONDS.toMillis(op.completeNanos() - op.invokeNanos())).sorted().toList();
    if (ms.isEmpty()) {
      return "no operation";
    }
    return ms.get(Math.max(0, (int) Math.ceil(ms.size() * 0.99) - 1)) + " / " + ms.get(ms.size() - 1)
        + " (" + ms.size() + " operations)";
  }

  /**
   * The longest time, from just before the fault to the end of its window, during which no write
   * through nginx completed OK: what a client writing continuously would have waited at most.
   */
  public long writeStallMillis(FaultEvent window) {
    long from = window.startNanos() - TimeUnit.SECONDS.toNanos(1);
    List<Long> done = history.operations().stream()
        .filter(op -> op.isWrite() && op.process() < PROBE_PROCESS_BASE && op.isOk())
        .map(Operation::completeNanos)
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

  /** How long {@code d}'s request took, in ms. */
  public static long millis(Ops.Done d) {
    return TimeUnit.NANOSECONDS.toMillis(d.reply().nanos());
  }

  /** Whether {@code op} is an OK operation. */
  public static boolean ok(Operation op) {
    return op.outcome() == Outcome.OK;
  }
}
