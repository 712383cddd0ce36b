package io.logkv.store;

import static io.logkv.store.ReplicationIT.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that was away for longer than the topic keeps tombstones must not bring a deleted key
 * back: while it was frozen, the key was deleted and compaction removed both the key's record and
 * its tombstone, so resuming from its old positions would keep the key forever.
 */
@ExtendWith(SharedBroker.class)
class ResurrectionIT {
  private static final long DELETE_RETENTION_MILLIS = 2_000;

  @Test
  @Timeout(240)
  void nodeFrozenLongerThanTheTombstoneRetention_rebuilds_andDoesNotResurrectADeletedKey(@TempDir Path dir)
      throws Exception {
    String topic = "resurrect-" + UUID.randomUUID().toString().substring(0, 8);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedBroker.bootstrapServers()))) {
      // Compaction as fast as the broker allows: segments roll every 100 ms, any dirt is cleaned,
      // tombstones are kept 2 s.
      admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty()).configs(Map.of(
          "cleanup.policy", "compact",
          "segment.ms", "100",
          "min.cleanable.dirty.ratio", "0.01",
          "min.compaction.lag.ms", "0",
          "delete.retention.ms", Long.toString(DELETE_RETENTION_MILLIS))))).all().get(30, TimeUnit.SECONDS);
    }
    try (TestNodes nodes = new TestNodes(SharedBroker.bootstrapServers(), dir, topic, 1);
        ProcessNode victim = ProcessNode.startReady("victim", topic, dir)) {
      Node other = nodes.start("other");
      String victimUrl = victim.url();

      var put = Http.put(other.url() + "/keys/doomed", "alive");
      assertThat(put.statusCode()).isEqualTo(200);
      String position = put.headers().firstValue("X-Log-Position").orElseThrow();
      assertThat(Http.get(victimUrl + "/keys/doomed", Map.of("X-Min-Position", position)).body()).isEqualTo("alive");

      victim.pause();
      assertThat(Http.delete(other.url() + "/keys/doomed").statusCode()).isEqualTo(204);
      // Keep writing other keys (so segments roll and get cleaned) until compaction has removed
      // every record of the key, its tombstone included.
      try (KafkaProducer<byte[], byte[]> filler = producer()) {
        int[] round = {0};
        await("compaction removed the key and its tombstone").atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(300))
            .until(() -> {
              for (int i = 0; i < 20; i++) {
                filler.send(new ProducerRecord<>(topic, bytes("filler-" + (i % 5)),
                    io.logkv.store.record.RecordCodec.encode(bytes("round " + round[0]), 0, System.currentTimeMillis())));
              }
              filler.flush();
              round[0]++;
              return !keysInLog(topic).contains("doomed");
            });
      }

      victim.resume();
      // The victim notices it was away longer than the retention, rebuilds from the start of the
      // log (unready meanwhile) and ends with exactly the state of a node that never left.
      await("the victim rebuilt and is ready").atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> {
        var status = json(Http.get(victimUrl + "/status").body());
        return status.get("rebuilds").asLong() >= 1 && status.get("ready").asBoolean();
      });
      String end = LogFill.endToken(topic, 1);
      assertThat(Http.get(victimUrl + "/keys/doomed", Map.of("X-Min-Position", end)).statusCode()).isEqualTo(404);
      assertThat(Http.get(other.url() + "/keys/doomed", Map.of("X-Min-Position", end)).statusCode()).isEqualTo(404);
      assertThat(digest(victimUrl)).isEqualTo(digest(other.url()));
      assertThat(Http.get(victimUrl + "/metrics").body()).contains("logkv_rebuilds_total 1.0");
    }
  }

  private static Set<String> keysInLog(String topic) {
    Properties p = new Properties();
    p.put("bootstrap.servers", SharedBroker.bootstrapServers());
    Set<String> keys = new HashSet<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp), Duration.ofSeconds(10)).get(tp);
      for (int polls = 0; polls < 100 && c.position(tp, Duration.ofSeconds(10)) < end; polls++) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          keys.add(new String(r.key(), StandardCharsets.UTF_8));
        }
      }
    }
    return keys;
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put("bootstrap.servers", SharedBroker.bootstrapServers());
    p.put("acks", "all");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static String digest(String url) {
    return json(Http.get(url + "/admin/digest").body()).get("digest").asText();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
