package io.logkv.bench;

import static io.logkv.bench.Report.f;

import io.logkv.bench.load.LoadResult;
import io.logkv.bench.load.Workload;
import io.logkv.bench.report.Plots;
import io.logkv.cluster.LocalCluster;
import io.logkv.cluster.Nginx;
import io.logkv.kafkalocal.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The report's HTTP figures, each beside its peer measured in the same run: wrk against one node
 * and against three nodes behind nginx; Redis (redis-benchmark) as the store a user would pick
 * instead; Kafka's EndToEndLatency and ProducerPerformance as the limits of the log underneath;
 * nginx answering a fixed reply, straight and through the project's nginx configuration, as the
 * HTTP ceilings; plus the project's own constant-rate client for latency corrected for
 * coordinated omission, and node start-to-ready.
 *
 * <p>Order: figures compared with each other are measured one right after the other, so that
 * a change in the machine's load between them stays small.
 */
final class HttpFigures {
  /** Keys every load rotates over: memory stays bounded however long a run lasts. */
  static final int KEYS = 10_000;
  private static final List<String> NODE_JVM = List.of("-Xms512m", "-Xmx1g", "-XX:+UseParallelGC");
  private static final List<String> NODE_ARGS = List.of("--snapshot-interval", "off");

  private final Report report;
  private final ToolFinder tools;
  private final Path out;
  private final Path rawDir;
  private final boolean quick;
  private final Duration warmup;
  private final Duration measure;
  private final Consumer<String> progress;
  private final Map<String, TreeMap<Double, Double>> curves = new LinkedHashMap<>();
  /** The one-node PUT figures on the default three brokers (RF 3), for the RF 1 comparison. */
  private Wrk.Result putManyRf3;
  private Wrk.Result putOneRf3;

  HttpFigures(Report report, ToolFinder tools, Path out, boolean quick, Duration warmup, Duration measure,
      Consumer<String> progress) {
    this.report = report;
    this.tools = tools;
    this.out = out;
    this.rawDir = out.resolve("raw");
    this.quick = quick;
    this.warmup = warmup;
    this.measure = measure;
    this.progress = progress;
  }

  void run() throws Exception {
    Optional<Path> nginx = tools.find(Tool.NGINX);
    Optional<Path> redisServer = tools.find(Tool.REDIS_SERVER);
    Optional<Path> redisBenchmark = tools.find(Tool.REDIS_BENCHMARK);
    Wrk wrk = tools.find(Tool.WRK).map(w -> new Wrk(w, rawDir)).orElse(null);
    Path tmp = TempDirs.create("logkv-bench-http");
    try (FixedReplyNginx ceiling = nginx.map(n -> new FixedReplyNginx(n, tmp.resolve("nginx"), 100).start()).orElse(null);
        Redis redis = redisServer.isPresent() && redisBenchmark.isPresent()
            ? new Redis(redisServer.get(), redisBenchmark.get(), tmp.resolve("redis"), rawDir).start()
            : null) {
      progress.accept("one node" + (nginx.isPresent() ? " behind nginx" : "") + ", its broker, Redis and the nginx ceilings");
      oneNode(wrk, ceiling, redis, nginx, tmp);
      progress.accept("three nodes behind nginx");
      threeNodes(wrk, ceiling, nginx);
      progress.accept("what replication costs: the same node on one broker (replication factor 1)");
      replicationCost(wrk);
    } finally {
      TempDirs.deleteRecursively(tmp);
    }
    Plots.percentiles(out.resolve("latency-percentiles.png"), "Latency by percentile (closed model: wrk; constant rate: logkv client)",
        curves);
  }

