package io.logkv.store.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParameterException;

class NodeConfigTest {
  @Test
  void defaults_areTheDocumentedOnes() {
    NodeConfig c = NodeConfig.of("--bootstrap-servers", "127.0.0.1:9092");
    assertThat(c.port()).isEqualTo(8081);
    assertThat(c.bind()).isEqualTo("127.0.0.1");
    assertThat(c.nodeId()).isEqualTo("node-8081");
    assertThat(c.topic()).isEqualTo("logkv");
    assertThat(c.partitions()).isEqualTo(6);
    assertThat(c.maxValueBytes()).isEqualTo(1 << 20);
    assertThat(c.writeTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.readWaitTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.maxMemoryBytes()).isEqualTo(Runtime.getRuntime().maxMemory() / 4 * 3);
  }

  @Test
  void environment_isTheFallback_andTheCommandLineWins() {
    Map<String, String> env = Map.of(
        "LOGKV_BOOTSTRAP_SERVERS", "kafka:9092", "LOGKV_PORT", "9000", "LOGKV_WRITE_TIMEOUT", "2500ms",
        "LOGKV_MAX_VALUE_BYTES", "64KiB");
    NodeConfig c = NodeConfig.parse(new String[] {"--port", "9100"}, env);
    assertThat(c.bootstrapServers()).isEqualTo("kafka:9092");
    assertThat(c.port()).isEqualTo(9100);
    assertThat(c.writeTimeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(c.maxValueBytes()).isEqualTo(64 * 1024);
    assertThat(c.effectiveSettings())
        .anySatisfy(l -> assertThat(l).contains("bootstrap-servers").contains("(LOGKV_BOOTSTRAP_SERVERS)"))
        .anySatisfy(l -> assertThat(l).contains("port").contains("9100 (command line)"))
        .anySatisfy(l -> assertThat(l).contains("write-timeout").contains("2500ms"))
        .anySatisfy(l -> assertThat(l).contains("topic").contains("(default)"));
  }

  @Test
  void badValues_areRejected_namingTheOption() {
    String[][] bad = {
      {"--port", "70000"}, {"--partitions", "0"}, {"--write-timeout", "0"}, {"--write-timeout", "500ms"},
      {"--read-wait-timeout", "forever"}, {"--max-value-bytes", "1TB"}, {"--max-value-bytes", "65MiB"},
      {"--topic", "bad topic"}, {"--node-id", "a/b"}, {"--io-threads", "-1"}, {"--no-such-option", "1"}
    };
    for (String[] args : bad) {
      String[] full = {"--bootstrap-servers", "k:1", args[0], args[1]};
      assertThatThrownBy(() -> NodeConfig.of(full)).as(String.join(" ", args))
          .isInstanceOf(ParameterException.class)
          .hasMessageContaining(args[0]);
    }
    assertThatThrownBy(NodeConfig::of).hasMessageContaining("--bootstrap-servers");
  }

  @Test
  void durationsAndSizes_parseTheDocumentedForms() {
    assertThat(Durations.parse("30")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
    assertThat(ByteSizes.parse("512KiB")).isEqualTo(512 * 1024);
    assertThat(ByteSizes.parse("2GiB")).isEqualTo(2L << 30);
    assertThat(ByteSizes.format(1 << 20)).isEqualTo("1MiB");
    assertThatThrownBy(() -> Durations.parse("1.5s")).isInstanceOf(IllegalArgumentException.class);
  }
}
