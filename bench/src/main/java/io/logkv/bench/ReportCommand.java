package io.logkv.bench;

import io.logkv.bench.load.LoadResult;
import io.logkv.bench.load.Workload;
import io.logkv.bench.report.Plots;
import io.logkv.cluster.LocalCluster;
import io.logkv.kafkalocal.TempDirs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs every benchmark and writes results/bench: REPORT.md (a table of figures with their ratios
 * to the ceiling measured in the same run, and the targets, met or not), the raw JSON, the .hgrm
 * latency files and PNG plots. Nothing in the report is typed by hand.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Runs the JMH and end-to-end benchmarks and writes REPORT.md, JSON, .hgrm and PNG files.")
final class ReportCommand implements Callable<Integer> {
  @Option(names = "--out", defaultValue = "results/bench", description = "Output directory. Default: ${DEFAULT-VALUE}.")
  Path out;

  @Option(names = "--quick", description = "Short runs and small sizes: a smoke test of the whole report, not figures to quote.")
  boolean quick;

  @Option(names = "--duration", defaultValue = "10", description = "Seconds per HTTP measurement. Default: ${DEFAULT-VALUE}.")
  int seconds;

  private final List<Row> rows = new ArrayList<>();
  private final Map<String, Object> raw = new LinkedHashMap<>();
  private final long started = System.nanoTime();

  /** One line of the report's table. */
  record Row(String figure, String measured, String baseline, String ratio, String target, String met) {}

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(out);
    int measure = quick ? 3 : seconds;
    int warmup = quick ? 1 : 3;
    String command = "java -jar bench/target/logkv-bench.jar report" + (quick ? " --quick" : "");

    progress("JMH: cache core, record format, apply loop");
    List<JmhBench.Row> jmh = JmhBench.run(out.resolve("jmh.json"), quick);
    cacheRows(jmh);

    progress("HTTP: one node, and nginx answering a fixed 200 (the ceiling)");
    http(measure, warmup);

    progress("replication lag on two nodes at 10k writes/s");
    lag(measure, warmup);

    progress("replay: restart-to-ready against live keys");
    replay();