  private void oneNode(Wrk wrk, FixedReplyNginx ceiling, Redis redis, Optional<Path> nginx, Path tmp) throws Exception {
    try (LocalCluster cluster = Clusters.builder().nodes(1).nginx(nginx.map(Path::toString).orElse(null))
        .nodeJvmOptions(NODE_JVM).nodeArgs(NODE_ARGS).build().start()) {
      String node = cluster.node(0).url();
      HttpBench.fill(node, KEYS, 100);
      KafkaTools kafka = new KafkaTools(cluster.kafka().bootstrapServers(), rawDir);

      throughput(wrk, ceiling, redis, node);
      putOneConnection(wrk, redis, kafka, node);
      putLarge(wrk, kafka, node, cluster.nginx().map(Nginx::url));
      constantRate(node);

      progress.accept("node start to ready, nothing to replay");
      int runs = quick ? 3 : 5;
      StartBench.Result start = StartBench.measure(cluster.kafka().bootstrapServers(), runs, tmp.resolve("start"),
          m -> progress.accept("  " + m));
      report.raw("start_to_ready", start);
      report.add(new Report.Row(f("node process start to ready, 0 records to replay (median of %d)", runs),
          f("%.2f s", start.plain().medianSeconds()),
          "each start: " + String.join(", ", start.plain().seconds().stream().map(s -> f("%.2f s", s)).toList())
              + "; steps (median): " + start.plain().describeSteps(), "",
          "<= 1.5 s", Report.met(start.plain().medianSeconds() <= 1.5)));
      if (start.archived() != null) {
        report.add(new Report.Row(f("the same with the class archive the launcher makes (median of %d)", runs),
            f("%.2f s", start.archived().medianSeconds()),
            f("%.2fx the start without it; archive %d MiB; steps (median): %s",
                start.archived().medianSeconds() / start.plain().medianSeconds(), start.archiveBytes() >> 20,
                start.archived().describeSteps()), "",
            "<= 1.5 s", Report.met(start.archived().medianSeconds() <= 1.5)));
      }
    }
  }

  /**
   * GET and PUT of 100 B on one node, 64 connections: GET against nginx's fixed reply (measured
   * before and after it) and against Redis GET, PUT against Redis SET. Redis's SETs run first and
   * fill the keys its GETs read.
   */
  private void throughput(Wrk wrk, FixedReplyNginx ceiling, Redis redis, String node) {
    String getVsNginx = "GET 100 B, one node, 64 connections (wrk), against nginx's fixed 100 B reply";
    String getVsRedis = "GET 100 B, one node, 64 connections (wrk), against Redis GET";
    String putVsRedis = "PUT 100 B acked, one node, 64 connections (wrk), against Redis SET";
    if (wrk == null) {
      report.notRun(getVsNginx, tools.missing(Tool.WRK, Tool.NGINX), ">= 0.8x");
      report.notRun(getVsRedis, tools.missing(Tool.WRK, Tool.REDIS_SERVER, Tool.REDIS_BENCHMARK), ">= 1.0x");
      report.notRun(putVsRedis, tools.missing(Tool.WRK, Tool.REDIS_SERVER, Tool.REDIS_BENCHMARK), ">= 0.5x");
      return;
    }
    Wrk.Result fixed = ceiling == null ? null : wrk(wrk, "nginx-fixed-200", Wrk.Load.get(ceiling.url(), "/keys/k", KEYS, 64));
    Wrk.Result get = wrk(wrk, "get-100B-one-node", Wrk.Load.get(node, "/keys/k", KEYS, 64));
    Wrk.Result fixedAgain = ceiling == null ? null
        : wrk(wrk, "nginx-fixed-200-again", Wrk.Load.get(ceiling.url(), "/keys/k", KEYS, 64));
    Wrk.Result put = wrk(wrk, "put-100B-64c", Wrk.Load.put(node, "/keys/k", KEYS, 100, 64));
    putManyRf3 = put;
    curves.put("logkv GET, one node, 64 conns (wrk)", get.curve());

    if (ceiling == null) {
      report.notRun(getVsNginx, tools.missing(Tool.NGINX), ">= 0.8x");
    } else if (valid(getVsNginx, ">= 0.8x", get, fixed, fixedAgain)) {
      curves.put("nginx fixed reply, 64 conns (wrk)", fixed.curve());
      double best = Math.max(fixed.requestsPerSecond(), fixedAgain.requestsPerSecond());
      report.add(getVsNginx, perSecond(get, "req"), f("nginx fixed 100 B reply: %,.0f req/s (better of two runs around it)", best),
          get.requestsPerSecond() / best, ">= 0.8x", get.requestsPerSecond() / best >= 0.8);
    }
    if (redis == null) {
      report.notRun(getVsRedis, tools.missing(Tool.REDIS_SERVER, Tool.REDIS_BENCHMARK), ">= 1.0x");
      report.notRun(putVsRedis, tools.missing(Tool.REDIS_SERVER, Tool.REDIS_BENCHMARK), ">= 0.5x");
      return;
    }
    // A warm-up of ten SETs per key leaves, almost surely, every key set for the GETs.
    Redis.Result set = redis(redis, "set-100B-64c", "SET", 64, 100, 10L * KEYS);
    long held = redis.keyCount();
    Redis.Result redisGet = redis(redis, "get-100B-64c", "GET", 64, 100, 5L * KEYS);
    report.raw("redis_keys_for_get", held);
    if (valid(putVsRedis, ">= 0.5x", put)) {
      report.add(putVsRedis, perSecond(put, "writes") + accepted(put),
          f("Redis SET, 64 clients, unpipelined: %,.0f/s (p50 %.2f, p99 %.2f ms)", set.rps(), set.p50Ms(), set.p99Ms()),
          put.requestsPerSecond() / set.rps(), ">= 0.5x", put.requestsPerSecond() / set.rps() >= 0.5);
    }
    if (valid(getVsRedis, ">= 1.0x", get)) {
      report.add(getVsRedis, perSecond(get, "req"),
          f("Redis GET, 64 clients, unpipelined: %,.0f/s (p50 %.2f, p99 %.2f ms; %,d of %,d keys set)", redisGet.rps(),
              redisGet.p50Ms(), redisGet.p99Ms(), held, KEYS),
          get.requestsPerSecond() / redisGet.rps(), ">= 1.0x", get.requestsPerSecond() / redisGet.rps() >= 1.0);
    }
  }

