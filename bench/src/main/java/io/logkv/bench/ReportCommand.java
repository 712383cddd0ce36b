package io.logkv.bench;

import static io.logkv.bench.Report.f;

import io.logkv.bench.report.Plots;
import io.logkv.cluster.LocalCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs every benchmark and writes results/bench: REPORT.md (a table of figures, each beside its
 * peer or ceiling measured in the same run, with the ratio and the target, met or not), the raw
 * JSON, the tools' raw output, the .hgrm latency files and PNG plots. Nothing in the report is
 * typed by hand. An external tool that is missing (wrk, nginx, redis-server, redis-benchmark)
 * turns its figures into "NOT RUN" rows naming the install command.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Runs the JMH and end-to-end benchmarks and writes REPORT.md, JSON, .hgrm and PNG files.")
final class ReportCommand implements Callable<Integer> {
  /** Parts of the report, for --only. */
  enum Section { jmh, http, lag, replay, capacity }

  @Option(names = "--out", defaultValue = "results/bench", description = "Output directory. Default: ${DEFAULT-VALUE}.")
  Path out;

  @Option(names = "--quick", description = "Short runs and small sizes: a smoke test of the whole report, not figures to quote.")
  boolean quick;

  @Option(names = "--duration", defaultValue = "10", description = "Seconds per HTTP measurement. Default: ${DEFAULT-VALUE}.")
  int seconds;

  @Option(names = "--only", split = ",", paramLabel = "SECTION",
      description = "Run only these sections (${COMPLETION-CANDIDATES}); the report says which were left out. Default: all.")
  EnumSet<Section> only = EnumSet.allOf(Section.class);

  /** Where external tools are looked up; tests point it elsewhere. */
  ToolFinder tools = ToolFinder.forThisMachine();

  private final long started = System.nanoTime();
  private Report report;

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(out);
    report = new Report(this::progress);
    Duration measure = Duration.ofSeconds(quick ? 2 : seconds);
    Duration warmup = Duration.ofSeconds(quick ? 1 : 3);
    String loadAtStart = Machine.loadAverage();
    String machine = Machine.describe(tools);

    List<JmhBench.Row> jmh = List.of();
    if (only.contains(Section.jmh)) {
      progress("JMH: cache core, record format, apply loop");
      jmh = JmhBench.run(out.resolve("jmh.json"), quick);
      cacheRows(jmh);
    }
    if (only.contains(Section.http)) {
      progress("HTTP: wrk, Redis, Kafka's tools, the nginx ceilings, the constant-rate client, start to ready");
      new HttpFigures(report, tools, out, quick, warmup, measure, this::progress).run();
    }
    if (only.contains(Section.lag)) {
      progress("replication lag on two nodes at 10k writes/s");
      lag(measure, warmup);
    }
    if (only.contains(Section.replay)) {
      progress("replay: restart-to-ready against live keys");
      replay();
    }
    if (only.contains(Section.capacity) && quick && everySection()) {
      // Two 4-node clusters take minutes to start and fill even with a 4 MiB cap: the whole quick
      // report (ReportCommandIT) stays short, and the section's own quick run is one command away.
      progress("capacity: skipped in a --quick report of every section; `capacity --quick` runs its small variant");
      for (String figure : CapacityFigures.FIGURES) {
        report.skipped(figure, CapacityFigures.SKIPPED_IN_QUICK);
      }
    } else if (only.contains(Section.capacity)) {
      progress("capacity: 4 nodes sharded (R=2, each capped) against 4 full copies");
      new CapacityFigures(report, tools, out, quick, warmup, measure, this::progress).run();
    }

