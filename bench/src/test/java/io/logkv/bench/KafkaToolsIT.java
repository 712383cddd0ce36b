package io.logkv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.logkv.kafkalocal.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Kafka's own tools as child JVMs against a real broker, on compacted topics created as logkv creates its own. */
@Timeout(300)
class KafkaToolsIT {
  @TempDir static Path dir;
  private static KafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = KafkaBroker.builder(dir.resolve("kafka")).build().start();
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void endToEndLatency_withKeyedRecordsOnACompactedTopic_givesItsPercentiles() throws Exception {
    KafkaTools tools = new KafkaTools(broker.bootstrapServers(), dir.resolve("out"));
    tools.createTopic("e2e");

    KafkaTools.EndToEnd r = tools.endToEndLatency("e2e", "e2e", 300, 100);

    assertThat(r.records()).isEqualTo(300);
    assertThat(r.averageMs()).isPositive();
    assertThat(r.p50Ms()).isLessThanOrEqualTo(r.p99Ms());
    assertThat(r.p99Ms()).isLessThanOrEqualTo(r.p999Ms());
    String out = Files.readString(dir.resolve("out").resolve("kafka-e2e.txt"));
    assertThat(out).contains("Percentiles: 50th");
    assertThat(Files.readString(dir.resolve("out").resolve("kafka-tools-producer.properties")))
        .contains("acks=all", "enable.idempotence=true", "linger.ms=0", "batch.size=65536");
  }

  @Test
  void producerPerformance_withKeysOverABoundedRange_givesRecordsAndBytesPerSecond() {
    KafkaTools tools = new KafkaTools(broker.bootstrapServers(), dir.resolve("out"));
    tools.createTopic("perf");

    KafkaTools.ProducerPerf r = tools.producerPerformance("perf", "perf", 3_000, 4096, 100);

    assertThat(r.records()).isEqualTo(3_000);
    assertThat(r.recordsPerSecond()).isPositive();
    assertThat(r.mbPerSecond()).isPositive();
    assertThat(r.bytesPerSecond()).isEqualTo(r.recordsPerSecond() * 4096);
    assertThat(r.p50Ms()).isLessThanOrEqualTo(r.p99Ms());
  }
}