  /**
   * What an acknowledged write pays for surviving a broker's loss: the one-node PUT figures of
   * the default cluster (three brokers, replication factor 3, min.insync.replicas 2) beside the
   * same node on one broker (replication factor 1), in the same run.
   */
  private void replicationCost(Wrk wrk) throws Exception {
    String many = "PUT 100 B acked, one node, 64 connections: replication factor 3 (3 brokers) against 1 (1 broker)";
    String one = "PUT 100 B, one connection, p99: replication factor 3 against 1";
    if (wrk == null) {
      report.notRun(many, tools.missing(Tool.WRK), "");
      report.notRun(one, tools.missing(Tool.WRK), "");
      return;
    }
    try (LocalCluster cluster = Clusters.builder().nodes(1).brokers(1).nginx(null)
        .nodeJvmOptions(NODE_JVM).nodeArgs(NODE_ARGS).build().start()) {
      String node = cluster.node(0).url();
      HttpBench.fill(node, KEYS, 100);
      Wrk.Result putMany = wrk(wrk, "put-100B-64c-rf1", Wrk.Load.put(node, "/keys/k", KEYS, 100, 64));
      Wrk.Result putOne = wrk(wrk, "put-100B-1c-rf1", Wrk.Load.put(node, "/keys/k", KEYS, 100, 1));
      if (putManyRf3 != null && valid(many, "", putManyRf3, putMany)) {
        report.add(new Report.Row(many, perSecond(putManyRf3, "writes") + " with RF 3",
            perSecond(putMany, "writes") + " with RF 1",
            f("%.2fx", putManyRf3.requestsPerSecond() / putMany.requestsPerSecond()), "(the cost, measured)", ""));
      }
      if (putOneRf3 != null && valid(one, "", putOneRf3, putOne)) {
        report.add(new Report.Row(one, f("%.2f ms with RF 3 (p50 %.2f)", putOneRf3.latencyMs("p99"), putOneRf3.latencyMs("p50")),
            f("%.2f ms with RF 1 (p50 %.2f)", putOne.latencyMs("p99"), putOne.latencyMs("p50")),
            f("%.2fx", putOneRf3.latencyMs("p99") / putOne.latencyMs("p99")), "(the cost, measured)", ""));
      }
    }
  }

