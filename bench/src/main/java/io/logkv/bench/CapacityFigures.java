package io.logkv.bench;

import static io.logkv.bench.Report.f;

import io.logkv.cluster.LocalCluster;
import io.logkv.cluster.Nginx;
import io.logkv.cluster.NginxSettings;
import io.logkv.cluster.NodeProcess;
import io.logkv.kafkalocal.FreePorts;
import io.logkv.store.shard.Member;
import io.logkv.store.shard.Membership;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The report's capacity figures: what sharding buys and what it costs, on four nodes, each figure
 * beside the same four nodes as full copies measured in the same run.
 *
 * <p><b>Sharded</b> (N=4, R=2, {@value #PARTITIONS} partitions, every node capped by {@code --max-memory-bytes}): a
 * data set larger than one node's cap is written through nginx and every key read back and
 * compared; each node's bytes come from its /status, beside its cap and beside what the owner
 * table predicts. Then one node, the fullest, is killed and restarted, replaying its partitions of
 * the log (snapshots off). Then the share of requests the nodes forward, for a fixed load through
 * nginx routing each key to an owner (njs) and through a second nginx over the same nodes that
 * balances round robin (the configuration {@code LocalCluster.Builder.nginxRouting(false)}
 * renders). Last, GET and PUT throughput through nginx with wrk.
 *
 * <p><b>Full copy</b> (N=4, no {@code --replicas}, the cap raised so that the data set fits one
 * node): the same data set, the same restart, the same wrk loads.
 *
 * <p><b>Sizing.</b> Rendezvous hashing does not give every node the same number of partitions,
 * and the cluster is full when its fullest node is: 24 partitions over n1..n4 with R=2 give 11,
 * 11, 15 and 11, so the cluster holds only 24/15 = 1.60 caps, not N/R = 2. Of the counts from 4
 * to 64, {@value #PARTITIONS} balances best (17, 16, 17, 16: 33/17 = 1.94 caps; see
 * CapacityDataSetTest); exactly 2 would need every node to own P/2 partitions, which no count up
 * to 64 gives with these member ids. The data set is sized from the owner table and the node's
 * own entry-size estimate: its keys stop where the fullest owner would pass {@value
 * #FULLEST_SHARE} of its cap (the rest is room for one more entry: a node refuses a write when
 * its bytes plus the new entry would pass the cap, overwrite or not). The prediction is exact,
 * and the nodes' /status is checked against it.
 *
 * <p><b>Order.</b> The data set and the restart come before the wrk PUTs, so that the log a
 * restarted node replays holds the same records in both clusters.
 */
final class CapacityFigures {
  static final int NODES = 4;
  static final int REPLICAS = 2;
  /** The best balanced count from 4 to 64 for n1..n4 and R=2 (see the sizing note above). */
  static final int PARTITIONS = 33;
  /**
   * The data set's values: 4 KiB, so that a data set of ~60 MiB is ~15k writes, a minute or two on
   * 2 cores at the ~150-300 acked writes/s a loaded machine gives.
   */
  static final int VALUE_BYTES = 4096;
  /** Keys of 100 B that wrk and the fixed load use, written before the data set. */
  static final int WRK_KEYS = 1_000;
  static final double FULLEST_SHARE = 0.99;
  static final double MAX_TIMES_CAP = 2.0;
  private static final int CONNECTIONS = 64;
  private static final long MIB = 1L << 20;

  static final String CAPACITY = "capacity, sharded (4 nodes, R=2, " + PARTITIONS + " partitions, every node capped): "
      + "a data set larger than one node's cap, written through nginx, every key read back and compared";
  static final String BYTES = "bytes held per node after the data set (/status), sharded, beside its cap";
  static final String GET = "GET 100 B through nginx, 4 nodes, 64 connections (wrk): sharded R=2, nginx routing to "
      + "owners, against full copy, same data set held";
  static final String PUT = "PUT 100 B acked through nginx, 4 nodes, 64 connections (wrk): sharded R=2, nginx routing "
      + "to owners, against full copy, same data set held";
  static final String SHARE_ROUTED = "share of requests the nodes forwarded, sharded, nginx routing each key to an "
      + "owner (njs)";
  static final String SHARE_ROUND_ROBIN = "share of requests the nodes forwarded, sharded, nginx round robin";
  static final String REPLAY = "restart-to-ready of a SIGKILLed node replaying the log (snapshots off), same data "
      + "set: sharded (its fullest node) against full copy";
  static final String REPLAY_RECORDS = "records that restarted node replayed: sharded against full copy";
  /** How the figures are measured, for the report's methods section. */
  static final String METHOD = """
      - Capacity: two clusters of 4 nodes (LocalCluster: one Kafka broker, the nodes, nginx), one after the \
      other, snapshots off; one broker, not three, because both clusters write the same log and 2 cores would \
      otherwise spend the run on Kafka's replication. Sharded: `--replicas 2`, %d partitions, each node \
      `--max-memory-bytes` %s; full copy: no `--replicas`, the cap raised to %s so the same data set fits. The data \
      set (keys `cap-<i>`, %d B values that depend on the key) is sized before any write from the owner table and \
      the node's own entry-size estimate, to fill the fullest sharded node to %.0f%% of its cap; it is written through \
      nginx (the client library with its own owner routing off, %d in flight), then, once every owner holds its keys, \
      every key is read back through nginx and compared byte for byte. Bytes per node are each node's /status. Replay: \
      the fullest node SIGKILLed and restarted, process start to first 200 on /health/ready, and the records it \
      replayed (/status). Forwarded share: a fixed load (%,d requests, 90%% GET, 10%% PUT over the %,d keys of \
      100 B wrk uses, written first) through the owner-routing nginx (njs), then through a second nginx over the \
      same nodes that balances round robin; the nodes' `forwarded_requests` (/status) before and after. GET and PUT \
      throughput: wrk as above over those keys, through each cluster's nginx, after the data set and the restart. \
      `--quick` runs the same steps with a 4 MiB cap. Run the section alone with `logkv-bench.jar capacity`.
      """.formatted(PARTITIONS, mib(Sizes.of(false).capBytes()), mib(Sizes.of(false).fullCopyCapBytes()),
      VALUE_BYTES, 100 * FULLEST_SHARE, DataSetLoad.IN_FLIGHT, Sizes.of(false).shareRequests(), WRK_KEYS);

  /** What a --quick report of every section says in place of these figures. */
  static final String SKIPPED_IN_QUICK = "not run in a --quick report of every section (two 4-node clusters take "
      + "minutes); `java -jar bench/target/logkv-bench.jar capacity --quick` runs its small variant (4 MiB cap)";

  static final List<String> FIGURES = List.of(CAPACITY, BYTES, SHARE_ROUTED, SHARE_ROUND_ROBIN, REPLAY, REPLAY_RECORDS,
      GET, PUT);

  /**
   * What a run writes and how long it may take.
   *
   * @param capBytes each sharded node's {@code --max-memory-bytes}
   * @param shareRequests the fixed load whose forwarded share is measured
   * @param limit bound on each step that sends requests (writing, reading back, the fixed load)
   */
  record Sizes(long capBytes, int shareRequests, Duration limit) {
    /**
     * 32 MiB per node: the data set (~60 MiB, ~15k writes of 4 KiB) is written to both clusters and
     * read back in a few minutes on 2 cores, and is still far larger than what a node holds
     * besides (wrk's keys). Quick: 4 MiB and a tenth of the fixed load.
     */
    static Sizes of(boolean quick) {
      return quick ? new Sizes(4 * MIB, 2_000, Duration.ofMinutes(3)) : new Sizes(32 * MIB, 20_000, Duration.ofMinutes(10));
    }

    /** A full-copy node must hold the whole data set: three times the sharded cap is room enough. */
    long fullCopyCapBytes() {
      return 3 * capBytes;
    }

    /**
     * A node's heap for a cap: 128 MiB for the JVM, Undertow, the producer's buffer in flight (at
     * most 32 MiB) and the consumer's fetches while replaying, plus twice the cap, so that the cap,
     * not the heap, is the limit and the collector has room. 192m for a 32 MiB cap.
     */
    static String heap(long capBytes) {
      return (128 + 2 * capBytes / MIB) + "m";
    }
  }

  private final Report report;
  private final ToolFinder tools;
  private final Path rawDir;
  private final Sizes sizes;
  private final Duration warmup;
  private final Duration measure;
  private final Consumer<String> progress;

  CapacityFigures(Report report, ToolFinder tools, Path out, boolean quick, Duration warmup, Duration measure,
      Consumer<String> progress) {
    this.report = report;
    this.tools = tools;
    this.rawDir = out.resolve("raw");
    this.sizes = Sizes.of(quick);
    this.warmup = warmup;
    this.measure = measure;
    this.progress = progress;
  }

  void run() {
    Optional<Path> nginx = tools.find(Tool.NGINX);
    boolean njs = nginx.isPresent() && tools.find(Tool.NJS).isPresent();
    Wrk wrk = tools.find(Tool.WRK).map(w -> new Wrk(w, rawDir)).orElse(null);
    boolean throughput = wrk != null && njs;

    CapacityDataSet.Placement shardedPlan = plan(REPLICAS);
    long wrkKeysBytes = shardedPlan.onceBytes();
    int keys = CapacityDataSet.size(shardedPlan, VALUE_BYTES, (long) (FULLEST_SHARE * sizes.capBytes()),
        (long) (MAX_TIMES_CAP * sizes.capBytes()), 10_000_000);
    CapacityDataSet.Placement fullPlan = plan(NODES);
    for (int i = 0; i < keys; i++) {
      fullPlan.add(CapacityDataSet.key(i), VALUE_BYTES);
    }

    String heap = Sizes.heap(sizes.capBytes());
    progress.accept(f("sharded: %d nodes, R=%d, %d partitions, --max-memory-bytes %s and -Xmx%s each; the data set: "
            + "%,d keys of %d B, %s as the nodes count it, %s with wrk's keys (%.2fx one node's cap)", NODES, REPLICAS,
        PARTITIONS, mib(sizes.capBytes()), heap, keys, VALUE_BYTES, mib(shardedPlan.onceBytes() - wrkKeysBytes),
        mib(shardedPlan.onceBytes()), (double) shardedPlan.onceBytes() / sizes.capBytes()));
    Run sharded = new Run(true, shardedPlan, keys, sizes.capBytes());
    measure(sharded, Clusters.builder().nodes(NODES).brokers(1).replicas(REPLICAS).partitions(PARTITIONS)
        .nginx(nginx.map(Path::toString).orElse(null)).nginxRouting(njs)
        .nodeJvmOptions(jvm(heap))
        .nodeArgs(List.of("--snapshot-interval", "off", "--max-memory-bytes", Long.toString(sizes.capBytes()))),
        nginx, njs, throughput ? wrk : null);

    String fullHeap = Sizes.heap(sizes.fullCopyCapBytes());
    progress.accept(f("full copy: %d nodes, --max-memory-bytes %s and -Xmx%s each; the same data set", NODES,
        mib(sizes.fullCopyCapBytes()), fullHeap));
    Run full = new Run(false, fullPlan, keys, sizes.fullCopyCapBytes());
    measure(full, Clusters.builder().nodes(NODES).brokers(1).partitions(PARTITIONS)
        .nginx(nginx.map(Path::toString).orElse(null))
        .nodeJvmOptions(jvm(fullHeap))
        .nodeArgs(List.of("--snapshot-interval", "off", "--max-memory-bytes", Long.toString(sizes.fullCopyCapBytes()))),
        nginx, false, throughput ? wrk : null);

    rows(sharded, full, wrkKeysBytes, nginx.isPresent(), njs, wrk != null);
    Map<String, Object> raw = new LinkedHashMap<>();
    raw.put("cap_bytes", sizes.capBytes());
    raw.put("fixed_load_requests", sizes.shareRequests());
    raw.put("step_limit_seconds", sizes.limit().toSeconds());
    raw.put("sharded", sharded.raw());
    raw.put("full_copy", full.raw());
    report.raw("capacity", raw);
  }

  /** The owner table the cluster will have: LocalCluster names its nodes n1..nN, and owners depend on the ids only. */
  static CapacityDataSet.Placement plan(int replicas) {
    List<Member> members = new ArrayList<>();
    for (int i = 1; i <= NODES; i++) {
      members.add(new Member("n" + i, URI.create("http://127.0.0.1:" + (8080 + i))));
    }
    CapacityDataSet.Placement p = new CapacityDataSet.Placement(Membership.of(members, "n1", replicas, PARTITIONS));
    for (int i = 0; i < WRK_KEYS; i++) {
      p.add("k" + i, 100); // wrk's keys, written first
    }
    return p;
  }

  private static List<String> jvm(String heap) {
    return List.of("-Xms" + heap, "-Xmx" + heap, "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError");
  }

  /**
   * One cluster's steps. A step that fails is kept in the run, and its rows say so (INVALID); the
   * steps after it still run, except when the cluster itself fails.
   */
  private void measure(Run run, LocalCluster.Builder builder, Optional<Path> nginxBinary, boolean routed, Wrk wrk) {
    try (LocalCluster cluster = builder.build().start()) {
      checkOwners(cluster.membership(), run.plan);
      String entry = cluster.nginx().map(Nginx::url).orElse(cluster.node(0).url());
      progress.accept(f("  %,d keys of 100 B for wrk", WRK_KEYS));
      DataSetLoad.Writes filled = DataSetLoad.fill(entry, WRK_KEYS, 100, sizes.limit());
      if (!filled.complete()) {
        throw new IllegalStateException("wrk's keys: " + filled.problems());
      }
      run.dataFailure = step(() -> dataSet(run, cluster, entry));
      run.replayFailure = step(() -> replay(run, cluster));
      if (run.sharded && nginxBinary.isPresent()) {
        run.shareFailure = step(() -> shares(run, cluster, nginxBinary.get(), routed));
      }
      if (wrk != null) {
        String name = run.sharded ? "sharded" : "full-copy";
        run.wrkFailure = step(() -> {
          run.get = wrk(wrk, "capacity-get-100B-" + name, Wrk.Load.get(entry, "/keys/k", WRK_KEYS, CONNECTIONS));
          run.put = wrk(wrk, "capacity-put-100B-" + name,
              Wrk.Load.put(entry, "/keys/k", WRK_KEYS, 100, CONNECTIONS));
        });
      }
    } catch (RuntimeException e) {
      run.failure = brief(e);
    }
  }

  /** Null when {@code step} completes; else its failure, in brief. */
  private String step(Runnable step) {
    try {
      step.run();
      return null;
    } catch (RuntimeException e) {
      return brief(e);
    }
  }

  private void dataSet(Run run, LocalCluster cluster, String entry) {
    progress.accept(f("  writing the data set through %s: %,d keys of %d B", entry, run.keys, VALUE_BYTES));
    run.writes = DataSetLoad.write(entry, run.keys, VALUE_BYTES, sizes.limit());
    progress.accept(f("  written in %.1f s (%,.0f/s, %,d tries again after a failure)%s", run.writes.seconds(),
        run.keys / run.writes.seconds(), run.writes.retried(), run.writes.complete() ? "" : ": " + run.writes.problems()));
    if (!run.writes.complete()) {
      return;
    }
    // Every owner applies every key before the read-back, so that a read finds it on either owner.
    run.heldFailure = awaitHeld(cluster, run.plan, sizes.limit());
    if (run.heldFailure != null) {
      return;
    }
    progress.accept(f("  reading back and comparing %,d keys", run.keys));
    run.readback = DataSetLoad.read(entry, run.keys, VALUE_BYTES, sizes.limit());
    progress.accept(f("  read back in %.1f s: %,d intact%s", run.readback.seconds(), run.readback.intact(),
        run.readback.allIntact() ? "" : "; " + run.readback.problems()));
    run.held = statuses(cluster);
    for (NodeStatus s : run.held) {
      progress.accept(f("  %s: %,d keys, %s of its cap %s, %d partitions", s.nodeId(), s.keys(), mib(s.bytes()),
          mib(s.maxMemoryBytes()), s.ownedPartitions().size()));
    }
  }

  /** Null once every node holds the keys the owner table gives it; else what was missing at the deadline. */
  private static String awaitHeld(LocalCluster cluster, CapacityDataSet.Placement plan, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      List<String> behind = new ArrayList<>();
      for (NodeProcess n : cluster.nodes()) {
        long held = NodeStatus.fetch(n.url()).keys();
        if (held != plan.keys(n.id())) {
          behind.add(f("%s holds %,d keys, not %,d", n.id(), held, plan.keys(n.id())));
        }
      }
      if (behind.isEmpty()) {
        return null;
      }
      if (System.nanoTime() > deadline) {
        return String.join("; ", behind) + f(" after %d s", limit.toSeconds());
      }
      LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
    }
  }

  /** Kills the fullest node and starts it again: process start to its first 200 on /health/ready. */
  private void replay(Run run, LocalCluster cluster) {
    String victim = run.plan.fullest();
    NodeProcess node = cluster.nodes().stream().filter(n -> n.id().equals(victim)).findFirst().orElseThrow();
    long heldBefore = NodeStatus.fetch(node.url()).keys();
    progress.accept(f("  SIGKILL %s (%d of %d partitions), restart, replay from the log", victim,
        run.plan.partitions(victim), PARTITIONS));
    node.kill();
    long start = System.nanoTime();
    node.start();
    long deadline = start + Duration.ofMinutes(5).toNanos();
    while (!node.isReady()) {
      if (!node.isAlive()) {
        throw new IllegalStateException(victim + " exited while replaying; its log: " + node.process().logFile());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(victim + " not ready 5 minutes after its restart; its log: "
            + node.process().logFile());
      }
      LockSupport.parkNanos(Duration.ofMillis(10).toNanos()); // polled as StartBench polls
    }
    run.replaySeconds = (System.nanoTime() - start) / 1e9;
    run.replayed = NodeStatus.fetch(node.url());
    run.replayVictim = victim;
    progress.accept(f("  %s ready in %.2f s: replayed %,d records in %.2f s (from the %s), holds %,d keys", victim,
        run.replaySeconds, run.replayed.replayRecords(), run.replayed.replaySeconds(), run.replayed.replaySource(),
        run.replayed.keys()));
    if (run.replayed.keys() != heldBefore) {
      throw new IllegalStateException(f("%s holds %,d keys after its restart, not the %,d it held before", victim,
          run.replayed.keys(), heldBefore));
    } else if (!"log".equals(run.replayed.replaySource())) {
      throw new IllegalStateException(f("%s started from its %s, not from the log", victim,
          run.replayed.replaySource()));
    }
  }

  /** The same fixed load through the owner-routing nginx, then through a round-robin nginx over the same nodes. */
  private void shares(Run run, LocalCluster cluster, Path nginxBinary, boolean routed) {
    if (routed) {
      run.routed = share(cluster, cluster.url(), "nginx routing to owners");
    }
    Path prefix = cluster.dataDir().resolve("nginx-round-robin");
    List<Integer> ports = cluster.nodes().stream().map(NodeProcess::port).toList();
    try (Nginx roundRobin = new Nginx(nginxBinary, FreePorts.next(), ports, NginxSettings.defaults(), prefix,
        prefix.resolve("logs"))) {
      roundRobin.start(Duration.ofSeconds(30));
      run.roundRobin = share(cluster, roundRobin.url(), "nginx round robin");
    }
  }

  private Share share(LocalCluster cluster, String url, String what) {
    progress.accept(f("  %,d requests (90%% GET, 10%% PUT) through %s", sizes.shareRequests(), what));
    List<NodeStatus> before = statuses(cluster);
    DataSetLoad.Mixed load = DataSetLoad.mixed(url, sizes.shareRequests(), WRK_KEYS, 100, sizes.limit());
    List<NodeStatus> after = statuses(cluster);
    long forwarded = Math.round(NodeStatus.forwardedShare(before, after, load.sent()) * load.sent());
    progress.accept(f("  %s: %,d of %,d sent (%,d sent again after a failure) forwarded by the nodes%s", what,
        forwarded, load.sent(), load.retried(), load.clean() ? "" : "; " + load.problems()));
    return new Share(load, forwarded);
  }

  private static List<NodeStatus> statuses(LocalCluster cluster) {
    return cluster.nodes().stream().map(n -> NodeStatus.fetch(n.url())).toList();
  }

  /** The cluster's owners must be those the data set was sized for. */
  private static void checkOwners(Membership actual, CapacityDataSet.Placement plan) {
    for (Member m : actual.members()) {
      long owned = 0;
      for (int p = 0; p < actual.partitions(); p++) {
        if (actual.owners(p).contains(m)) {
          owned++;
        }
      }
      if (owned != plan.partitions(m.id())) {
        throw new IllegalStateException(f("%s owns %d partitions, the data set was sized for %d", m.id(), owned,
            plan.partitions(m.id())));
      }
    }
  }

  // ---- rows

  private void rows(Run s, Run full, long wrkKeysBytes, boolean nginx, boolean njs, boolean wrk) {
    capacityRows(s, full, wrkKeysBytes, nginx, njs);
    shareRows(s, nginx, njs);
    replayRows(s, full);
    throughputRows(s, full, wrk, nginx, njs);
  }

  private void capacityRows(Run s, Run full, long wrkKeysBytes, boolean nginx, boolean njs) {
    String target = "> 1x one node's cap, every key intact";
    String dataProblem = s.failure != null ? s.failure
        : s.dataFailure != null ? s.dataFailure
        : s.writes == null ? "not written"
        : !s.writes.complete() ? s.writes.problems()
        : s.heldFailure != null ? s.heldFailure
        : !s.readback.allIntact() ? s.readback.problems()
        : null;
    double times = (double) s.plan.onceBytes() / sizes.capBytes();
    if (!nginx) {
      report.notRun(CAPACITY, tools.missing(Tool.NGINX), target);
    } else if (dataProblem != null) {
      report.invalid(CAPACITY, dataProblem, target);
    } else {
      report.add(CAPACITY,
          f("%s held once (data set %s: %,d keys of %d B values, written in %.0f s%s%s, + wrk's keys %s); all %,d "
                  + "read back intact (%.0f s): 0 mismatched, 0 missing",
              mib(s.plan.onceBytes()), mib(s.plan.onceBytes() - wrkKeysBytes), s.keys, VALUE_BYTES, s.writes.seconds(),
              s.writes.retried() == 0 ? "" : f(", %,d sent again after a 503 or timeout", s.writes.retried()),
              njs ? "" : ", round robin, the nodes forwarding: no njs module", mib(wrkKeysBytes), s.keys,
              s.readback.seconds()),
          f("one node's cap %s: the most a full-copy cluster of any size holds; with %d partitions the fullest "
              + "node owns %d, so the most this cluster holds is %d/%d = %.2f caps", mib(sizes.capBytes()), PARTITIONS,
              s.plan.mostPartitions(), PARTITIONS, s.plan.mostPartitions(),
              (double) PARTITIONS / s.plan.mostPartitions()),
          times, target, times > 1);
    }
    if (dataProblem != null || s.held == null) {
      report.invalid(BYTES, dataProblem != null ? dataProblem : "no /status read", "");
      return;
    }
    List<String> nodes = new ArrayList<>();
    List<String> predicted = new ArrayList<>();
    long total = 0;
    boolean underCaps = true;
    boolean asPredicted = true;
    for (NodeStatus n : s.held) {
      nodes.add(f("%s %s (%.0f%%, %d partitions)", n.nodeId(), mib(n.bytes()), 100.0 * n.bytes() / n.maxMemoryBytes(),
          n.ownedPartitions().size()));
      predicted.add(f("%s %s", n.nodeId(), mib(s.plan.bytes(n.nodeId()))));
      total += n.bytes();
      underCaps &= n.bytes() <= n.maxMemoryBytes();
      asPredicted &= n.bytes() == s.plan.bytes(n.nodeId());
    }
    String fullHeld = full.held == null ? "" : f("; full copy, same data set: %s on every node",
        mib(full.held.get(0).bytes()));
    double copies = (double) total / s.plan.onceBytes();
    report.add(new Report.Row(BYTES,
        String.join(", ", nodes) + f("; total %s", mib(total)),
        f("cap %s each; the owner table predicts %s%s", mib(sizes.capBytes()), String.join(", ", predicted), fullHeld),
        f("%.2f copies", copies), f("%d copies of the data set, no node above its cap, as predicted", REPLICAS),
        Report.met(underCaps && asPredicted && Math.abs(copies - REPLICAS) < 0.01)));
  }

  private void shareRows(Run s, boolean nginx, boolean njs) {
    String problem = s.failure != null ? s.failure : s.shareFailure;
    if (!nginx || !njs) {
      report.notRun(SHARE_ROUTED, tools.missing(Tool.NGINX, Tool.NJS), "< 1%");
    } else if (problem != null || s.routed == null) {
      report.invalid(SHARE_ROUTED, problem != null ? problem : "not measured", "< 1%");
    } else if (!s.routed.load().clean()) {
      report.invalid(SHARE_ROUTED, s.routed.load().problems(), "< 1%");
    } else {
      double share = s.routed.share();
      report.add(new Report.Row(SHARE_ROUTED, f("%.2f%% (%s)", 100 * share, s.routed.describe()),
          "0: nginx sends each key to one of its owners", "",
          "< 1%", Report.met(share < 0.01)));
    }
    if (!nginx) {
      report.notRun(SHARE_ROUND_ROBIN, tools.missing(Tool.NGINX), "");
    } else if (problem != null || s.roundRobin == null) {
      report.invalid(SHARE_ROUND_ROBIN, problem != null ? problem : "not measured", "");
    } else if (!s.roundRobin.load().clean()) {
      report.invalid(SHARE_ROUND_ROBIN, s.roundRobin.load().problems(), "");
    } else {
      report.add(new Report.Row(SHARE_ROUND_ROBIN, f("%.1f%% (%s)", 100 * s.roundRobin.share(), s.roundRobin.describe()),
          f("expected 1 - R/N = %.0f%%: a request lands on one of its key's owners R times in N",
              100.0 * (1 - (double) REPLICAS / NODES)), "", "(the cost without owner routing, measured)", ""));
    }
  }

  private void replayRows(Run s, Run full) {
    String problem = s.replayProblem() != null ? "sharded: " + s.replayProblem()
        : full.replayProblem() != null ? "full copy: " + full.replayProblem()
        : null;
    long owned = s.replayVictim == null ? 0 : s.plan.partitions(s.replayVictim);
    double expected = (double) owned / PARTITIONS;
    String recordsTarget = f("its partitions' share of the log (%d/%d = %.2fx, within 10%%)", owned, PARTITIONS, expected);
    if (problem != null) {
      report.invalid(REPLAY, problem, "");
      report.invalid(REPLAY_RECORDS, problem, recordsTarget);
      return;
    }
    report.add(new Report.Row(REPLAY,
        f("%.2f s (%s, %d of %d partitions: replay %.2f s, %,d records, %,d keys)", s.replaySeconds, s.replayVictim, owned,
            PARTITIONS, s.replayed.replaySeconds(), s.replayed.replayRecords(), s.replayed.keys()),
        f("full copy (%s): %.2f s (replay %.2f s, %,d records, %,d keys)", full.replayVictim, full.replaySeconds,
            full.replayed.replaySeconds(), full.replayed.replayRecords(), full.replayed.keys()),
        Report.ratio(s.replaySeconds / full.replaySeconds), "(measured)", ""));
    double ratio = (double) s.replayed.replayRecords() / full.replayed.replayRecords();
    report.add(REPLAY_RECORDS, f("%,d records", s.replayed.replayRecords()),
        f("full copy: %,d records", full.replayed.replayRecords()), ratio, recordsTarget,
        Math.abs(ratio - expected) <= 0.1 * expected);
  }

  private void throughputRows(Run s, Run full, boolean wrk, boolean nginx, boolean njs) {
    if (!wrk || !nginx || !njs) {
      report.notRun(GET, tools.missing(Tool.WRK, Tool.NGINX, Tool.NJS), "");
      report.notRun(PUT, tools.missing(Tool.WRK, Tool.NGINX, Tool.NJS), "");
      return;
    }
    throughputRow(GET, s, full, s.get, full.get, "req");
    throughputRow(PUT, s, full, s.put, full.put, "writes");
  }

  private void throughputRow(String figure, Run s, Run full, Wrk.Result sharded, Wrk.Result copy, String unit) {
    String target = "(the cost, measured)";
    if (sharded == null || copy == null) {
      Run missing = sharded == null ? s : full;
      String why = missing.failure != null ? missing.failure : missing.wrkFailure != null ? missing.wrkFailure
          : "not measured";
      report.invalid(figure, (sharded == null ? "sharded: " : "full copy: ") + why, target);
      return;
    }
    for (Wrk.Result r : List.of(sharded, copy)) {
      if (!r.clean()) {
        report.invalid(figure, "wrk " + r.name() + ": " + r.problems() + " (raw/wrk-" + r.name() + ".txt)", target);
        return;
      }
    }
    report.add(new Report.Row(figure,
        f("%,.0f %s/s (p50 %.2f, p99 %.2f ms)", sharded.requestsPerSecond(), unit, sharded.latencyMs("p50"),
            sharded.latencyMs("p99")),
        f("full copy: %,.0f %s/s (p50 %.2f, p99 %.2f ms)", copy.requestsPerSecond(), unit, copy.latencyMs("p50"),
            copy.latencyMs("p99")),
        Report.ratio(sharded.requestsPerSecond() / copy.requestsPerSecond()), target, ""));
  }

  private Wrk.Result wrk(Wrk wrk, String name, Wrk.Load load) {
    return HttpFigures.measured(wrk, name, load, warmup, measure, report, progress);
  }

  private String brief(Exception e) {
    progress.accept("  " + e);
    String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("").replace('|', '/');
    return first.length() > 200 ? first.substring(0, 200) + "..." : first;
  }

  static String mib(long bytes) {
    return f("%.1f MiB", bytes / (double) MIB);
  }

  /** A fixed load's outcome and how many of its requests the nodes forwarded. */
  record Share(DataSetLoad.Mixed load, long forwarded) {
    double share() {
      return (double) forwarded / load.sent();
    }

    String describe() {
      return f("%,d of %,d requests sent: 90%% GET, 10%% PUT%s", forwarded, load.sent(),
          load.retried() == 0 ? "" : f(", %,d of them sent again after a 503 or timeout", load.retried()));
    }
  }

  /** What one cluster measured; a null field was not reached (see the failures). */
  private static final class Run {
    final boolean sharded;
    final CapacityDataSet.Placement plan;
    final int keys;
    final long capBytes;
    String failure;
    String dataFailure;
    String shareFailure;
    String wrkFailure;
    DataSetLoad.Writes writes;
    String heldFailure;
    DataSetLoad.Readback readback;
    List<NodeStatus> held;
    String replayVictim;
    double replaySeconds;
    NodeStatus replayed;
    String replayFailure;
    Share routed;
    Share roundRobin;
    Wrk.Result get;
    Wrk.Result put;

    Run(boolean sharded, CapacityDataSet.Placement plan, int keys, long capBytes) {
      this.sharded = sharded;
      this.plan = plan;
      this.keys = keys;
      this.capBytes = capBytes;
    }

    String replayProblem() {
      return failure != null ? failure : replayFailure != null ? replayFailure : replayed == null ? "not measured" : null;
    }

    Map<String, Object> raw() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("nodes", NODES);
      m.put("replicas", sharded ? REPLICAS : NODES);
      m.put("partitions", PARTITIONS);
      m.put("max_memory_bytes", capBytes);
      m.put("data_set_keys", keys);
      m.put("value_bytes", VALUE_BYTES);
      m.put("data_set_bytes_once", plan.onceBytes());
      Map<String, Object> predicted = new LinkedHashMap<>();
      for (String id : plan.memberIds()) {
        predicted.put(id, Map.of("keys", plan.keys(id), "bytes", plan.bytes(id), "partitions", plan.partitions(id)));
      }
      m.put("predicted", predicted);
      m.put("failure", failure);
      m.put("data_failure", dataFailure);
      m.put("share_failure", shareFailure);
      m.put("wrk_failure", wrkFailure);
      m.put("writes", writes);
      m.put("held_failure", heldFailure);
      m.put("readback", readback);
      m.put("held", held);
      m.put("replay_node", replayVictim);
      m.put("replay_start_to_ready_seconds", replaySeconds);
      m.put("replayed", replayed);
      m.put("replay_failure", replayFailure);
      m.put("forwarded_routed", routed);
      m.put("forwarded_round_robin", roundRobin);
      return m;
    }
  }
}
