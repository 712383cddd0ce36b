package io.logkv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The whole report, in quick mode: a smoke test that every section runs and every figure gets its row. */
class ReportCommandIT {
  /** The HTTP figures, each of which has a row whatever happens (measured, NOT RUN or INVALID). */
  private static final List<String> HTTP_FIGURES = List.of(
      "GET 100 B, one node, 64 connections (wrk), against nginx's fixed 100 B reply",
      "GET 100 B, one node, 64 connections (wrk), against Redis GET",
      "PUT 100 B acked, one node, 64 connections (wrk), against Redis SET",
      "PUT 100 B, one connection, p50 (wrk --latency), against Kafka EndToEndLatency p50",
      "PUT 100 B, one connection, p99 (wrk --latency), against Kafka EndToEndLatency p99",
      "PUT 4 KiB, one node, 64 connections (wrk): straight to the node, against through nginx",
      "PUT 4 KiB, one node, 64 connections (wrk), bytes/s, against Kafka ProducerPerformance 4 KiB",
      "GET 100 B through nginx, 3 nodes, 64 connections (wrk), against nginx proxying to a fixed reply",
      "PUT 100 B at a constant 10k/s, one node, 64 connections: p99 from due time (logkv client)",
      "node process start to ready, 0 records to replay");

  /**
   * About five minutes on a 2-core machine: behind a flag, so that mvn verify stays short. Run it
   * with {@code mvn -pl bench -am verify -Dit.test=ReportCommandIT -Dlogkv.bench.quickReport=true}.
   */
  @Test
  @EnabledIfSystemProperty(named = "logkv.bench.quickReport", matches = "true",
      disabledReason = "the whole --quick report takes ~5 minutes: -Dlogkv.bench.quickReport=true runs it")
  @Timeout(value = 30, unit = TimeUnit.MINUTES)
  void quickReport_fromThePackagedJar_runsEverySection_andGivesEveryFigureItsRow(@TempDir Path out) throws Exception {
    BenchJar.run(out, Duration.ofMinutes(25), "report", "--quick");

    String report = Files.readString(out.resolve("REPORT.md"));
    assertThat(report).contains("Quick mode", "## Machine", "## Figures", "## JMH (all results)",
        "## How each figure is measured");
    assertThat(report).contains(HTTP_FIGURES);
    assertThat(report).contains("cache get, 2threads, TTL on", "replication lag at 10k writes/s",
        "restart-to-ready, 20,000 keys, from a snapshot");
    assertThat(report).as("no run had errors").doesNotContain("| " + Report.INVALID + " |");
    for (String figure : CapacityFigures.FIGURES) {
      assertThat(report).as("capacity is left out of the quick report, saying so")
          .contains("| " + figure + " | " + Report.SKIPPED + ": " + CapacityFigures.SKIPPED_IN_QUICK);
    }
    ToolFinder tools = ToolFinder.forThisMachine();
    List<Tool> missing = tools.missing(Tool.WRK, Tool.NGINX, Tool.REDIS_SERVER, Tool.REDIS_BENCHMARK);
    if (missing.isEmpty()) {
      assertThat(report).doesNotContain(Report.NOT_RUN);
    }
    for (Tool t : missing) {
      assertThat(report).contains(t.command() + " missing").contains(t.aptPackage());
    }
    for (String file : List.of("latency-percentiles.png", "lag.png", "replay.png", "report.json", "jmh.json",
        "raw/wrk-logkv.lua")) {
      assertThat(out.resolve(file)).as(file).isNotEmptyFile();
    }
  }

  @Test
  @EnabledIfSystemProperty(named = "logkv.bench.quickReport", matches = "true",
      disabledReason = "starts nodes and nginx for two minutes; mvn verify stays under 20 minutes without it."
          + " -Dlogkv.bench.quickReport=true runs it (ToolFinderTest covers the install commands)")
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void withAnEmptyPath_everyFigureThatNeedsATool_isNotRun_withItsInstallCommand(@TempDir Path out) throws Exception {
    ReportCommand command = new ReportCommand();
    new CommandLine(command).parseArgs("--quick", "--only", "http", "--out", out.toString());
    command.tools = ToolFinder.onPath("");

    assertThat(command.call()).isZero();

    String report = Files.readString(out.resolve("REPORT.md"));
    assertThat(report).contains(HTTP_FIGURES);
    List<String> rows = report.lines().filter(l -> l.startsWith("| ")).toList();
    for (String figure : HTTP_FIGURES) {
      String row = rows.stream().filter(r -> r.startsWith("| " + figure)).findFirst().orElseThrow();
      boolean needsATool = !figure.contains("logkv client") && !figure.startsWith("node process start");
      if (needsATool) {
        assertThat(row).contains("NOT RUN: wrk", "missing; install with `sudo apt-get install wrk").endsWith("| NOT RUN |");
      } else {
        assertThat(row).as("measured without external tools").doesNotContain("NOT RUN");
      }
    }
    assertThat(report).contains("## Not measured", "install with `sudo apt-get install wrk nginx-light`",
        "install with `sudo apt-get install wrk redis-server`");
    assertThat(report).contains("redis-server: not installed (sudo apt-get install redis-server)");
  }
}
