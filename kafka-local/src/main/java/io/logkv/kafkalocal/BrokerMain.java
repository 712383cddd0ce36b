package io.logkv.kafkalocal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker of the Docker image ({@code kafka-local/Dockerfile}): the same {@link KafkaBroker}, so
 * the same configuration rules as the local launcher, set from the environment. Stops the broker
 * cleanly on SIGTERM ({@code docker stop}) and exits when the broker dies.
 *
 * <ul>
 *   <li>{@code LOGKV_KAFKA_DATA_DIR} (/var/lib/kafka): formatted on first start, kept after
 *   <li>{@code LOGKV_KAFKA_PORT} (9092) and {@code LOGKV_KAFKA_CONTROLLER_PORT} (9093)
 *   <li>{@code LOGKV_KAFKA_BIND_HOST} (0.0.0.0) and {@code LOGKV_KAFKA_ADVERTISED_HOST} (kafka)
 *   <li>{@code LOGKV_KAFKA_LISTENERS}: extra listeners, comma separated,
 *       {@code NAME:port:advertisedHost:advertisedPort} (e.g. one per node, advertised at its proxy)
 *   <li>{@code LOGKV_KAFKA_HEAP} (512m): the broker's -Xmx
 *   <li>a member of a quorum of several brokers: {@code LOGKV_KAFKA_NODE_ID} (1..N), {@code
 *       LOGKV_KAFKA_VOTERS} (Kafka's controller.quorum.voters, e.g. {@code
 *       1@kafka1:9093,2@kafka2:9093,3@kafka3:9093}), {@code LOGKV_KAFKA_CLUSTER_ID} (one Kafka
 *       cluster id, the same for every member, e.g. from {@code kafka-storage random-uuid}); without
 *       {@code LOGKV_KAFKA_VOTERS} the broker is its own single-member quorum
 * </ul>
 *
 * <p>The file {@code ready} in the data directory exists while the broker answers: removed at
 * start, written once it does, for a container health check.
 */
public final class BrokerMain {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerMain.class);

  private BrokerMain() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    Map<String, String> env = System.getenv();
    Path dataDir = Path.of(env.getOrDefault("LOGKV_KAFKA_DATA_DIR", "/var/lib/kafka"));
    KafkaBroker.Builder b =
        KafkaBroker.builder(dataDir)
            .port(Integer.parseInt(env.getOrDefault("LOGKV_KAFKA_PORT", "9092")))
            .controllerPort(Integer.parseInt(env.getOrDefault("LOGKV_KAFKA_CONTROLLER_PORT", "9093")))
            .bindHost(env.getOrDefault("LOGKV_KAFKA_BIND_HOST", "0.0.0.0"))
            .advertisedHost(env.getOrDefault("LOGKV_KAFKA_ADVERTISED_HOST", "kafka"))
            .jvmOption("-Xmx" + env.getOrDefault("LOGKV_KAFKA_HEAP", "512m"))
            .jvmOption("-Xms128m")
            // The container's own standard output, so that `docker logs` shows the broker.
            .logFile(Path.of("/proc/" + ProcessHandle.current().pid() + "/fd/1"));
    String voters = env.getOrDefault("LOGKV_KAFKA_VOTERS", "").strip();
    if (!voters.isEmpty()) {
      String clusterId = env.get("LOGKV_KAFKA_CLUSTER_ID");
      if (clusterId == null || clusterId.isBlank()) {
        throw new IllegalArgumentException("LOGKV_KAFKA_VOTERS needs LOGKV_KAFKA_CLUSTER_ID, the same for every member");
      }
      int members = voters.split(",").length;
      b.quorumMember(Integer.parseInt(env.getOrDefault("LOGKV_KAFKA_NODE_ID", "1")), voters, clusterId.strip(), members);
    }
    String listeners = env.getOrDefault("LOGKV_KAFKA_LISTENERS", "").strip();
    if (!listeners.isEmpty()) {
      for (String l : listeners.split(",")) {
        b.listener(KafkaBroker.Listener.parse(l));
      }
    }
    Path ready = dataDir.resolve("ready");
    Files.deleteIfExists(ready);
    KafkaBroker broker = b.build();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      broker.stop();
      try {
        Files.deleteIfExists(ready);
      } catch (IOException e) {
        LOG.warn("could not remove {}: {}", ready, e.toString());
      }
    }, "broker-stop"));
    broker.start();
    Files.writeString(ready, "ready\n");
    LOG.info("broker up; listeners {}", listeners.isEmpty() ? "PLAINTEXT only" : listeners);
    while (broker.isAlive()) {
      Thread.sleep(Duration.ofMillis(500).toMillis());
    }
    LOG.error("the Kafka broker exited; stopping the container");
    System.exit(1);
  }
}