  /** PUT 100 B on one connection: latency against Kafka's EndToEndLatency; rate beside Redis SET on one client. */
  private void putOneConnection(Wrk wrk, Redis redis, KafkaTools kafka, String node) {
    String p50 = "PUT 100 B, one connection, p50 (wrk --latency), against Kafka EndToEndLatency p50";
    String p99 = "PUT 100 B, one connection, p99 (wrk --latency), against Kafka EndToEndLatency p99";
    String rate = "PUT 100 B, one connection (wrk), beside Redis SET on one client";
    if (wrk == null) {
      report.notRun(p50, tools.missing(Tool.WRK), "<= 1.5x");
      report.notRun(p99, tools.missing(Tool.WRK), "<= 2x");
      report.notRun(rate, tools.missing(Tool.WRK, Tool.REDIS_SERVER, Tool.REDIS_BENCHMARK), "");
      return;
    }
    Wrk.Result put = wrk(wrk, "put-100B-1c", Wrk.Load.put(node, "/keys/k", KEYS, 100, 1));
    putOneRf3 = put;
    curves.put("logkv PUT, one connection (wrk)", put.curve());
    Redis.Result set = redis == null ? null : redis(redis, "set-100B-1c", "SET", 1, 100, 5_000);

    String topic = "bench-end-to-end";
    int records = (int) Math.max(1_000, 1_000 * measure.toSeconds());
    progress.accept("  Kafka EndToEndLatency, 100 B, acks=all: warm-up, then " + records + " records");
    KafkaTools.EndToEnd e2e;
    try {
      kafka.createTopic(topic);
      kafka.endToEndLatency("end-to-end-100B-warmup", topic, 200, 100);
      e2e = kafka.endToEndLatency("end-to-end-100B", topic, records, 100);
    } catch (IllegalStateException e) {
      String why = "Kafka EndToEndLatency failed: " + brief(e) + " (raw/kafka-end-to-end-100B*.txt)";
      report.invalid(p50, why, "<= 1.5x");
      report.invalid(p99, why, "<= 2x");
      e2e = null;
    }
    if (e2e != null) {
      report.raw("kafka_end_to_end_latency", e2e);
      progress.accept(f("  Kafka EndToEndLatency: avg %.3f ms, p50 %d ms, p99 %d ms, p99.9 %d ms (whole ms, rounded down)",
          e2e.averageMs(), e2e.p50Ms(), e2e.p99Ms(), e2e.p999Ms()));
      if (valid(p50, "<= 1.5x", put)) {
        wholeMillis(p50, put.latencyMs("p50"), e2e.p50Ms(), e2e, 1.5, "<= 1.5x");
        wholeMillis(p99, put.latencyMs("p99"), e2e.p99Ms(), e2e, 2.0, "<= 2x");
      } else {
        report.invalid(p99, put.problems(), "<= 2x");
      }
    }
    if (set == null) {
      report.notRun(rate, tools.missing(Tool.REDIS_SERVER, Tool.REDIS_BENCHMARK), "");
    } else if (valid(rate, "", put)) {
      report.add(new Report.Row(rate, perSecond(put, "writes") + f(" (p50 %.2f, p99 %.2f ms)", put.latencyMs("p50"),
          put.latencyMs("p99")) + accepted(put),
          f("Redis SET, 1 client: %,.0f/s (p50 %.3f, p99 %.3f ms)", set.rps(), set.p50Ms(), set.p99Ms()),
          Report.ratio(put.requestsPerSecond() / set.rps()), "", ""));
    }
  }

  /**
   * A latency against one of EndToEndLatency's percentiles, which it prints in whole ms rounded
   * down: its true value k lies in [k, k+1) ms. The verdict is "met" only if met against k, "not
   * met" only if missed against k+1, and otherwise undecided at that resolution.
   */
  private void wholeMillis(String figure, double logkvMs, long kafkaMs, KafkaTools.EndToEnd e2e, double limit, String target) {
    String ratio = kafkaMs == 0
        ? f("> %.2fx", logkvMs)
        : f("%.2fx-%.2fx", logkvMs / (kafkaMs + 1), logkvMs / kafkaMs);
    String met = logkvMs <= limit * kafkaMs ? Report.MET
        : logkvMs > limit * (kafkaMs + 1) ? Report.NOT_MET
        : "undecided at Kafka's 1 ms resolution";
    report.add(new Report.Row(figure, f("%.3f ms", logkvMs),
        f("Kafka EndToEndLatency %d ms, i.e. in [%d, %d) ms (whole ms; avg %.3f ms over %,d records)", kafkaMs, kafkaMs,
            kafkaMs + 1, e2e.averageMs(), e2e.records()),
        ratio, target, met));
  }