    writeReport(machine, loadAtStart, jmh);
    Results.writeJson(out.resolve("report.json"), report.raw());
    progress("done: " + out.resolve("REPORT.md"));
    for (String s : report.notRun()) {
      progress("NOT RUN " + s);
    }
    for (String s : report.invalid()) {
      progress("INVALID " + s);
    }
    return 0;
  }

  private void cacheRows(List<JmhBench.Row> jmh) {
    for (String method : List.of("get_2threads", "get_1thread", "put_1thread", "writerAndReaders:reader",
        "writerAndReaders:writer")) {
      for (String ttl : List.of("true", "false")) {
        Optional<JmhBench.Row> logkv = find(jmh, "CacheBenchmark." + method, "logkv", ttl);
        Optional<JmhBench.Row> chm = find(jmh, "CacheBenchmark." + method, "chm", ttl);
        if (logkv.isEmpty() || chm.isEmpty()) {
          continue;
        }
        double ratio = logkv.get().score() / chm.get().score();
        boolean targeted = method.equals("get_2threads") && ttl.equals("true");
        String shape = method.startsWith("writerAndReaders:")
            ? method.substring(method.indexOf(':') + 1) + "s' side, one writer beside one reader"
            : method.replace("_", ", ");
        report.add(new Report.Row("cache " + shape + ", TTL " + (ttl.equals("true") ? "on" : "off"),
            f("%.1f M ops/s", logkv.get().score()), f("ConcurrentHashMap %.1f M ops/s", chm.get().score()),
            Report.ratio(ratio), targeted ? ">= 0.9x" : "", targeted ? Report.met(ratio >= 0.9) : ""));
      }
    }
    Optional<JmhBench.Row> apply = find(jmh, "ApplyBenchmark.applyAll", "logkv", null);
    Optional<JmhBench.Row> hashmap = find(jmh, "ApplyBenchmark.applyAll", "hashmap", null);
    if (apply.isPresent() && hashmap.isPresent()) {
      report.add(new Report.Row("apply loop, records into the map (no Kafka)", f("%.2f M records/s", apply.get().score() / 1e6),
          f("HashMap put %.2f M records/s", hashmap.get().score() / 1e6),
          Report.ratio(apply.get().score() / hashmap.get().score()), "", ""));
    }
  }

  private static Optional<JmhBench.Row> find(List<JmhBench.Row> rows, String benchmark, String impl, String ttl) {
    return rows.stream()
        .filter(r -> r.benchmark().equals(benchmark) && r.param("impl").equals(impl) && (ttl == null || r.param("ttl").equals(ttl)))
        .findFirst();
  }

  private void lag(Duration measure, Duration warmup) throws Exception {
    // Two nodes: the writer and one replica. Three nodes, the broker and the load tool at 10k
    // writes/s saturate two cores, and then the figure is the queue, not the lag.
    try (LocalCluster cluster = Clusters.builder().nodes(2).nginx(null)
        .nodeArgs(List.of("--snapshot-interval", "off")).build().start()) {
      LagBench.Result r = LagBench.run(cluster, 10_000, warmup, measure.plusSeconds(5), 10);
      Results.writeHgrm(out.resolve("raw").resolve("lag.hgrm"), r.lag());
      Results.writeHgrm(out.resolve("raw").resolve("lag-probe-round-trip.hgrm"), r.probeRoundTrip());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("samples", r.samples());
      m.put("probe_failures", r.probeFailures());
      m.put("lag_ms", Results.percentiles(r.lag()));
      m.put("probe_round_trip_ms", Results.percentiles(r.probeRoundTrip()));
      m.put("writes", Results.summary("lag-writes-10k", r.writes()));
      report.raw("lag", m);
      double p99 = r.lag().getValueAtPercentile(99) / 1e6;
      report.add(new Report.Row("replication lag at 10k writes/s, ack on n1 to visible on n2",
          f("p99 %.2f ms (p50 %.2f, p99.9 %.2f; %,d samples)", p99, r.lag().getValueAtPercentile(50) / 1e6,
              r.lag().getValueAtPercentile(99.9) / 1e6, r.samples()),
          f("probe round trip alone p50 %.2f ms; writes %,.0f/s", r.probeRoundTrip().getValueAtPercentile(50) / 1e6,
              r.writes().throughput()),
          "", "p99 <= 5 ms", Report.met(p99 <= 5 && r.probeFailures() == 0)));
      Map<String, TreeMap<Double, Double>> curves = new LinkedHashMap<>();
      curves.put("lag: ack on n1 to visible on n2", Plots.curve(r.lag()));
      curves.put("probe round trip for an applied position", Plots.curve(r.probeRoundTrip()));
      Plots.percentiles(out.resolve("lag.png"), "Replication lag at 10k writes/s", curves);
    }
  }

  private void replay() throws Exception {
    List<Long> sizes = quick ? List.of(2_000L, 20_000L) : List.of(10_000L, 100_000L, 1_000_000L);
    List<ReplayBench.Point> points = new ArrayList<>();
    for (long keys : sizes) {
      points.add(ReplayBench.measure(keys, 1, true, m -> progress("  " + m)));
    }
    long historyKeys = sizes.get(sizes.size() - 1);
    ReplayBench.Point history = ReplayBench.measure(historyKeys, 10, false, m -> progress("  " + m));
    report.raw("replay", points);
    report.raw("replay_history", history);

    ReplayBench.Point largest = points.get(points.size() - 1);
    boolean full = largest.keys() >= 1_000_000;
    double ratio = largest.nodeReplayRate() / largest.rawConsumerRate();
    report.add(f("replay rate, %,d keys from the log", largest.keys()), f("%,.0f records/s", largest.nodeReplayRate()),
        f("stock consumer into a HashMap %,.0f records/s", largest.rawConsumerRate()), ratio, ">= 0.8x", ratio >= 0.8);
    report.add(new Report.Row(f("restart-to-ready, %,d keys, from the log", largest.keys()),
        f("%.2f s", largest.fromLogReadySeconds()),
        f("stock consumer, creation to last record %.2f s", largest.rawConsumerTotalSeconds()), "",
        full ? "<= 3 s" : "", full ? Report.met(largest.fromLogReadySeconds() <= 3) : ""));
    report.add(new Report.Row(f("restart-to-ready, %,d keys, from a snapshot", largest.keys()),
        f("%.2f s", largest.fromSnapshotReadySeconds()), f("snapshot %,d bytes", largest.snapshotBytes()), "",
        full ? "<= 1.5 s" : "", full ? Report.met(largest.fromSnapshotReadySeconds() <= 1.5) : ""));
    double historyRatio = history.fromSnapshotReadySeconds() / largest.fromSnapshotReadySeconds();
    report.add(f("restart-to-ready from a snapshot, %,d keys with %,d records of history", history.keys(), history.records()),
        f("%.2f s", history.fromSnapshotReadySeconds()),
        f("with %,d records: %.2f s", largest.records(), largest.fromSnapshotReadySeconds()),
        historyRatio, "not slower (<= 1.0x, noise aside)", historyRatio <= 1.1);

    List<Double> x = new ArrayList<>();
    Map<String, List<Double>> series = new LinkedHashMap<>();
    series.put("node restart-to-ready, from the log", new ArrayList<>());
    series.put("node restart-to-ready, from a snapshot", new ArrayList<>());
    series.put("stock consumer into a HashMap (no JVM start)", new ArrayList<>());
    for (ReplayBench.Point p : points) {
      x.add((double) p.keys());
      series.get("node restart-to-ready, from the log").add(p.fromLogReadySeconds());
      series.get("node restart-to-ready, from a snapshot").add(p.fromSnapshotReadySeconds());
      series.get("stock consumer into a HashMap (no JVM start)").add(p.rawConsumerTotalSeconds());
    }
    Plots.lines(out.resolve("replay.png"), "Restart-to-ready against live keys (100-byte values)", "live keys (log scale)",
        "seconds", x, series);
  }

  private boolean everySection() {
    return only.equals(EnumSet.allOf(Section.class));
  }

  private String command() {
    StringBuilder c = new StringBuilder("java -jar bench/target/logkv-bench.jar report");
    if (quick) {
      c.append(" --quick");
    } else if (seconds != 10) {
      c.append(" --duration ").append(seconds);
    }
    if (!only.equals(EnumSet.allOf(Section.class))) {
      c.append(" --only ").append(String.join(",", only.stream().map(Enum::name).toList()));
    }
    return c.toString();
  }

  private void writeReport(String machine, String loadAtStart, List<JmhBench.Row> jmh) throws Exception {
    StringBuilder md = new StringBuilder();
    md.append("# logkv benchmark report\n\n");
    md.append("Produced by `").append(command()).append("` on ").append(Instant.now()).append(" in ")
        .append(f("%.0f s", (System.nanoTime() - started) / 1e9)).append(". Every ratio compares two figures ")
        .append("measured in this same run on this same machine. Targets are goals for the code, not assertions in tests.\n\n");
    if (quick) {
      md.append("**Quick mode: short runs and small sizes. A smoke test of the report, not figures to quote.**\n\n");
    }
    if (!only.equals(EnumSet.allOf(Section.class))) {
      md.append("**Only these sections were run: ").append(only).append(".**\n\n");
    }
    md.append("## Machine\n\n").append(machine)
        .append("- load average (1 min): ").append(loadAtStart).append(" at the start, ").append(Machine.loadAverage())
        .append(" at the end\n")
        .append("- nodes run from: ").append(Clusters.nodeRuntime()).append("\n\n");
    if (!report.notRun().isEmpty() || !report.invalid().isEmpty() || !report.skipped().isEmpty()) {
      md.append("## Not measured\n\n");
      for (String s : report.skipped()) {
        md.append("- SKIPPED ").append(s).append("\n");
      }
      for (String s : report.notRun()) {
        md.append("- ").append(s).append("\n");
      }
      for (String s : report.invalid()) {
        md.append("- INVALID ").append(s).append("\n");
      }
      md.append("\n");
    }
    md.append("## Figures\n\n");
    md.append(report.table()).append("\n");
    for (String png : List.of("latency-percentiles.png", "replay.png", "lag.png")) {
      if (Files.exists(out.resolve(png))) {
        md.append("![").append(png.replace(".png", "").replace('-', ' ')).append("](").append(png).append(")\n\n");
      }
    }
    if (!jmh.isEmpty()) {
      md.append("## JMH (all results)\n\n| benchmark | params | score | error | unit |\n|---|---|---|---|---|\n");
      for (JmhBench.Row r : jmh) {
        md.append(f("| %s | %s | %.3f | %.3f | %s |%n", r.benchmark(), r.params(), r.score(), r.error(), r.unit()));
      }
      md.append("\n");
    }
    md.append("## How each figure is measured\n\n").append(METHODS);
    Files.writeString(out.resolve("REPORT.md"), md.toString(), StandardCharsets.UTF_8);
  }

  private static final String METHODS = """
      - Closed-model HTTP throughput and latency: wrk, one thread, keep-alive, one request in flight per connection \
      (`wrk -t1 -c<N> -d<s>s --latency --timeout 10s -s wrk-logkv.lua`), after a warm-up run that is not counted. The \
      script sends request n to key n mod 10,000 (the keys written before), with a body for PUTs, and counts PUT answers \
      by status (a 202 means durable in Kafka but not yet applied on the node). A run with socket errors or answers \
      >= 400 is shown as INVALID, never quoted. wrk's latency is from send to answer, with wrk's own correction for \
      coordinated omission at the mean request interval. Raw output: `raw/wrk-*.txt`.
      - Redis: a redis-server started for the report on a free loopback port without persistence (`--save '' \
      --appendonly no`), measured by redis-benchmark (`-t set|get -c <N> -d 100 -r 10000 -P 1 --csv`: same \
      connections, unpipelined, single-threaded like wrk -t1) after a warm-up run that also sizes the measured run to \
      about the same duration. The SETs run first and fill the keys the GETs read. Raw output: `raw/redis-*.csv`.
      - Kafka: EndToEndLatency (acks=all, 100 B values, 8 B keys: produce one record, wait for the ack, consume it, \
      repeat) and ProducerPerformance (4 KiB records, keys over 10,000, `--throughput -1`), both from kafka-tools, each \
      a child JVM on the bench's class path, against the one-node cluster's broker, on topics of their own created as a \
      node creates its topic (compacted, 6 partitions), with the node's producer settings (acks=all, idempotent, 5 in \
      flight, linger 0, 64 KiB batches, no compression). EndToEndLatency prints whole milliseconds rounded down, so a \
      printed k means [k, k+1) ms: a latency target against it is met only if met against k, missed only if missed \
      against k+1, else undecided. Raw output: `raw/kafka-*.txt`.
      - Ceilings: nginx answering a fixed 100 B 200, straight; and nginx run with the project's own configuration \
      (nginx/logkv.conf.template, as the cluster launcher renders it) proxying to that fixed reply, the ceiling of any \
      figure through nginx. Each is measured before and after the figure it bounds; the better run counts.
      - Constant rate: the project's own client (`bench/.../load/HttpLoad`, one selector thread) sends requests at \
      a fixed rate and measures each from its due time, so a stall is charged to every request it delayed \
      (coordinated omission corrected). Raw: `raw/*.hgrm` (ms).
      - Start to ready: the production node jar started against the running broker with an empty data directory and \
      an empty topic (created by a first start that is not counted), from process start to the first 200 on \
      /health/ready, polled every 10 ms, with the launcher's JVM options; the median of the starts.
      - Lag: two nodes; writes to n1 at a constant rate; for one write in ten, a read carrying its position (which \
      waits until applied) goes to n2 the moment n1 acknowledges; lag is when it answers. The read's own round trip is \
      included (an upper bound), and its round trip for an already applied position is given beside it. The achieved \
      write rate is given too: if it falls short of the target rate, the machine was saturated and the figure says so.
      - Replay: a 1-node cluster, a topic filled by a plain producer, the node restarted (process start to first 200 on \
      /health/ready); the stock consumer reads the same topic into a HashMap in the same run. The node's replay rate is \
      its own, from /status.
      """ + CapacityFigures.METHOD + """
      - Everything runs on the same machine as the servers it measures; the load average at the start and end is in \
      the Machine section. Raw files: `jmh.json`, `report.json` (every figure) and `raw/`.
      """;

  private void progress(String message) {
    System.out.printf("[%5.0f s] %s%n", (System.nanoTime() - started) / 1e9, message);
    System.out.flush();
  }
}
