package io.logkv.store.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
      {"--topic", "bad topic"}, {"--node-id", "a/b"}, {"--io-threads", "-1"}, {"--no-such-option", "1"},
      {"--freeze-limit", "10ms"}, {"--freeze-limit", "5m"}
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

  @Test
  void aNonLoopbackBind_needsAnAuthFile_orAnExplicitInsecure(@TempDir Path dir) throws Exception {
    for (String loopback : new String[] {"127.0.0.1", "127.0.0.2", "::1", "localhost"}) {
      NodeConfig c = NodeConfig.of("--bootstrap-servers", "k:1", "--bind", loopback);
      assertThat(c.authFile()).isEmpty();
      assertThat(c.openToTheNetwork()).as(loopback).isFalse();
    }
    assertThatThrownBy(() -> NodeConfig.of("--bootstrap-servers", "k:1", "--bind", "0.0.0.0"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--bind 0.0.0.0 is not a loopback address")
        .hasMessageContaining("--auth-file").hasMessageContaining("--insecure");
    assertThatThrownBy(() -> NodeConfig.of("--bootstrap-servers", "k:1", "--bind", "::"))
        .isInstanceOf(ParameterException.class);

    NodeConfig insecure = NodeConfig.of("--bootstrap-servers", "k:1", "--bind", "0.0.0.0", "--insecure");
    assertThat(insecure.openToTheNetwork()).isTrue();
    NodeConfig fromEnv = NodeConfig.parse(new String[0],
        Map.of("LOGKV_BOOTSTRAP_SERVERS", "k:1", "LOGKV_BIND", "0.0.0.0", "LOGKV_INSECURE", "true"));
    assertThat(fromEnv.openToTheNetwork()).isTrue();
    assertThatThrownBy(() -> NodeConfig.parse(new String[0],
        Map.of("LOGKV_BOOTSTRAP_SERVERS", "k:1", "LOGKV_BIND", "0.0.0.0", "LOGKV_INSECURE", "false")))
        .isInstanceOf(ParameterException.class);

    Path tokens = Files.writeString(dir.resolve("tokens"), "a-token-0123456789abcdef read\n");
    NodeConfig secured = NodeConfig.parse(new String[] {"--bind", "0.0.0.0"},
        Map.of("LOGKV_BOOTSTRAP_SERVERS", "k:1", "LOGKV_AUTH_FILE", tokens.toString()));
    assertThat(secured.authFile()).contains(tokens);
    assertThat(secured.openToTheNetwork()).isFalse();
    assertThat(String.join("\n", secured.effectiveSettings())).contains("auth-file").doesNotContain("a-token");
  }

  @Test
  void aBadAuthFile_isRefusedAtStart_namingTheLine(@TempDir Path dir) throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens"), "a-token-0123456789abcdef read\nb-token-0123456789 root\n");
    assertThatThrownBy(() -> NodeConfig.of("--bootstrap-servers", "k:1", "--auth-file", tokens.toString()))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--auth-file").hasMessageContaining("line 2").hasMessageNotContaining("b-token");
    assertThatThrownBy(() -> NodeConfig.of("--bootstrap-servers", "k:1", "--auth-file", dir.resolve("none").toString()))
        .isInstanceOf(ParameterException.class).hasMessageContaining("cannot be read");
  }

  @Test
  void kafkaSecrets_areNeverPrinted() {
    NodeConfig c = NodeConfig.of("--bootstrap-servers", "k:1",
        "--kafka-property", "security.protocol=SASL_SSL",
        "--kafka-property", "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"logkv\" password=\"hunter2-secret\";",
        "--kafka-property", "ssl.truststore.password=truststore-pw",
        "--kafka-property", "ssl.keystore.key=-----BEGIN PRIVATE KEY-----abc",
        "--kafka-property", "ssl.truststore.location=/etc/kafka/ca.p12");
    String printed = String.join("\n", c.effectiveSettings());
    assertThat(printed).contains("security.protocol=SASL_SSL").contains("ssl.truststore.location=/etc/kafka/ca.p12")
        .contains("sasl.jaas.config=****").contains("ssl.truststore.password=****").contains("ssl.keystore.key=****")
        .doesNotContain("hunter2").doesNotContain("truststore-pw").doesNotContain("BEGIN PRIVATE KEY");
    assertThat(c.kafkaClientProperties()).containsEntry("ssl.truststore.password", "truststore-pw");
  }
}