  /** PUT 4 KiB, 64 connections: straight against through nginx, and in bytes/s against ProducerPerformance. */
  private void putLarge(Wrk wrk, KafkaTools kafka, String node, Optional<String> nginxUrl) {
    String vsNginx = "PUT 4 KiB, one node, 64 connections (wrk): straight to the node, against through nginx";
    String vsKafka = "PUT 4 KiB, one node, 64 connections (wrk), bytes/s, against Kafka ProducerPerformance 4 KiB";
    if (wrk == null) {
      report.notRun(vsNginx, tools.missing(Tool.WRK, Tool.NGINX), ">= 1.0x");
      report.notRun(vsKafka, tools.missing(Tool.WRK), ">= 0.25x");
      return;
    }
    Wrk.Result straight = wrk(wrk, "put-4KiB-64c", Wrk.Load.put(node, "/keys/b", KEYS, 4096, 64));
    if (nginxUrl.isEmpty()) {
      report.notRun(vsNginx, tools.missing(Tool.NGINX), ">= 1.0x");
    } else {
      Wrk.Result proxied = wrk(wrk, "put-4KiB-64c-nginx", Wrk.Load.put(nginxUrl.get(), "/keys/b", KEYS, 4096, 64));
      if (valid(vsNginx, ">= 1.0x", straight, proxied)) {
        report.add(vsNginx, perSecond(straight, "writes") + accepted(straight),
            "through nginx: " + perSecond(proxied, "writes") + accepted(proxied),
            straight.requestsPerSecond() / proxied.requestsPerSecond(), ">= 1.0x",
            straight.requestsPerSecond() >= proxied.requestsPerSecond());
      }
    }

    String topic = "bench-producer-performance";
    long warm = quick ? 2_000 : 10_000;
    progress.accept("  Kafka ProducerPerformance, 4 KiB, acks=all: " + warm + " records to warm up and calibrate");
    KafkaTools.ProducerPerf perf;
    try {
      kafka.createTopic(topic);
      KafkaTools.ProducerPerf calibration = kafka.producerPerformance("producer-performance-4KiB-warmup", topic, warm, 4096, KEYS);
      long records = Math.max(2_000, (long) (calibration.recordsPerSecond() * measure.toSeconds()));
      progress.accept("  Kafka ProducerPerformance, 4 KiB, acks=all: " + records + " records");
      perf = kafka.producerPerformance("producer-performance-4KiB", topic, records, 4096, KEYS);
    } catch (IllegalStateException e) {
      report.invalid(vsKafka, "Kafka ProducerPerformance failed: " + brief(e) + " (raw/kafka-producer-performance-4KiB*.txt)",
          ">= 0.25x");
      return;
    }
    report.raw("kafka_producer_performance", perf);
    progress.accept(f("  Kafka ProducerPerformance: %,.0f records/s, %.1f MB/s, p50 %d ms, p99 %d ms", perf.recordsPerSecond(),
        perf.mbPerSecond(), perf.p50Ms(), perf.p99Ms()));
    if (valid(vsKafka, ">= 0.25x", straight)) {
      double bytes = straight.requestsPerSecond() * 4096;
      report.add(vsKafka, f("%.1f MiB/s (%,.0f writes/s)", bytes / (1 << 20), straight.requestsPerSecond()),
          f("ProducerPerformance, acks=all, logkv's producer settings: %.1f MiB/s (%,.0f records/s, p50 %d ms, p99 %d ms)",
              perf.mbPerSecond(), perf.recordsPerSecond(), perf.p50Ms(), perf.p99Ms()),
          bytes / perf.bytesPerSecond(), ">= 0.25x", bytes / perf.bytesPerSecond() >= 0.25);
    }
  }

  /** The project's own client at a constant rate: latency from each request's due time. */
  private void constantRate(String node) {
    LoadResult putOpen = HttpBench.measure(node, new Workload("/keys/k", KEYS, 100, 0, 100), 64, 10_000, warmup, measure);
    report.raw("put-100B-constant-10k", Results.summary("put-100B-constant-10k", putOpen));
    Results.writeHgrm(rawDir.resolve("put-100B-constant-10k.hgrm"), putOpen.latency());
    progress.accept("  " + Results.describe("put-100B-constant-10k", putOpen));
    curves.put("logkv PUT at 10k/s, from due time (logkv client)", Plots.curve(putOpen.latency()));
    String figure = "PUT 100 B at a constant 10k/s, one node, 64 connections: p99 from due time (logkv client)";
    if (putOpen.failures() > 0) {
      report.invalid(figure, putOpen.failures() + " failed requests " + putOpen.statuses(), "<= 10 ms");
      return;
    }
    report.add(new Report.Row(figure,
        f("p99 %.2f ms (p50 %.2f, p99.9 %.2f)", putOpen.latencyMillis(99), putOpen.latencyMillis(50), putOpen.latencyMillis(99.9)),
        f("achieved %,.0f/s", putOpen.throughput()), "", "<= 10 ms", Report.met(putOpen.latencyMillis(99) <= 10)));
  }

