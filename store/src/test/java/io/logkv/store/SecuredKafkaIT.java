package io.logkv.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logkv.kafkalocal.ChildProcess;
import io.logkv.kafkalocal.FreePorts;
import io.logkv.kafkalocal.KafkaBroker;
import io.logkv.kafkalocal.TempDirs;
import io.logkv.store.config.NodeConfig;
import io.logkv.store.log.LogException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Nodes against a broker that takes clients only over SASL_SSL (TLS with a self-signed
 * certificate, SCRAM and PLAIN users), as most production Kafka clusters run: the user's Kafka
 * properties reach every client of the node, and refused credentials or an untrusted certificate
 * stop the node at once with a message that says so, instead of retrying for --startup-timeout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecuredKafkaIT {
  private static final Path JAR = Path.of(System.getProperty("logkv.store.jar", "target/logkv-store.jar"));
  private static final String PASSWORD = "s3cret-for-logkv";
  private final Path dir = TempDirs.create("logkv-secured-kafka");
  private KafkaBroker broker;
  private TestNodes nodes;

  @BeforeAll
  void startBroker() {
    broker = KafkaBroker.builder(dir.resolve("kafka")).saslSslListener(0, Map.of("logkv", PASSWORD)).build().start();
    nodes = new TestNodes(broker.saslSslBootstrapServers(), dir.resolve("nodes"));
  }

  @AfterAll
  void stop() {
    nodes.close();
    broker.close();
    TempDirs.deleteRecursively(dir);
  }

  private String jaas(String module, String password) {
    return "sasl.jaas.config=org.apache.kafka.common.security." + module + " required username=\"logkv\" password=\""
        + password + "\";";
  }

  private String truststore() {
    return "ssl.truststore.location=" + broker.trustedCertificate();
  }

  @Test
  @Timeout(120)
  void scramSha512OverTls_fromKafkaProperties_servesPutAndGet() {
    Node node = nodes.start("scram",
        "--kafka-property", "security.protocol=SASL_SSL",
        "--kafka-property", "sasl.mechanism=SCRAM-SHA-512",
        "--kafka-property", jaas("scram.ScramLoginModule", PASSWORD),
        "--kafka-property", "ssl.truststore.type=PEM",
        "--kafka-property", truststore());
    assertThat(Http.put(node.url() + "/keys/secured", "over-sasl-ssl").statusCode()).isEqualTo(200);
    HttpResponse<String> get = Http.get(node.url() + "/keys/secured?consistency=strong");
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body()).isEqualTo("over-sasl-ssl");
    assertThat(String.join("\n", node.config().effectiveSettings())).doesNotContain(PASSWORD);
  }

  @Test
  @Timeout(120)
  void plainOverTls_fromAPropertiesFile_servesPutAndGet() throws Exception {
    Path props = Files.writeString(dir.resolve("plain.properties"), String.join("\n",
        "security.protocol=SASL_SSL", "sasl.mechanism=PLAIN", jaas("plain.PlainLoginModule", PASSWORD),
        "ssl.truststore.type=PEM", truststore()) + "\n");
    Node node = nodes.start("plain", "--kafka-properties-file", props.toString());
    assertThat(Http.put(node.url() + "/keys/plain", "over-plain").statusCode()).isEqualTo(200);
    assertThat(Http.get(node.url() + "/keys/plain?consistency=strong").body()).isEqualTo("over-plain");
  }

  @Test
  @Timeout(90) // less than the default --startup-timeout of 120 s: the node must not wait it out
  void aWrongPassword_stopsTheNodeProcess_withAMessageThatSaysSo() throws Exception {
    int port = FreePorts.next();
    List<String> args = new ArrayList<>(List.of("--bootstrap-servers", broker.saslSslBootstrapServers(),
        "--port", Integer.toString(port), "--node-id", "wrong-password", "--data-dir", dir.resolve("nodes").toString(),
        "--kafka-property", "security.protocol=SASL_SSL",
        "--kafka-property", "sasl.mechanism=SCRAM-SHA-512",
        "--kafka-property", jaas("scram.ScramLoginModule", "not-the-password"),
        "--kafka-property", "ssl.truststore.type=PEM",
        "--kafka-property", truststore()));
    ChildProcess node = ChildProcess.java("wrong-password", List.of("-Xmx128m"),
        JAR.toAbsolutePath() + java.io.File.pathSeparator + ChildProcess.parentWatchLocation(), Main.class.getName(),
        args, dir.resolve("wrong-password.log"));
    node.start();
    try {
      assertThat(node.awaitExit(Duration.ofSeconds(80))).as("the node exits").isTrue();
      assertThat(node.exitCode()).isEqualTo(1);
      String log = Files.readString(dir.resolve("wrong-password.log"));
      assertThat(log).contains("logkv node failed to start")
          .contains("Kafka refused this node's credentials (SASL authentication failed)")
          .doesNotContain("not-the-password");
    } finally {
      node.kill();
    }
  }

  @Test
  @Timeout(90)
  void anUntrustedBrokerCertificate_failsTheStart_withATlsMessage() {
    NodeConfig config = NodeConfig.of("--bootstrap-servers", broker.saslSslBootstrapServers(), "--port", "0",
        "--node-id", "untrusted", "--data-dir", dir.resolve("nodes").toString(),
        "--kafka-property", "security.protocol=SASL_SSL",
        "--kafka-property", "sasl.mechanism=SCRAM-SHA-512",
        "--kafka-property", jaas("scram.ScramLoginModule", PASSWORD));
    assertThatThrownBy(() -> Node.start(config).close())
        .isInstanceOf(LogException.class)
        .hasMessageContaining("TLS authentication with Kafka failed")
        .hasMessageContaining("ssl.truststore");
  }
}
