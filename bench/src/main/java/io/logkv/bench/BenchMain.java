package io.logkv.bench;

import io.logkv.bench.load.LoadResult;
import io.logkv.bench.load.Workload;
import io.logkv.cluster.LocalCluster;
import io.logkv.kafkalocal.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar bench/target/logkv-bench.jar <load|ceiling|replay|lag|report|capacity>}. */
@Command(
    name = "logkv-bench",
    mixinStandardHelpOptions = true,
    subcommands = {
      BenchMain.Load.class, BenchMain.Ceiling.class, BenchMain.Replay.class, BenchMain.Lag.class, BenchMain.Start.class, ReportCommand.class,
      CapacityCommand.class
    },
    description = {
      "End-to-end benchmarks of logkv on this machine. `report` runs them all (and the JMH benchmarks)",
      "and writes results/bench/REPORT.md with every figure beside its peer (Redis, Kafka's own tools)",
      "or ceiling (nginx) measured in the same run; wrk, nginx and Redis come from the machine."
    })
public final class BenchMain implements Runnable {

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchMain()).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Options every load shares. */
  static final class LoadOptions {
    @Option(names = "--connections", defaultValue = "64", description = "Keep-alive connections. Default: ${DEFAULT-VALUE}.")
    int connections;

    @Option(names = "--duration", defaultValue = "10", description = "Seconds measured. Default: ${DEFAULT-VALUE}.")
    int seconds;

    @Option(names = "--warmup", defaultValue = "3", description = "Seconds of warm-up, not measured. Default: ${DEFAULT-VALUE}.")
    int warmupSeconds;

    @Option(names = "--rate", defaultValue = "0",
        description = "Requests per second (open model, latency corrected for coordinated omission); 0: closed model, max throughput. Default: ${DEFAULT-VALUE}.")
    double rate;
  }

  @Command(name = "load", mixinStandardHelpOptions = true, description = "GET/PUT/DELETE load against a node or nginx.")
  static final class Load implements Callable<Integer> {
    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "Node or nginx. Default: ${DEFAULT-VALUE}.")
    String url;

    @CommandLine.Mixin LoadOptions options;

    @Option(names = "--keys", defaultValue = "10000", description = "Key count. Default: ${DEFAULT-VALUE}.")
    int keys;

    @Option(names = "--value-bytes", defaultValue = "100", description = "Value size. Default: ${DEFAULT-VALUE}.")
    int valueBytes;

    @Option(names = "--get", defaultValue = "90", description = "Percent GETs. Default: ${DEFAULT-VALUE}.")
    int getPercent;

    @Option(names = "--put", defaultValue = "10", description = "Percent PUTs (the rest DELETEs). Default: ${DEFAULT-VALUE}.")
    int putPercent;

    @Option(names = "--fill", defaultValue = "true", negatable = true, description = "Write every key once first. Default: ${DEFAULT-VALUE}.")
    boolean fill;

    @Option(names = "--out", description = "Directory for the JSON summary and the .hgrm latency file.")
    Path out;

    @Override
    public Integer call() {
      if (fill) {
        HttpBench.fill(url, keys, valueBytes);
      }
      Workload w = new Workload("/keys/k", keys, valueBytes, getPercent, putPercent);
      LoadResult r = HttpBench.measure(url, w, options.connections, options.rate,
          Duration.ofSeconds(options.warmupSeconds), Duration.ofSeconds(options.seconds));
      System.out.println(Results.describe("load " + url, r));
      if (out != null) {
        Results.writeJson(out.resolve("load.json"), Results.summary("load", r));
        Results.writeHgrm(out.resolve("load.hgrm"), r.latency());
      }
      return r.failures() == 0 ? 0 : 1;
    }
  }

  @Command(name = "ceiling", mixinStandardHelpOptions = true,
      description = "GET of a 100-byte value from --url beside nginx answering a fixed 100-byte 200, same load, same run.")
  static final class Ceiling implements Callable<Integer> {
    @Option(names = "--url", required = true, description = "A node (or nginx in front of nodes).")
    String url;

    @CommandLine.Mixin LoadOptions options;

    @Override
    public Integer call() throws Exception {
      Path nginxBinary = ToolFinder.forThisMachine().find(Tool.NGINX)
          .orElseThrow(() -> new IllegalStateException(Tool.notRun(List.of(Tool.NGINX))));
      Path dir = TempDirs.create("logkv-ceiling");
      try (FixedReplyNginx nginx = new FixedReplyNginx(nginxBinary, dir, 100).start()) {
        HttpBench.fill(url, 1000, 100);
        LoadOptions o = options;
        LoadResult ceiling = HttpBench.measure(nginx.url(), Workload.fixedGet("/fixed"),
            o.connections, o.rate, Duration.ofSeconds(o.warmupSeconds), Duration.ofSeconds(o.seconds));
        LoadResult node = HttpBench.measure(url, new Workload("/keys/k", 1000, 100, 100, 0), o.connections, o.rate,
            Duration.ofSeconds(o.warmupSeconds), Duration.ofSeconds(o.seconds));
        System.out.println(Results.describe("nginx fixed 200 (ceiling)", ceiling));
        System.out.println(Results.describe("GET " + url, node));
        System.out.printf("ratio: %.2f of the ceiling%n", node.throughput() / ceiling.throughput());
        return 0;
      } finally {
        TempDirs.deleteRecursively(dir);
      }
    }
  }

  @Command(name = "replay", mixinStandardHelpOptions = true,
      description = "Restart-to-ready against live keys, from the log and from a snapshot, beside the stock consumer.")
  static final class Replay implements Callable<Integer> {
    @Option(names = "--keys", split = ",", defaultValue = "10000,100000,1000000", description = "Key counts. Default: ${DEFAULT-VALUE}.")
    List<Long> keys;

    @Override
    public Integer call() throws Exception {
      for (long k : keys) {
        ReplayBench.Point p = ReplayBench.measure(k, 1, true, m -> System.out.println("  " + m));
        System.out.printf("%,10d keys: stock consumer %.2f s (%.0f rec/s); node from log %.2f s (replay %.0f rec/s); from snapshot %.2f s%n",
            p.keys(), p.rawConsumerSeconds(), p.rawConsumerRate(), p.fromLogReadySeconds(), p.nodeReplayRate(),
            p.fromSnapshotReadySeconds());
      }
      return 0;
    }
  }

  @Command(name = "start", mixinStandardHelpOptions = true,
      description = "Node process start to ready with nothing to replay, each step, with and without a class archive.")
  static final class Start implements Callable<Integer> {
    @Option(names = "--runs", defaultValue = "5", description = "Measured starts of each kind. Default: ${DEFAULT-VALUE}.")
    int runs;

    @Override
    public Integer call() throws Exception {
      Path dir = TempDirs.create("logkv-start");
      try (LocalCluster cluster = Clusters.builder().nodes(1).brokers(1).nginx(null).build().start()) {
        StartBench.Result r = StartBench.measure(cluster.kafka().bootstrapServers(), runs, dir,
            m -> System.out.println("  " + m));
        System.out.printf("start to ready: median %.3f s; steps: %s%n", r.plain().medianSeconds(),
            r.plain().describeSteps());
        if (r.archived() != null) {
          System.out.printf("with the class archive (%d MiB): median %.3f s (%.2fx); steps: %s%n", r.archiveBytes() >> 20,
              r.archived().medianSeconds(), r.archived().medianSeconds() / r.plain().medianSeconds(),
              r.archived().describeSteps());
        } else {
          System.out.println("no class archive: the node runs from this JVM's class path, not store/target/logkv-store.jar");
        }
        return 0;
      } finally {
        TempDirs.deleteRecursively(dir);
      }
    }
  }

  @Command(name = "lag", mixinStandardHelpOptions = true,
      description = "Replication lag on a local 2-node cluster: a write's acknowledgement on n1 to its visibility on n2.")
  static final class Lag implements Callable<Integer> {
    @Option(names = "--rate", defaultValue = "10000", description = "Writes per second. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--duration", defaultValue = "15", description = "Seconds. Default: ${DEFAULT-VALUE}.")
    int seconds;

    @Override
    public Integer call() throws Exception {
      try (LocalCluster cluster = Clusters.builder().nodes(2).nginx(null).build().start()) {
        LagBench.Result r = LagBench.run(cluster, rate, Duration.ofSeconds(3), Duration.ofSeconds(seconds), 10);
        System.out.println(Results.describe("writes to n1", r.writes()));
        System.out.printf("lag to every other node: p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms (%d samples); probe round trip p50 %.3f ms%n",
            r.lag().getValueAtPercentile(50) / 1e6, r.lag().getValueAtPercentile(99) / 1e6,
            r.lag().getValueAtPercentile(99.9) / 1e6, r.samples(), r.probeRoundTrip().getValueAtPercentile(50) / 1e6);
      }
      return 0;
    }
  }
}
