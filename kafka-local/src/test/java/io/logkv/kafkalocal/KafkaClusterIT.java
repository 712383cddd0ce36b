package io.logkv.kafkalocal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three combined brokers form one KRaft quorum; acks=all writes survive the loss of any one. */
class KafkaClusterIT {

  @Test
  void threeBrokers_replicateATopic_andSurviveTheKillOfTheLeader(@TempDir Path dir) throws Exception {
    try (KafkaCluster kafka = KafkaCluster.builder(dir).brokers(3).build().start();
        Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(3);
      admin.createTopics(List.of(new NewTopic("t", Optional.of(1), Optional.of((short) 3))
          .configs(Map.of("min.insync.replicas", "2")))).all().get(30, TimeUnit.SECONDS);
      TopicDescription d = admin.describeTopics(List.of("t")).allTopicNames().get(30, TimeUnit.SECONDS).get("t");
      assertThat(d.partitions().get(0).replicas()).hasSize(3);
      int leader = d.partitions().get(0).leader().id();

      try (KafkaProducer<String, String> producer = producer(kafka.bootstrapServers())) {
        producer.send(new ProducerRecord<>("t", "k", "before")).get(30, TimeUnit.SECONDS);
        kafka.broker(leader - 1).kill();
        // The controller fences the dead leader and another replica takes over.
        producer.send(new ProducerRecord<>("t", "k", "after")).get(30, TimeUnit.SECONDS);
      }
      TopicDescription after = admin.describeTopics(List.of("t")).allTopicNames().get(30, TimeUnit.SECONDS).get("t");
      assertThat(after.partitions().get(0).leader().id()).isNotEqualTo(leader);

      kafka.startStopped();
      assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(3);
    }
  }

  private static KafkaProducer<String, String> producer(String bootstrap) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("acks", "all");
    p.put("delivery.timeout.ms", "30000");
    p.put("request.timeout.ms", "10000");
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }
}
