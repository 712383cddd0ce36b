package io.logkv.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logkv.store.config.NodeConfig;
import io.logkv.store.log.LogException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The log topic is created compacted when absent, and an existing one is checked, not trusted. */
@ExtendWith(SharedBroker.class)
class TopicCheckIT {

  @Test
  void absentTopic_isCreatedCompacted_withTheConfiguredPartitions(@TempDir Path dir) throws Exception {
    String topic = "created-" + UUID.randomUUID();
    try (Node node = start(topic, 4, dir); Admin admin = admin()) {
      assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions())
          .hasSize(4);
      ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config c = admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
      assertThat(c.get("cleanup.policy").value()).isEqualTo("compact");
      // The write fence: records older than the write timeout (5 s by default) are refused.
      assertThat(c.get("message.timestamp.type").value()).isEqualTo("CreateTime");
      assertThat(c.get("message.timestamp.before.max.ms").value()).isEqualTo("5000");
    }
  }

  @Test
  void writeReachingTheBrokerAfterTheWriteTimeout_isRefused_andChangesNothing(@TempDir Path dir) throws Exception {
    // What a produce request retransmitted after a partition heals looks like to the broker: a
    // record sent (timestamped) long before it arrives.
    String topic = "fenced-" + UUID.randomUUID();
    try (Node node = start(topic, 2, dir);
        KafkaProducer<byte[], byte[]> late = new KafkaProducer<>(Map.of(
            "bootstrap.servers", SharedBroker.bootstrapServers(),
            "key.serializer", ByteArraySerializer.class.getName(),
            "value.serializer", ByteArraySerializer.class.getName()))) {
      assertThat(Http.put(node.url() + "/keys/k", "current").statusCode()).isEqualTo(200);
      long sentTenSecondsAgo = System.currentTimeMillis() - 10_000;
      byte[] old = io.logkv.store.record.RecordCodec.encode("old".getBytes(StandardCharsets.UTF_8), 0, sentTenSecondsAgo);
      byte[] key = "k".getBytes(StandardCharsets.UTF_8);
      int partition = io.logkv.store.record.Partitioner.partition(key, 2); // the node's own partitioner
      Future<?> send = late.send(new ProducerRecord<>(topic, partition, sentTenSecondsAgo, key, old));
      assertThatThrownBy(() -> send.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(InvalidTimestampException.class);

      assertThat(Http.put(node.url() + "/keys/other", "x").statusCode()).isEqualTo(200); // the log moves on
      assertThat(Http.get(node.url() + "/keys/k?consistency=strong").body()).isEqualTo("current");
      assertThat(Http.get(node.url() + "/keys/k").body()).isEqualTo("current");
    }
  }

  @Test
  void existingTopicWithOtherPartitions_stopsTheNode_sayingWhy(@TempDir Path dir) throws Exception {
    String topic = "three-" + UUID.randomUUID();
    create(topic, 3, "compact");
    assertThatThrownBy(() -> start(topic, 6, dir))
        .isInstanceOf(LogException.class)
        .hasMessageContaining("has 3 partitions")
        .hasMessageContaining("--partitions 3");
  }

  @Test
  void existingTopicWithoutCompaction_stopsTheNode_sayingWhy(@TempDir Path dir) throws Exception {
    String topic = "deleting-" + UUID.randomUUID();
    create(topic, 2, "delete");
    assertThatThrownBy(() -> start(topic, 2, dir))
        .isInstanceOf(LogException.class)
        .hasMessageContaining("cleanup.policy=delete");
  }

  /** A node on {@code topic}, ready (its replay done) before the test sends it anything. */
  private static Node start(String topic, int partitions, Path dir) {
    Node node = Node.start(NodeConfig.of("--bootstrap-servers", SharedBroker.bootstrapServers(), "--port", "0",
        "--topic", topic, "--partitions", Integer.toString(partitions), "--data-dir", dir.toString()));
    try {
      node.awaitReady(60_000);
      return node;
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
  }

  private static void create(String topic, int partitions, String policy) throws Exception {
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())
          .configs(Map.of("cleanup.policy", policy)))).all().get(30, TimeUnit.SECONDS);
    }
  }

  private static Admin admin() {
    return Admin.create(Map.of("bootstrap.servers", SharedBroker.bootstrapServers()));
  }
}