    writeReport(command, jmh);
    Results.writeJson(out.resolve("report.json"), raw);
    progress("done: " + out.resolve("REPORT.md"));
    return 0;
  }

  private void cacheRows(List<JmhBench.Row> jmh) {
    for (String method : List.of("get_2threads", "get_1thread", "mixed90get10put_2threads", "put_2threads")) {
      for (String ttl : List.of("true", "false")) {
        Optional<JmhBench.Row> logkv = find(jmh, "CacheBenchmark." + method, "logkv", ttl);
        Optional<JmhBench.Row> chm = find(jmh, "CacheBenchmark." + method, "chm", ttl);
        if (logkv.isEmpty() || chm.isEmpty()) {
          continue;
        }
        double ratio = logkv.get().score() / chm.get().score();
        boolean targeted = method.equals("get_2threads") && ttl.equals("true");
        rows.add(new Row("cache " + method.replace("_", ", ") + ", TTL " + (ttl.equals("true") ? "on" : "off"),
            String.format(Locale.ROOT, "%.1f M ops/s", logkv.get().score()),
            String.format(Locale.ROOT, "ConcurrentHashMap %.1f M ops/s", chm.get().score()),
            String.format(Locale.ROOT, "%.2fx", ratio), targeted ? ">= 0.9x" : "", targeted ? met(ratio >= 0.9) : ""));
      }
    }
    Optional<JmhBench.Row> apply = find(jmh, "ApplyBenchmark.applyAll", "logkv", null);
    Optional<JmhBench.Row> hashmap = find(jmh, "ApplyBenchmark.applyAll", "hashmap", null);
    if (apply.isPresent() && hashmap.isPresent()) {
      rows.add(new Row("apply loop, records into the map (no Kafka)",
          String.format(Locale.ROOT, "%.2f M records/s", apply.get().score() / 1e6),
          String.format(Locale.ROOT, "HashMap put %.2f M records/s", hashmap.get().score() / 1e6),
          String.format(Locale.ROOT, "%.2fx", apply.get().score() / hashmap.get().score()), "", ""));
    }
  }

  private static Optional<JmhBench.Row> find(List<JmhBench.Row> rows, String benchmark, String impl, String ttl) {
    return rows.stream()
        .filter(r -> r.benchmark().equals(benchmark) && r.param("impl").equals(impl) && (ttl == null || r.param("ttl").equals(ttl)))
        .findFirst();
  }

  private void http(int measure, int warmup) throws Exception {
    Path tmp = TempDirs.create("logkv-bench-http");
    try (LocalCluster cluster = Clusters.builder().nodes(1).nginx(null)
            .nodeJvmOptions(List.of("-Xms512m", "-Xmx1g", "-XX:+UseParallelGC"))
            .nodeArgs(List.of("--snapshot-interval", "off")).build().start();
        FixedReplyNginx nginx = new FixedReplyNginx(tmp.resolve("nginx"), 100).start()) {
      String node = cluster.node(0).url();
      String ceilingUrl = "http://127.0.0.1:" + nginx.port();
      int keys = 10_000;
      HttpBench.fill(node, keys, 100);
      Duration w = Duration.ofSeconds(warmup);
      Duration d = Duration.ofSeconds(measure);

      LoadResult ceiling = HttpBench.measure(ceilingUrl, Workload.fixedGet("/fixed"), 64, 0, w, d);
      LoadResult get = HttpBench.measure(node, new Workload("/keys/k", keys, 100, 100, 0), 64, 0, w, d);
      LoadResult ceiling2 = HttpBench.measure(ceilingUrl, Workload.fixedGet("/fixed"), 64, 0, Duration.ZERO, d);
      save("http-nginx-fixed-200", ceiling);
      save("http-get-one-node", get);
      save("http-nginx-fixed-200-again", ceiling2);
      double ceilingRate = Math.max(ceiling.throughput(), ceiling2.throughput());
      double ratio = get.throughput() / ceilingRate;
      rows.add(new Row("GET 100 B, one node, 64 connections, keep-alive (logkv client)",
          String.format(Locale.ROOT, "%,.0f req/s", get.throughput()),
          String.format(Locale.ROOT, "nginx fixed 200: %,.0f req/s (best of two runs around it)", ceilingRate),
          String.format(Locale.ROOT, "%.2fx", ratio), ">= 0.8x", met(ratio >= 0.8 && get.failures() == 0)));

      Optional<Path> wrk = Wrk.find();
      if (wrk.isPresent()) {
        double wrkCeiling = Wrk.requestsPerSecond(wrk.get(), ceilingUrl + "/fixed", 64, measure);
        double wrkGet = Wrk.requestsPerSecond(wrk.get(), node + "/keys/k1", 64, measure);
        raw.put("wrk", Map.of("nginx_fixed_200", wrkCeiling, "get_one_node", wrkGet));
        rows.add(new Row("GET 100 B, one node, 64 connections (wrk -t1)",
            String.format(Locale.ROOT, "%,.0f req/s", wrkGet),
            String.format(Locale.ROOT, "nginx fixed 200: %,.0f req/s", wrkCeiling),
            String.format(Locale.ROOT, "%.2fx", wrkGet / wrkCeiling), ">= 0.8x", met(wrkGet / wrkCeiling >= 0.8)));
      } else {
        rows.add(new Row("GET (wrk)", "not measured: wrk is not installed (apt-get install wrk)", "", "", "", ""));
      }

      LoadResult put = HttpBench.measure(node, new Workload("/keys/k", keys, 100, 0, 100), 64, 0, w, d);
      save("http-put-one-node-closed", put);
      rows.add(new Row("PUT 100 B, one node, 64 connections, acked after broker ack and local apply",
          String.format(Locale.ROOT, "%,.0f writes/s", put.throughput()), "", "", ">= 40,000/s",
          met(put.throughput() >= 40_000 && put.failures() == 0)));

      LoadResult putOpen = HttpBench.measure(node, new Workload("/keys/k", keys, 100, 0, 100), 64, 10_000, w, d);
      save("http-put-one-node-10k", putOpen);
      rows.add(new Row("PUT at a constant 10k/s, one node: p99 (from due time)",
          String.format(Locale.ROOT, "p99 %.2f ms (p50 %.2f, p99.9 %.2f)", putOpen.latencyMillis(99), putOpen.latencyMillis(50),
              putOpen.latencyMillis(99.9)),
          String.format(Locale.ROOT, "achieved %,.0f/s", putOpen.throughput()), "", "<= 10 ms",
          met(putOpen.latencyMillis(99) <= 10 && putOpen.failures() == 0)));

      Map<String, Histogram> curves = new LinkedHashMap<>();
      curves.put("nginx fixed 200, closed, 64 conns", ceiling.latency());
      curves.put("logkv GET, closed, 64 conns", get.latency());
      curves.put("logkv PUT at 10k/s (from due time)", putOpen.latency());
      Plots.percentiles(out.resolve("latency-percentiles.png"), "Latency by percentile, one node vs nginx's fixed 200", curves);
    } finally {
      TempDirs.deleteRecursively(tmp);
    }
  }

  private void lag(int measure, int warmup) throws Exception {
    // Two nodes: the writer and one replica. Three nodes, the broker and the load tool at 10k
    // writes/s saturate two cores, and then the figure is the queue, not the lag.
    try (LocalCluster cluster = Clusters.builder().nodes(2).nginx(null)
        .nodeArgs(List.of("--snapshot-interval", "off")).build().start()) {
      LagBench.Result r = LagBench.run(cluster, 10_000, Duration.ofSeconds(warmup), Duration.ofSeconds(measure + 5), 10);
      save("lag-writes-10k", r.writes());
      Results.writeHgrm(out.resolve("lag.hgrm"), r.lag());
      Results.writeHgrm(out.resolve("lag-probe-round-trip.hgrm"), r.probeRoundTrip());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("samples", r.samples());
      m.put("probe_failures", r.probeFailures());
      m.put("lag_ms", Results.percentiles(r.lag()));
      m.put("probe_round_trip_ms", Results.percentiles(r.probeRoundTrip()));
      m.put("writes_per_second", r.writes().throughput());
      raw.put("lag", m);
      Results.writeJson(out.resolve("lag.json"), m);
      double p99 = r.lag().getValueAtPercentile(99) / 1e6;
      rows.add(new Row("replication lag at 10k writes/s, ack on n1 to visible on n2",
          String.format(Locale.ROOT, "p99 %.2f ms (p50 %.2f, p99.9 %.2f; %,d samples)", p99,
              r.lag().getValueAtPercentile(50) / 1e6, r.lag().getValueAtPercentile(99.9) / 1e6, r.samples()),
          String.format(Locale.ROOT, "probe round trip alone p50 %.2f ms; writes %,.0f/s",
              r.probeRoundTrip().getValueAtPercentile(50) / 1e6, r.writes().throughput()),
          "", "p99 <= 5 ms", met(p99 <= 5 && r.probeFailures() == 0)));
      Map<String, Histogram> curves = new LinkedHashMap<>();
      curves.put("lag: ack on n1 to visible on n2", r.lag());
      curves.put("probe round trip for an applied position", r.probeRoundTrip());
      Plots.percentiles(out.resolve("lag.png"), "Replication lag at 10k writes/s", curves);
    }
  }

  private void replay() throws Exception {
    List<Long> sizes = quick ? List.of(10_000L, 100_000L) : List.of(10_000L, 100_000L, 1_000_000L);
    List<ReplayBench.Point> points = new ArrayList<>();
    for (long keys : sizes) {
      points.add(ReplayBench.measure(keys, 1, true, m -> progress("  " + m)));
    }
    long historyKeys = sizes.get(sizes.size() - 1);
    ReplayBench.Point history = ReplayBench.measure(historyKeys, 10, false, m -> progress("  " + m));
    raw.put("replay", points);
    raw.put("replay_history", history);
    Results.writeJson(out.resolve("replay.json"), Map.of("points", points, "history_x10", history));

    ReplayBench.Point largest = points.get(points.size() - 1);
    double ratio = largest.nodeReplayRate() / largest.rawConsumerRate();
    rows.add(new Row(String.format(Locale.ROOT, "replay rate, %,d keys from the log", largest.keys()),
        String.format(Locale.ROOT, "%,.0f records/s", largest.nodeReplayRate()),
        String.format(Locale.ROOT, "stock consumer into a HashMap %,.0f records/s", largest.rawConsumerRate()),
        String.format(Locale.ROOT, "%.2fx", ratio), ">= 0.8x", met(ratio >= 0.8)));
    rows.add(new Row(String.format(Locale.ROOT, "restart-to-ready, %,d keys, from the log", largest.keys()),
        String.format(Locale.ROOT, "%.2f s", largest.fromLogReadySeconds()),
        String.format(Locale.ROOT, "stock consumer, creation to last record %.2f s", largest.rawConsumerTotalSeconds()), "",
        largest.keys() >= 1_000_000 ? "<= 3 s" : "", largest.keys() >= 1_000_000 ? met(largest.fromLogReadySeconds() <= 3) : ""));
    rows.add(new Row(String.format(Locale.ROOT, "restart-to-ready, %,d keys, from a snapshot", largest.keys()),
        String.format(Locale.ROOT, "%.2f s", largest.fromSnapshotReadySeconds()),
        String.format(Locale.ROOT, "snapshot %,d bytes", largest.snapshotBytes()), "",
        largest.keys() >= 1_000_000 ? "<= 1.5 s" : "", largest.keys() >= 1_000_000 ? met(largest.fromSnapshotReadySeconds() <= 1.5) : ""));
    double historyRatio = history.fromSnapshotReadySeconds() / largest.fromSnapshotReadySeconds();
    rows.add(new Row(String.format(Locale.ROOT, "restart-to-ready from a snapshot, %,d keys with %,d records of history", history.keys(), history.records()),
        String.format(Locale.ROOT, "%.2f s", history.fromSnapshotReadySeconds()),
        String.format(Locale.ROOT, "with %,d records: %.2f s", largest.records(), largest.fromSnapshotReadySeconds()),
        String.format(Locale.ROOT, "%.2fx", historyRatio), "not slower (<= 1.0x, noise aside)", met(historyRatio <= 1.1)));

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

  private void save(String name, LoadResult r) {
    raw.put(name, Results.summary(name, r));
    Results.writeJson(out.resolve(name + ".json"), Results.summary(name, r));
    Results.writeHgrm(out.resolve(name + ".hgrm"), r.latency());
    progress("  " + Results.describe(name, r));
  }

  private void writeReport(String command, List<JmhBench.Row> jmh) throws Exception {
    StringBuilder md = new StringBuilder();
    md.append("# logkv benchmark report\n\n");
    md.append("Produced by `").append(command).append("` on ").append(Instant.now()).append(" in ")
        .append(String.format(Locale.ROOT, "%.0f s", (System.nanoTime() - started) / 1e9)).append(". Every ratio compares two figures ")
        .append("measured in this same run on this same machine. Targets are goals for the code, not assertions in tests.\n\n");
    if (quick) {
      md.append("**Quick mode: short runs and small sizes. A smoke test of the report, not figures to quote.**\n\n");
    }
    md.append("## Machine\n\n").append(Machine.describe()).append("- nodes run from: ").append(Clusters.nodeRuntime()).append("\n\n");
    md.append("## Figures\n\n");
    md.append("| figure | measured | baseline in the same run | ratio | target | met |\n|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      md.append("| ").append(r.figure()).append(" | ").append(r.measured()).append(" | ").append(r.baseline()).append(" | ")
          .append(r.ratio()).append(" | ").append(r.target()).append(" | ").append(r.met()).append(" |\n");
    }
    md.append("\n![latency percentiles](latency-percentiles.png)\n\n![replay](replay.png)\n\n![lag](lag.png)\n\n");
    md.append("## JMH (all results)\n\n| benchmark | params | score | error | unit |\n|---|---|---|---|---|\n");
    for (JmhBench.Row r : jmh) {
      md.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %.3f | %s |%n", r.benchmark(), r.params(), r.score(), r.error(), r.unit()));
    }
    md.append("\n## How each figure is measured\n\n")
        .append("- HTTP: the project's own client (`bench/.../load/HttpLoad`), one selector thread, keep-alive, one request in flight per ")
        .append("connection, on the same 2 cores as the server. Closed model for throughput; open model (constant rate) for latency, ")
        .append("measured from each request's due time so a stall is not hidden (coordinated omission corrected). Raw: `*.json`, `*.hgrm` (ms).\n")
        .append("- The ceiling is nginx answering a fixed 100-byte 200 to the same client, measured before and after the node; the better run counts.\n")
        .append("- Lag: two nodes; writes to n1 at a constant rate; for one write in ten, a read carrying its position (which waits until ")
        .append("applied) goes to n2 the moment n1 acknowledges; lag is when it answers. The read's own round trip is included (an upper ")
        .append("bound), and its round trip for an already applied position is given beside it. The achieved write rate is given too: if it ")
        .append("falls short of the target rate, the machine was saturated and the figure says so.\n")
        .append("- Replay: a 1-node cluster, a topic filled by a plain producer, the node restarted (process start to first 200 on /health/ready); ")
        .append("the stock consumer reads the same topic into a HashMap in the same run. The node's replay rate is its own, from /status.\n")
        .append("- Raw files: `jmh.json`, `report.json` and one JSON and .hgrm per HTTP run.\n");
    Files.writeString(out.resolve("REPORT.md"), md.toString(), StandardCharsets.UTF_8);
  }

  private static String met(boolean met) {
    return met ? "met" : "**not met**";
  }

  private void progress(String message) {
    System.out.printf("[%5.0f s] %s%n", (System.nanoTime() - started) / 1e9, message);
    System.out.flush();
  }
}
