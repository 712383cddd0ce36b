package io.logkv.kafkalocal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerIT {

  @Test
  void broker_keepsAcknowledgedRecords_acrossKillAndRestart(@TempDir Path dir) throws Exception {
    try (KafkaBroker broker = KafkaBroker.builder(dir).build().start()) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
      }
      Properties p = new Properties();
      p.put("bootstrap.servers", broker.bootstrapServers());
      p.put("acks", "all");
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>("t", "k", "v1")).get(30, TimeUnit.SECONDS);
      }

      broker.kill();
      assertThat(broker.isAlive()).isFalse();
      broker.start();

      assertThat(readAll(broker.bootstrapServers())).containsExactly("k=v1");
    }
  }

  private static List<String> readAll(String bootstrap) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    List<String> seen = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition tp = new TopicPartition("t", 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
      await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).until(() -> {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          seen.add(r.key() + "=" + r.value());
        }
        return consumer.position(tp) >= end;
      });
    }
    return seen;
  }
}