  /** GET 100 B through nginx in front of three nodes, against the same nginx configuration proxying to a fixed reply. */
  private void threeNodes(Wrk wrk, FixedReplyNginx ceiling, Optional<Path> nginx) {
    String figure = "GET 100 B through nginx, 3 nodes, 64 connections (wrk), against nginx proxying to a fixed reply";
    if (wrk == null || nginx.isEmpty()) {
      report.notRun(figure, tools.missing(Tool.WRK, Tool.NGINX), ">= 0.8x");
      return;
    }
    try (LocalCluster cluster = Clusters.builder().nodes(3).nginx(nginx.get().toString())
        .nodeJvmOptions(NODE_JVM).nodeArgs(NODE_ARGS).build().start()) {
      HttpBench.fill(cluster.node(0).url(), KEYS, 100);
      HttpBench.awaitKeys(cluster.nodes(), KEYS, Duration.ofMinutes(2));
      String url = cluster.nginx().orElseThrow().url();
      Wrk.Result fixed = wrk(wrk, "nginx-proxy-fixed-200", Wrk.Load.get(ceiling.proxyUrl(), "/keys/k", KEYS, 64));
      Wrk.Result get = wrk(wrk, "get-100B-nginx-3-nodes", Wrk.Load.get(url, "/keys/k", KEYS, 64));
      Wrk.Result fixedAgain = wrk(wrk, "nginx-proxy-fixed-200-again", Wrk.Load.get(ceiling.proxyUrl(), "/keys/k", KEYS, 64));
      curves.put("logkv GET through nginx, 3 nodes, 64 conns (wrk)", get.curve());
      curves.put("nginx proxying to a fixed reply, 64 conns (wrk)", fixed.curve());
      if (valid(figure, ">= 0.8x", get, fixed, fixedAgain)) {
        double best = Math.max(fixed.requestsPerSecond(), fixedAgain.requestsPerSecond());
        report.add(figure, perSecond(get, "req"),
            f("the same nginx configuration proxying to nginx's fixed 100 B reply: %,.0f req/s (better of two runs around it)",
                best),
            get.requestsPerSecond() / best, ">= 0.8x", get.requestsPerSecond() / best >= 0.8);
      }
    }
  }

  private Wrk.Result wrk(Wrk wrk, String name, Wrk.Load load) {
    return measured(wrk, name, load, warmup, measure, report, progress);
  }

  /** One wrk run: announced, measured, its raw result kept in the report, its summary printed. */
  static Wrk.Result measured(Wrk wrk, String name, Wrk.Load load, Duration warmup, Duration measure, Report report,
      Consumer<String> progress) {
    progress.accept("  wrk " + name + ": " + load.describe());
    Wrk.Result r = wrk.measure(name, load, warmup, measure);
    report.raw("wrk-" + name, r);
    progress.accept(f("  wrk %-30s %,10.0f req/s  p50 %7.3f ms  p99 %7.3f ms  %s", name, r.requestsPerSecond(),
        r.latencyMs("p50"), r.latencyMs("p99"), r.clean() ? "" : "INVALID: " + r.problems()));
    return r;
  }

  private Redis.Result redis(Redis redis, String name, String test, int clients, int valueBytes, long warmupRequests) {
    progress.accept(f("  redis-benchmark %s: %s, %d client(s), %d B values, %,d keys", name, test, clients, valueBytes, KEYS));
    Redis.Result r = redis.measure(name, test, clients, valueBytes, KEYS, warmupRequests, measure);
    report.raw("redis-" + name, r);
    progress.accept(f("  redis %-26s %,10.0f req/s  p50 %7.3f ms  p99 %7.3f ms", name, r.rps(), r.p50Ms(), r.p99Ms()));
    return r;
  }

  /** False, after adding an invalid row, when any run had errors. */
  private boolean valid(String figure, String target, Wrk.Result... runs) {
    for (Wrk.Result r : runs) {
      if (!r.clean()) {
        report.invalid(figure, "wrk " + r.name() + ": " + r.problems() + " (raw/wrk-" + r.name() + ".txt)", target);
        return false;
      }
    }
    return true;
  }

  /** An exception's first line, for a table cell; the whole of it is in the console and the raw files. */
  private String brief(Exception e) {
    progress.accept("  " + e);
    String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("").replace('|', '/');
    return first.length() > 200 ? first.substring(0, 200) + "..." : first;
  }

  private static String perSecond(Wrk.Result r, String what) {
    return f("%,.0f %s/s", r.requestsPerSecond(), what);
  }

  /** For PUTs: how many answers were 202 (durable in Kafka, not yet applied on the node within its wait). */
  private static String accepted(Wrk.Result r) {
    long accepted = r.answered(202);
    return accepted == 0 ? "" : f(", of which %,d answered 202 (durable, not yet applied here)", accepted);
  }
}
