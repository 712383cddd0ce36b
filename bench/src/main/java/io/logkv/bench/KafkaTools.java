package io.logkv.bench;

import io.logkv.kafkalocal.ChildProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Kafka's own performance tools from the kafka-tools artifact, the limits of the log under logkv:
 * {@code EndToEndLatency} (produce one record, wait for the ack, consume it, repeat) and {@code
 * ProducerPerformance} (produce as fast as the broker acknowledges). Each runs as a child JVM on
 * this JVM's class path, so its CPU is its own, against a compacted topic of its own, with the
 * producer settings logkv's node uses. A tool that fails, or reports failed sends, is an
 * exception: its figures would be wrong.
 */
final class KafkaTools {
  private static final Pattern AVERAGE = Pattern.compile("Avg latency: ([0-9.]+) ms");
  private static final Pattern PERCENTILES = Pattern.compile("Percentiles: 50th = (\\d+), 99th = (\\d+), 99\\.9th = (\\d+)");
  private static final Pattern PRODUCER_SUMMARY = Pattern.compile(
      "(\\d+) records sent, ([0-9.]+) records/sec \\(([0-9.]+) MB/sec\\), ([0-9.]+) ms avg latency, ([0-9.]+) ms max latency,"
          + " (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th, (\\d+) ms 99\\.9th\\.");

  /**
   * The producer settings of logkv's LogWriter that bear on speed: acks=all, idempotent, five
   * requests in flight, no lingering, 64 KiB batches, no compression.
   */
  static final Map<String, String> LOGKV_PRODUCER = Map.of(
      "acks", "all",
      "enable.idempotence", "true",
      "max.in.flight.requests.per.connection", "5",
      "linger.ms", "0",
      "batch.size", Integer.toString(64 * 1024),
      "compression.type", "none");

  private final String bootstrap;
  private final Path dir;
  private final Path config;

  /** @param dir the tools' configuration and raw output */
  KafkaTools(String bootstrap, Path dir) {
    this.bootstrap = bootstrap;
    this.dir = dir;
    this.config = dir.resolve("kafka-tools-producer.properties");
    StringBuilder p = new StringBuilder("# logkv's producer settings (io.logkv.store.log.LogWriter)\n");
    LOGKV_PRODUCER.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> p.append(e.getKey()).append('=').append(e.getValue()).append('\n'));
    try {
      Files.createDirectories(dir);
      Files.writeString(config, p.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + config, e);
    }
  }

  /**
   * Creates {@code topic} as a node creates its own (compacted, 6 partitions, the broker's
   * replication) but without the node's write fence (message.timestamp.before.max.ms): the fence
   * would reject records that ProducerPerformance, unthrottled, leaves in its buffer longer than
   * that, and the baseline would be a count of failures.
   */
  void createTopic(String topic) {
    NewTopic t = new NewTopic(topic, Optional.of(6), Optional.empty()).configs(Map.of(
        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(8 << 20)));
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("could not create topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException("could not create topic " + topic + ": the broker did not answer within 30 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + topic, e);
    }
  }

  /**
   * EndToEndLatency's figures. The tool prints its percentiles in whole milliseconds, rounded
   * down: a printed 1 means somewhere in [1, 2) ms. Its average has four decimals.
   */
  record EndToEnd(long records, int recordBytes, double averageMs, long p50Ms, long p99Ms, long p999Ms, String command) {}

  /** {@code EndToEndLatency --producer-acks all} with {@code records} records of {@code recordBytes}, keyed (the topic is compacted). */
  EndToEnd endToEndLatency(String name, String topic, int records, int recordBytes) {
    List<String> args = List.of("--bootstrap-server", bootstrap, "--topic", topic, "--num-records", Integer.toString(records),
        "--producer-acks", "all", "--record-size", Integer.toString(recordBytes), "--record-key-size", "8",
        "--command-config", config.toString());
    String out = run(name, "org.apache.kafka.tools.EndToEndLatency", args, Duration.ofMinutes(10));
    Matcher avg = AVERAGE.matcher(out);
    Matcher pct = PERCENTILES.matcher(out);
    if (!avg.find() || !pct.find()) {
      throw new IllegalStateException("no latency summary in EndToEndLatency's output:\n" + out);
    }
    return new EndToEnd(records, recordBytes, Double.parseDouble(avg.group(1)), Long.parseLong(pct.group(1)),
        Long.parseLong(pct.group(2)), Long.parseLong(pct.group(3)), "EndToEndLatency " + String.join(" ", args));
  }

  /** ProducerPerformance's summary line. */
  record ProducerPerf(long records, int recordBytes, double recordsPerSecond, double mbPerSecond, double averageMs,
      double maxMs, long p50Ms, long p95Ms, long p99Ms, long p999Ms, String command) {
    double bytesPerSecond() {
      return recordsPerSecond * recordBytes;
    }
  }

  /**
   * {@code ProducerPerformance --throughput -1}: {@code records} records of {@code recordBytes}
   * with keys rotating over {@code keys} (the topic is compacted), acks=all.
   */
  ProducerPerf producerPerformance(String name, String topic, long records, int recordBytes, int keys) {
    List<String> args = List.of("--bootstrap-server", bootstrap, "--topic", topic, "--num-records", Long.toString(records),
        "--record-size", Integer.toString(recordBytes), "--throughput", "-1", "--key-distribution", "range",
        "--record-key-range", Integer.toString(keys), "--command-config", config.toString());
    String out = run(name, "org.apache.kafka.tools.ProducerPerformance", args, Duration.ofMinutes(10));
    return parseProducerPerformance(out, recordBytes, "ProducerPerformance " + String.join(" ", args));
  }

  /** The last summary line (the tool prints progress lines of another form every 5 s). */
  static ProducerPerf parseProducerPerformance(String out, int recordBytes, String command) {
    Matcher m = PRODUCER_SUMMARY.matcher(out);
    MatchResult last = null;
    while (m.find()) {
      last = m.toMatchResult();
    }
    if (last == null) {
      throw new IllegalStateException("no summary line in ProducerPerformance's output:\n" + out);
    }
    if (out.contains("Exception")) {
      throw new IllegalStateException("ProducerPerformance reported failed sends; its figures would be wrong:\n" + out);
    }
    return new ProducerPerf(Long.parseLong(last.group(1)), recordBytes, Double.parseDouble(last.group(2)),
        Double.parseDouble(last.group(3)), Double.parseDouble(last.group(4)), Double.parseDouble(last.group(5)),
        Long.parseLong(last.group(6)), Long.parseLong(last.group(7)), Long.parseLong(last.group(8)),
        Long.parseLong(last.group(9)), command);
  }

  /** Runs a tool's main class as a child JVM and returns its output, kept in {@code kafka-<name>.txt}. */
  private String run(String name, String mainClass, List<String> args, Duration timeout) {
    Path log = dir.resolve("kafka-" + name + ".txt");
    try {
      Files.deleteIfExists(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (ChildProcess tool = ChildProcess.java("kafka-" + name, List.of("-Xms256m", "-Xmx512m"), mainClass, args, log)) {
      tool.start();
      if (!tool.awaitExit(timeout)) {
        throw new IllegalStateException(mainClass + " did not finish within " + timeout.toMinutes() + " minutes; its output:\n"
            + tool.logTail(40));
      }
      String out = Files.readString(log);
      if (tool.exitCode() != 0) {
        throw new IllegalStateException(mainClass + " exited with " + tool.exitCode() + "; its output:\n" + tool.logTail(40));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + log, e);
    }
  }
}
