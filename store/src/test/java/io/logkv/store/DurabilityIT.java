package io.logkv.store;

import static io.logkv.store.ReplicationIT.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.logkv.kafkalocal.KafkaCluster;
import io.logkv.kafkalocal.TempDirs;
import io.logkv.store.config.NodeConfig;
import io.logkv.store.log.LogException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * On three brokers the node creates its topic with replication factor 3 and min.insync.replicas
 * 2 and checks an existing one; an acknowledged write survives the loss of a broker; with two of
 * three gone writes are refused, never hang, and nothing acknowledged is lost.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DurabilityIT {
  private final Path dir = TempDirs.create("logkv-durability");
  private KafkaCluster kafka;

  @BeforeAll
  void startKafka() {
    kafka = KafkaCluster.builder(dir.resolve("kafka")).brokers(3).build().start();
  }

  @AfterAll
  void stopKafka() {
    kafka.close();
    TempDirs.deleteRecursively(dir);
  }

  @Test
  @Order(1)
  void newTopic_getsThreeReplicasAndMinIsrTwo_shownInStatusAndMetrics() throws Exception {
    String topic = "durable-" + UUID.randomUUID().toString().substring(0, 8);
    try (TestNodes nodes = new TestNodes(kafka.bootstrapServers(), dir.resolve("a"), topic, 3); Admin admin = admin()) {
      Node n1 = nodes.start("n1");
      for (TopicPartitionInfo p : admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
          .get(topic).partitions()) {
        assertThat(p.replicas()).hasSize(3);
      }
      var config = admin.describeConfigs(List.of(new org.apache.kafka.common.config.ConfigResource(
          org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic))).all().get(30, TimeUnit.SECONDS);
      assertThat(config.values().iterator().next().get("min.insync.replicas").value()).isEqualTo("2");
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        JsonNode status = json(Http.get(n1.url() + "/status").body());
        assertThat(status.get("replication_factor").asInt()).isEqualTo(3);
        assertThat(status.get("min_insync_replicas").asInt()).isEqualTo(2);
        assertThat(status.get("under_replicated_partitions").asInt()).isZero();
      });
      assertThat(Http.get(n1.url() + "/metrics").body())
          .contains("logkv_topic_replication_factor 3.0")
          .contains("logkv_topic_min_insync_replicas 2.0")
          .contains("logkv_under_replicated_partitions 0.0");
    }
  }

  @Test
  @Order(2)
  void existingTopicWithFewerReplicasOrALowerMinIsr_stopsTheNode_sayingHowToFixIt() throws Exception {
    String thin = "thin-" + UUID.randomUUID().toString().substring(0, 8);
    String lax = "lax-" + UUID.randomUUID().toString().substring(0, 8);
    try (Admin admin = admin()) {
      admin.createTopics(List.of(
          new NewTopic(thin, Optional.of(3), Optional.of((short) 1)).configs(Map.of("cleanup.policy", "compact")),
          new NewTopic(lax, Optional.of(3), Optional.of((short) 3))
              .configs(Map.of("cleanup.policy", "compact", "min.insync.replicas", "1")))).all().get(30, TimeUnit.SECONDS);
    }
    assertThatThrownBy(() -> start(thin))
        .isInstanceOf(LogException.class)
        .hasMessageContaining("has replication factor 1 but this node asks for 3")
        .hasMessageContaining("kafka-reassign-partitions")
        .hasMessageContaining("--replication-factor 1");
    assertThatThrownBy(() -> start(lax))
        .isInstanceOf(LogException.class)
        .hasMessageContaining("min.insync.replicas=1 but this node asks for 2")
        .hasMessageContaining("--add-config min.insync.replicas=2");
    // Asking for less is a choice the user can make, and then the node starts.
    try (Node accepted = start(thin, "--replication-factor", "1")) {
      accepted.awaitReady(60_000);
    }
  }

  @Test
  @Order(3)
  @Timeout(300)
  void oneBrokerDown_writesGoOn_twoDown_writesAreRefused_andNothingAcknowledgedIsLost() throws Exception {
    String topic = "loss-" + UUID.randomUUID().toString().substring(0, 8);
    try (TestNodes nodes = new TestNodes(kafka.bootstrapServers(), dir.resolve("b"), topic, 3)) {
      Node n1 = nodes.start("n1", "--write-timeout", "5s");
      for (int i = 0; i < 30; i++) {
        assertThat(Http.put(n1.url() + "/keys/k" + i, "before-" + i).statusCode()).isEqualTo(200);
      }

      kafka.broker(0).kill();
      for (int i = 0; i < 30; i++) {
        HttpResponse<String> put = Http.put(n1.url() + "/keys/k" + i, "one-down-" + i);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
      }
      assertThat(Http.get(n1.url() + "/keys/k7?consistency=strong").body()).isEqualTo("one-down-7");
      await("the node sees under-replicated partitions").atMost(Duration.ofSeconds(30))
          .until(() -> json(Http.get(n1.url() + "/status").body()).get("under_replicated_partitions").asInt() > 0);

      kafka.broker(1).kill();
      // With two of three brokers gone no write can be acknowledged: each one is refused within
      // the write timeout (none hangs), as not applied or, if it reached a leader, unknown.
      for (int i = 0; i < 5; i++) {
        HttpResponse<String> put = Http.put(n1.url() + "/keys/k" + i, "two-down-" + i);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(503);
        assertThat(json(put.body()).get("outcome").asText()).isIn("not_applied", "unknown");
      }
      assertThat(Http.get(n1.url() + "/keys/k7").body()).as("reads go on from memory").isEqualTo("one-down-7");
      // Once the brokers have been silent past --broker-silence-limit, a write is refused at once,
      // as certainly not applied.
      // (not_applied: certainly not in the log; a write that timed out would say unknown.)
      await("writes refused at once").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        HttpResponse<String> put = Http.put(n1.url() + "/keys/refused", "x");
        assertThat(put.statusCode()).isEqualTo(503);
        assertThat(json(put.body()).get("outcome").asText()).isEqualTo("not_applied");
      });

      kafka.startStopped();
      await("writes accepted again").atMost(Duration.ofSeconds(90)).ignoreExceptions()
          .until(() -> Http.put(n1.url() + "/keys/after", "back").statusCode() == 200);
      // A node that replays the whole log has every write acknowledged while a broker was down.
      Node fresh = nodes.start("fresh");
      String end = LogFill.endToken(topic, 3, kafka.bootstrapServers());
      for (int i = 5; i < 30; i++) {
        assertThat(Http.get(fresh.url() + "/keys/k" + i, Map.of("X-Min-Position", end)).body()).isEqualTo("one-down-" + i);
      }
      assertThat(Http.get(fresh.url() + "/keys/refused").statusCode()).isEqualTo(404);
    }
  }

  private Node start(String topic, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--port", "0",
        "--topic", topic, "--partitions", "3", "--data-dir", dir.resolve("c").toString(), "--startup-timeout", "20s"));
    args.addAll(List.of(extra));
    return Node.start(NodeConfig.of(args.toArray(String[]::new)));
  }

  private Admin admin() {
    return Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
  }
}
