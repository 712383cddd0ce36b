package io.logkv.bench;

import io.logkv.cluster.LocalCluster;
import io.logkv.cluster.NodeProcess;
import io.logkv.store.record.RecordCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Restart-to-ready time against the number of live keys (100-byte values), from the log and from
 * a snapshot, beside the stock Kafka consumer reading the same topic into a HashMap in the same
 * run. Restart-to-ready is measured from starting the node's process to its first 200 on
 * /health/ready: JVM start, topic check, snapshot load and replay all count.
 */
final class ReplayBench {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /**
   * One measured size.
   *
   * @param records records in the topic (keys times versions)
   * @param rawConsumerSeconds the stock consumer, from its first record to the last
   * @param rawConsumerTotalSeconds the same, from creating the consumer
   * @param nodeReplayRate the node's own replay rate (records/s, from its /status)
   */
  record Point(long keys, long records, double rawConsumerSeconds, double rawConsumerTotalSeconds,
      double rawConsumerRate, double fromLogReadySeconds, double nodeReplaySeconds, double nodeReplayRate,
      double fromSnapshotReadySeconds, long snapshotBytes) {}

  private ReplayBench() {}

  /**
   * Measures {@code keys} live keys with {@code versions} records each (so {@code keys * versions}
   * records of history). {@code measureFromLog} false skips the full replay (for long histories).
   */
  static Point measure(long keys, int versions, boolean measureFromLog, Consumer<String> progress) throws Exception {
    try (LocalCluster cluster = Clusters.builder()
        .nodes(1)
        .nginx(null)
        .nodeJvmOptions(List.of("-Xms1g", "-Xmx3g", "-XX:+UseParallelGC"))
        .nodeArgs(List.of("--snapshot-interval", "1h", "--max-memory-bytes", "2GiB"))
        .build()
        .start()) {
      NodeProcess node = cluster.node(0);
      String bootstrap = cluster.kafka().bootstrapServers();
      progress.accept(String.format("writing %,d records (%,d keys x %d)", keys * versions, keys, versions));
      fill(bootstrap, keys, versions);
      progress.accept("stock consumer reading the topic into a HashMap");
      double[] raw = rawConsumer(bootstrap, keys * versions);

      double fromLog = Double.NaN;
      double replaySeconds = Double.NaN;
      double replayRate = Double.NaN;
      Path snapshot = cluster.dataDir().resolve("nodes").resolve(node.id()).resolve("snapshot.bin");
      if (measureFromLog) {
        node.stop();
        Files.deleteIfExists(snapshot);
        progress.accept("node restart, full replay from the log");
        fromLog = timeToReady(node);
        Map<?, ?> replay = (Map<?, ?>) status(node).get("replay");
        replaySeconds = ((Number) replay.get("seconds")).doubleValue();
        replayRate = ((Number) replay.get("rate")).doubleValue();
        check(node, keys);
      }
      node.stop(); // a clean stop writes the snapshot
      long snapshotBytes = Files.size(snapshot);
      progress.accept("node restart from the snapshot");
      double fromSnapshot = timeToReady(node);
      Map<?, ?> replay = (Map<?, ?>) status(node).get("replay");
      if (!"snapshot".equals(replay.get("source"))) {
        throw new IllegalStateException("the node did not start from its snapshot: " + replay);
      }
      check(node, keys);
      return new Point(keys, keys * versions, raw[0], raw[1], keys * versions / raw[0], fromLog, replaySeconds, replayRate,
          fromSnapshot, snapshotBytes);
    }
  }

  private static double timeToReady(NodeProcess node) {
    long start = System.nanoTime();
    node.start().awaitReady(Duration.ofMinutes(5));
    return (System.nanoTime() - start) / 1e9;
  }

  private static void check(NodeProcess node, long keys) throws Exception {
    long held = ((Number) status(node).get("keys")).longValue();
    if (held != keys) {
      throw new IllegalStateException("the node holds " + held + " keys, expected " + keys);
    }
  }

  private static Map<?, ?> status(NodeProcess node) throws Exception {
    String body = HTTP.send(HttpRequest.newBuilder(URI.create(node.url() + "/status")).GET().build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return Results.JSON.readValue(body, Map.class);
  }

  /** {@code versions} rounds over every key, straight to the node's topic. */
  private static void fill(String bootstrap, long keys, int versions) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("linger.ms", "10");
    p.put("batch.size", Integer.toString(512 * 1024));
    // The default 32 MiB buffer: a record must reach the broker within the topic's write fence
    // (the node's write timeout, 5 s) of being sent, so it must not queue here for long.
    p.put("acks", "all");
    p.put("compression.type", "none");
    byte[] value = new byte[100];
    AtomicReference<Exception> refused = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      long now = System.currentTimeMillis();
      for (int v = 0; v < versions; v++) {
        for (long k = 0; k < keys; k++) {
          value[0] = (byte) v;
          producer.send(new ProducerRecord<>("logkv", ("key-" + k).getBytes(StandardCharsets.UTF_8),
              RecordCodec.encode(value, 0, now)), (m, e) -> refused.compareAndSet(null, e));
        }
      }
      producer.flush();
    }
    if (refused.get() != null) {
      throw new IllegalStateException("filling the log failed; the figures would be wrong", refused.get());
    }
  }

  /** The stock consumer's replay: {seconds from the first record, seconds in all}. */
  private static double[] rawConsumer(String bootstrap, long expected) {
    long created = System.nanoTime();
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("enable.auto.commit", "false");
    p.put("max.poll.records", "10000");
    p.put("max.partition.fetch.bytes", Integer.toString(8 << 20));
    p.put("fetch.max.bytes", Integer.toString(64 << 20));
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer.partitionsFor("logkv").forEach(i -> partitions.add(new TopicPartition("logkv", i.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      HashMap<String, byte[]> map = new HashMap<>();
      long first = 0;
      long seen = 0;
      while (!reached(consumer, end)) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (first == 0) {
            first = System.nanoTime();
          }
          map.put(new String(r.key(), StandardCharsets.UTF_8), r.value());
          seen++;
        }
      }
      long done = System.nanoTime();
      if (seen < expected) {
        throw new IllegalStateException("the consumer saw " + seen + " records, expected " + expected);
      }
      return new double[] {(done - first) / 1e9, (done - created) / 1e9};
    }
  }

  private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }
}
