package io.logkv.store;

import static io.logkv.store.ReplicationIT.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.logkv.store.log.RecordCodec;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A node serves no data before it has caught up, and a restart replays to the same state. */
@ExtendWith(SharedBroker.class)
class ReadinessIT {
  private static final int RECORDS = 300_000;
  private static final int KEYS = 100_000;

  @Test
  void node_answers503_untilItHasCaughtUp_thenServesIdenticalData(@TempDir Path dataDir) {
    try (TestNodes nodes = new TestNodes(SharedBroker.bootstrapServers(), dataDir)) {
      Node first = nodes.start("first");
      fill(nodes.topic());
      String lastWrite = Http.put(first.url() + "/keys/last", "end").headers().firstValue("X-Log-Position").orElseThrow();

      Node late = nodes.startNotReady("late", InstantSource.system());
      HttpResponse<String> early = Http.get(late.url() + "/keys/k-1");
      assertThat(early.statusCode()).isEqualTo(503);
      assertThat(early.headers().firstValue("Retry-After")).contains("1");
      assertThat(json(early.body()).get("error").asText()).isEqualTo("not_ready");
      assertThat(Http.put(late.url() + "/keys/k-1", "x").statusCode()).isEqualTo(503);
      assertThat(Http.get(late.url() + "/health/ready").statusCode()).isEqualTo(503);
      assertThat(Http.get(late.url() + "/health/live").statusCode()).isEqualTo(200);
      assertThat(json(Http.get(late.url() + "/status").body()).get("state").asText()).isEqualTo("replaying");

      late.awaitReady(120_000);
      assertThat(Http.get(late.url() + "/health/ready").statusCode()).isEqualTo(200);
      assertThat(Http.get(late.url() + "/keys/last").body()).isEqualTo("end");
      JsonNode status = json(Http.get(late.url() + "/status").body());
      assertThat(status.at("/replay/records").asLong()).isGreaterThanOrEqualTo(RECORDS);
      assertThat(status.at("/replay/percent").asDouble()).isEqualTo(100.0);
      assertThat(status.at("/replay/rate").asLong()).isPositive();
      assertThat(Http.get(late.url() + "/metrics").body()).contains("logkv_replay_records " + (double) status.at("/replay/records").asLong());

      assertThat(Http.get(first.url() + "/keys/last", java.util.Map.of("X-Min-Position", lastWrite)).statusCode()).isEqualTo(200);
      assertThat(digest(late)).isEqualTo(digest(first));
      assertThat(digest(late).get("keys").asLong()).isEqualTo(KEYS + 1);

      // Restart: a node closed and started again replays the same log to the same state.
      JsonNode before = digest(first);
      first.close();
      Node restarted = nodes.start("first");
      assertThat(digest(restarted)).isEqualTo(before);
    }
  }

  /** Writes the backlog straight to the topic, as other nodes would have. */
  private static void fill(String topic) {
    Properties p = new Properties();
    p.put("bootstrap.servers", SharedBroker.bootstrapServers());
    p.put("linger.ms", "10");
    p.put("batch.size", Integer.toString(256 * 1024));
    p.put("acks", "all");
    byte[] value = new byte[100];
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      long now = System.currentTimeMillis();
      for (int i = 0; i < RECORDS; i++) {
        value[0] = (byte) i;
        byte[] key = ("k-" + (i % KEYS)).getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(topic, key, RecordCodec.encode(value, 0, now)));
      }
      producer.flush();
    }
  }

  private static JsonNode digest(Node node) {
    JsonNode d = json(Http.get(node.url() + "/admin/digest").body());
    ((com.fasterxml.jackson.databind.node.ObjectNode) d).remove("node_id");
    return d;
  }
}
