package io.logkv.kafkalocal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A KRaft cluster of N combined broker+controller processes on 127.0.0.1 ({@code N = 1} is a
 * single broker that is its own quorum). Each broker has its own ports, data directory
 * ({@code <dir>/broker-<id>}) and log; the data directories are formatted once, with one cluster
 * id, and kept, so a broker or the whole cluster restarts with its log.
 *
 * <pre>{@code
 * try (KafkaCluster kafka = KafkaCluster.builder(dir).brokers(3).build().start()) {
 *   kafka.broker(0).kill();   // the others elect new leaders
 * }
 * }</pre>
 */
public final class KafkaCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaCluster.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final List<KafkaBroker> brokers = new ArrayList<>();

  private KafkaCluster(Builder b) {
    int n = b.brokers;
    int[] clientPorts = new int[n];
    int[] controllerPorts = new int[n];
    for (int i = 0; i < n; i++) {
      clientPorts[i] = b.firstPort == 0 ? FreePorts.next() : b.firstPort + i;
      controllerPorts[i] = b.firstControllerPort == 0 ? FreePorts.next() : b.firstControllerPort + i;
    }
    String clusterId = Uuid.randomUuid().toString();
    for (int i = 0; i < n; i++) {
      KafkaBroker.Builder kb = KafkaBroker.builder(n == 1 ? b.dataDir : b.dataDir.resolve("broker-" + (i + 1)))
          .port(clientPorts[i])
          .controllerPort(controllerPorts[i])
          .logFile(b.logDir == null ? null : b.logDir.resolve(n == 1 ? "kafka.log" : "kafka-" + (i + 1) + ".log"));
      if (n > 1) {
        int member = i;
        String voters = b.voterAddress == null
            ? java.util.stream.IntStream.range(0, n).mapToObj(v -> (v + 1) + "@127.0.0.1:" + controllerPorts[v])
                .collect(Collectors.joining(","))
            : java.util.stream.IntStream.range(0, n)
                .mapToObj(v -> (v + 1) + "@" + (v == member ? "127.0.0.1:" + controllerPorts[v]
                    : b.voterAddress.address(member, v, controllerPorts[v])))
                .collect(Collectors.joining(","));
        kb.quorumMember(i + 1, voters, clusterId, n);
      }
      if (b.controllerAdvertised != null && n > 1) {
        kb.controllerAdvertisedPort(b.controllerAdvertised.applyAsInt(i, controllerPorts[i]));
      }
      b.configure.accept(i, kb);
      brokers.add(kb.build());
    }
  }

  public static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  /** Launches every broker, then waits until each answers and the cluster sees all of them. */
  public KafkaCluster start() {
    long started = System.nanoTime();
    brokers.forEach(KafkaBroker::launch);
    CompletableFuture.allOf(brokers.stream()
            .map(kb -> CompletableFuture.runAsync(kb::awaitReady))
            .toArray(CompletableFuture[]::new))
        .join();
    awaitBrokersRegistered(brokers.size());
    LOG.info("Kafka cluster of {} broker(s) ready on {} in {} ms", brokers.size(), bootstrapServers(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    return this;
  }

  /** Waits until the cluster's metadata lists {@code count} live brokers. */
  public void awaitBrokersRegistered(int count) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
    try (Admin admin = Admin.create(props)) {
      while (true) {
        int seen;
        try {
          seen = admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000)).nodes().get(4, TimeUnit.SECONDS).size();
        } catch (Exception e) {
          seen = -1;
        }
        if (seen >= count) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the Kafka cluster lists " + seen + " live brokers, not " + count
              + ", after " + START_TIMEOUT.toSeconds() + " s");
        }
        ChildProcess.sleep(Duration.ofMillis(200));
      }
    }
  }

  /** Every broker's client address, comma separated: what clients bootstrap from. */
  public String bootstrapServers() {
    return brokers.stream().map(KafkaBroker::bootstrapServers).collect(Collectors.joining(","));
  }

  public List<KafkaBroker> brokers() {
    return List.copyOf(brokers);
  }

  /** Broker {@code i}, 0-based (its node id is {@code i + 1}). */
  public KafkaBroker broker(int i) {
    return brokers.get(i);
  }

  public int size() {
    return brokers.size();
  }

  /** SIGKILL of every broker. */
  public void killAll() {
    brokers.forEach(KafkaBroker::kill);
  }

  /** Starts every broker that is not running and waits until the cluster answers again. */
  public void startStopped() {
    List<KafkaBroker> stopped = brokers.stream().filter(kb -> !kb.isAlive()).toList();
    stopped.forEach(KafkaBroker::launch);
    CompletableFuture.allOf(stopped.stream()
            .map(kb -> CompletableFuture.runAsync(kb::awaitReady))
            .toArray(CompletableFuture[]::new))
        .join();
    awaitBrokersRegistered(brokers.size());
  }

  /** Whether every broker process runs. */
  public boolean allAlive() {
    return brokers.stream().allMatch(KafkaBroker::isAlive);
  }

  /** Stops every broker (SIGTERM, in parallel), keeping the data; idempotent. */
  public void stop() {
    CompletableFuture.allOf(brokers.stream()
            .map(kb -> CompletableFuture.runAsync(kb::stop))
            .toArray(CompletableFuture[]::new))
        .join();
  }

  @Override
  public void close() {
    stop();
  }

  /** Where member {@code from} reaches voter {@code to}'s controller listener (a proxy, for a cut). */
  @FunctionalInterface
  public interface VoterAddress {
    String address(int from, int to, int controllerPort);
  }

  /** Cluster settings; ports 0 (the default) are chosen free. */
  public static final class Builder {
    private final Path dataDir;
    private int brokers = 3;
    private int firstPort;
    private int firstControllerPort;
    private Path logDir;
    private VoterAddress voterAddress;
    private java.util.function.IntBinaryOperator controllerAdvertised;
    private BiConsumer<Integer, KafkaBroker.Builder> configure = (i, b) -> { };

    private Builder(Path dataDir) {
      this.dataDir = dataDir;
    }

    public Builder brokers(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("a Kafka cluster needs at least one broker");
      }
      this.brokers = n;
      return this;
    }

    /** Broker {@code i}'s client port is {@code port + i}; 0: each chosen free. */
    public Builder firstPort(int port) {
      this.firstPort = port;
      return this;
    }

    /** Broker {@code i}'s controller port is {@code port + i}; 0: each chosen free. */
    public Builder firstControllerPort(int port) {
      this.firstControllerPort = port;
      return this;
    }

    /** Where the brokers' logs go ({@code kafka-<id>.log}); default: each data directory. */
    public Builder logDir(Path dir) {
      this.logDir = dir;
      return this;
    }

    /** How each member reaches each other voter; default: directly, on 127.0.0.1. */
    public Builder voterAddress(VoterAddress address) {
      this.voterAddress = address;
      return this;
    }

    /**
     * Where broker {@code i} (0-based) advertises its controller listener, given the port it binds:
     * a proxy's port, so that the quorum's followers reach their leader through it.
     */
    public Builder controllerAdvertised(java.util.function.IntBinaryOperator portFor) {
      this.controllerAdvertised = portFor;
      return this;
    }

    /** Anything else per broker (listeners, settings), given its 0-based index. */
    public Builder configure(BiConsumer<Integer, KafkaBroker.Builder> configure) {
      this.configure = configure;
      return this;
    }

    public KafkaCluster build() {
      return new KafkaCluster(this);
    }
  }

  /** Convenience for tests: {@code n} brokers in {@code dir}, started. */
  public static KafkaCluster start(Path dir, int n) {
    return builder(dir).brokers(n).build().start();
  }

}
