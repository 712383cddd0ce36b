package io.logkv.kafkalocal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka broker and controller in KRaft mode (a combined node), run from the kafka_2.13 jars as
 * a child process on 127.0.0.1: alone, as its own single-member quorum, or as one member of a
 * {@link KafkaCluster} (node id, the quorum's voters and a shared cluster id set by the builder).
 *
 * <p>The data directory is formatted on first use and kept across restarts, so {@link #restart()}
 * brings back the same log on the same ports. Extra listeners, one per node, let the chaos suite
 * put a proxy in front of each node's link to the broker: each is advertised at its proxy's
 * address, so the client keeps going through the proxy after its first metadata request.
 *
 * <p>A secured listener ({@link Builder#saslSslListener}) speaks SASL over TLS, as most production
 * clusters do: SCRAM-SHA-512, SCRAM-SHA-256 and PLAIN for the users given, with a self-signed
 * certificate for 127.0.0.1 and localhost made by the JDK's keytool in {@code <data dir>/tls}
 * ({@link #trustedCertificate()} is what clients trust). The plain, replication and controller
 * listeners stay PLAINTEXT on loopback.
 */
public final class KafkaBroker implements AutoCloseable {
  private static final Duration FORMAT_TIMEOUT = Duration.ofMinutes(3);
  private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  /** One extra listener: the broker binds {@code port} and tells clients to use {@code advertisedPort}. */
  public record Listener(String name, int port, String advertisedHost, int advertisedPort) {
    public Listener {
      if (!name.matches("[A-Z][A-Z0-9_]*") || name.equals("PLAINTEXT") || name.equals("CONTROLLER")) {
        throw new IllegalArgumentException("listener name must be upper case and not reserved: " + name);
      }
    }

    /** A listener advertised on 127.0.0.1, for brokers and clients on one machine. */
    public Listener(String name, int port, int advertisedPort) {
      this(name, port, "127.0.0.1", advertisedPort);
    }

    /**
     * Parses {@code NAME:port:advertisedHost:advertisedPort}, the form {@link BrokerMain} reads
     * from its environment.
     */
    public static Listener parse(String text) {
      String[] parts = text.strip().split(":");
      if (parts.length != 4) {
        throw new IllegalArgumentException(
            "a listener is NAME:port:advertisedHost:advertisedPort, e.g. N1:9101:toxiproxy:19101, not '" + text + "'");
      }
      try {
        return new Listener(parts[0], Integer.parseInt(parts[1]), parts[2], Integer.parseInt(parts[3]));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("listener '" + text + "': ports must be numbers", e);
      }
    }
  }

  /**
   * A SASL_SSL client listener on {@code port}: {@code users} (name to password) may log in with
   * SCRAM (created when the data directory is formatted, so they are fixed for its life) or PLAIN.
   */
  public record SaslSslListener(int port, Map<String, String> users) {
    private static final java.util.regex.Pattern SAFE = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public SaslSslListener {
      users = Map.copyOf(users);
      if (users.isEmpty()) {
        throw new IllegalArgumentException("a SASL listener needs at least one user");
      }
      users.forEach((name, password) -> {
        if (!SAFE.matcher(name).matches() || !SAFE.matcher(password).matches()) {
          // They go into kafka-storage's --add-scram and a JAAS line unquoted.
          throw new IllegalArgumentException("SASL user names and passwords here are 1..64 of [A-Za-z0-9._-]");
        }
      });
    }
  }

  static final String SASL_SSL = "SASL_SSL";

  private final Path dataDir;
  private final int nodeId;
  private final String quorumVoters;
  private final String clusterId;
  private final int replicationPort;
  private final int replicationAdvertisedPort;
  private final int controllerAdvertisedPort;
  private final int internalReplicationFactor;
  private final int port;
  private final int controllerPort;
  private final String bindHost;
  private final String advertisedHost;
  private final List<Listener> listeners;
  private final List<String> jvmOptions;
  private final Map<String, String> extraConfig;
  private final SaslSslListener saslSsl;
  private final ChildProcess process;

  private KafkaBroker(Builder b) {
    this.dataDir = b.dataDir.toAbsolutePath();
    this.nodeId = b.nodeId;
    this.quorumVoters = b.quorumVoters;
    this.clusterId = b.clusterId;
    this.replicationPort = b.replicationPort;
    this.replicationAdvertisedPort = b.replicationAdvertisedPort;
    this.controllerAdvertisedPort = b.controllerAdvertisedPort;
    this.internalReplicationFactor = b.internalReplicationFactor;
    this.port = b.port == 0 ? FreePorts.next() : b.port;
    this.controllerPort = b.controllerPort == 0 ? FreePorts.next() : b.controllerPort;
    this.bindHost = b.bindHost;
    this.advertisedHost = b.advertisedHost;
    this.listeners = List.copyOf(b.listeners);
    this.jvmOptions = List.copyOf(b.jvmOptions);
    this.extraConfig = Map.copyOf(b.extraConfig);
    this.saslSsl = b.saslSsl == null ? null
        : new SaslSslListener(b.saslSsl.port() == 0 ? FreePorts.next() : b.saslSsl.port(), b.saslSsl.users());
    this.process =
        ChildProcess.java(
            b.quorumVoters == null ? "kafka" : "kafka-" + b.nodeId,
            jvmOptions(),
            "kafka.Kafka",
            List.of(dataDir.resolve("server.properties").toString()),
            b.logFile != null ? b.logFile : dataDir.resolve("kafka.log"));
  }

  public static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  /** Formats the data directory if it is new, starts the broker and waits until it answers. */
  public KafkaBroker start() {
    long started = System.nanoTime();
    launch();
    awaitReady();
    LOG.info("Kafka broker {} ready on {} in {} ms (pid {}, data in {})", nodeId, bootstrapServers(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), process.pid(), dataDir);
    return this;
  }

  /**
   * Formats the data directory if it is new and starts the process, without waiting: the members
   * of a quorum must all be launched before any of them can answer.
   */
  public KafkaBroker launch() {
    try {
      Files.createDirectories(dataDir);
      if (saslSsl != null) {
        BrokerKeyStore.ensure(tlsDir());
      }
      writeConfig();
      formatIfNew();
    } catch (IOException e) {
      throw new UncheckedIOException("could not prepare " + dataDir, e);
    }
    process.start();
    return this;
  }

  /** Waits until the broker answers an admin request; fails early (with its log) if it exits. */
  public KafkaBroker awaitReady() {
    process.awaitReady(this::answers, START_TIMEOUT, "ready");
    return this;
  }

  /** Clean shutdown (SIGTERM), keeping the data. */
  public void stop() {
    process.stop(Duration.ofSeconds(30));
  }

  /** SIGKILL: a crash. Acknowledged records survive in the page cache and on disk. */
  public void kill() {
    process.kill();
  }

  public void pause() {
    process.pause();
  }

  public void resume() {
    process.resume();
  }

  /** Stops the broker if it runs and starts it again on the same ports and data. */
  public KafkaBroker restart() {
    stop();
    return start();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** {@code 127.0.0.1:port} of the plain listener. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** {@code 127.0.0.1:port} of the SASL_SSL listener; throws if the broker has none. */
  public String saslSslBootstrapServers() {
    if (saslSsl == null) {
      throw new IllegalStateException("this broker has no SASL_SSL listener (Builder.saslSslListener)");
    }
    return "127.0.0.1:" + saslSsl.port();
  }

  /**
   * The broker's TLS certificate (PEM), self-signed for 127.0.0.1 and localhost: what a client of
   * the SASL_SSL listener trusts ({@code ssl.truststore.type=PEM}, {@code ssl.truststore.location}).
   */
  public Path trustedCertificate() {
    return tlsDir().resolve(BrokerKeyStore.CERTIFICATE);
  }

  private Path tlsDir() {
    return dataDir.resolve("tls");
  }

  /** The node id in the quorum (1 for a broker of its own). */
  public int nodeId() {
    return nodeId;
  }

  /** The port of the controller listener. */
  public int controllerPort() {
    return controllerPort;
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  public ChildProcess process() {
    return process;
  }

  @Override
  public void close() {
    stop();
  }

  private boolean answers() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "1000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "1500");
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
    try (Admin admin = Admin.create(props)) {
      return !admin.describeCluster(new DescribeClusterOptions().timeoutMs(1500))
          .nodes()
          .get(2, TimeUnit.SECONDS)
          .isEmpty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      return false;
    }
  }

  private List<String> jvmOptions() {
    List<String> options = new ArrayList<>();
    options.add("-Xms256m");
    options.add("-Xmx1g");
    options.add("-XX:+UseG1GC");
    options.add("-XX:MaxGCPauseMillis=20");
    options.add("-Djava.awt.headless=true");
    options.add("-Dlogback.configurationFile=" + dataDir.resolve("logback.xml"));
    options.add("-Dlog4j2.level=WARN");
    options.addAll(jvmOptions);
    return options;
  }

  private void writeConfig() throws IOException {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(nodeId));
    if (quorumVoters == null) {
      // Its own single-member quorum; the controller listener stays on loopback.
      p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
    } else {
      // A static quorum: every member knows every voter (its address as this member reaches it).
      p.put("controller.quorum.voters", quorumVoters);
    }
    StringBuilder bind = new StringBuilder("PLAINTEXT://" + bindHost + ":" + port);
    StringBuilder advertised = new StringBuilder("PLAINTEXT://" + advertisedHost + ":" + port);
    StringBuilder protocols = new StringBuilder("CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
    for (Listener l : listeners) {
      bind.append(',').append(l.name()).append("://").append(bindHost).append(':').append(l.port());
      advertised.append(',').append(l.name()).append("://").append(l.advertisedHost()).append(':').append(l.advertisedPort());
      protocols.append(',').append(l.name()).append(":PLAINTEXT");
    }
    if (saslSsl != null) {
      bind.append(',').append(SASL_SSL).append("://").append(bindHost).append(':').append(saslSsl.port());
      advertised.append(',').append(SASL_SSL).append("://").append(advertisedHost).append(':').append(saslSsl.port());
      protocols.append(',').append(SASL_SSL).append(':').append(SASL_SSL);
      secureListenerConfig(p);
    }
    String interBroker = "PLAINTEXT";
    if (replicationPort > 0) {
      // Brokers reach each other on a listener of its own, advertised where a fault-injection
      // proxy can stand in front of this broker.
      interBroker = "REPLICATION";
      bind.append(",REPLICATION://").append(bindHost).append(':').append(replicationPort);
      advertised.append(",REPLICATION://").append(advertisedHost).append(':').append(replicationAdvertisedPort);
      protocols.append(",REPLICATION:PLAINTEXT");
    }
    bind.append(",CONTROLLER://").append(quorumVoters == null ? "127.0.0.1" : bindHost).append(':').append(controllerPort);
    if (controllerAdvertisedPort > 0) {
      // The quorum's leader tells its followers this address (KIP-853): a proxy, to cut it off.
      advertised.append(",CONTROLLER://").append(advertisedHost).append(':').append(controllerAdvertisedPort);
    }
    p.put("listeners", bind.toString());
    p.put("advertised.listeners", advertised.toString());
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", interBroker);
    p.put("listener.security.protocol.map", protocols.toString());
    p.put("log.dirs", dataDir.resolve("log").toString());
    String internalRf = Integer.toString(internalReplicationFactor);
    String internalMinIsr = Integer.toString(Math.max(1, internalReplicationFactor - 1));
    p.put("offsets.topic.replication.factor", internalRf);
    p.put("transaction.state.log.replication.factor", internalRf);
    p.put("transaction.state.log.min.isr", internalMinIsr);
    p.put("share.coordinator.state.topic.replication.factor", internalRf);
    p.put("share.coordinator.state.topic.min.isr", internalMinIsr);
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    p.put("num.partitions", "1");
    // Failover on one machine, where a process is either up or frozen: a broker that stops
    // heartbeating is fenced after 1.5 s (Kafka's default is 9 s) and its partitions get new
    // leaders, and a follower that stops fetching leaves the ISR after 1.5 s (30 s by default),
    // so acks=all writes stop waiting for it. Both fit inside a node's default 5 s write timeout;
    // production clusters keep Kafka's defaults (see the README).
    p.put("broker.heartbeat.interval.ms", "300");
    p.put("broker.session.timeout.ms", "1500");
    p.put("replica.lag.time.max.ms", "1500");
    p.put("controller.quorum.election.timeout.ms", "1000");
    p.put("controller.quorum.fetch.timeout.ms", "1500");
    p.putAll(extraConfig);
    StringBuilder text = new StringBuilder("# written by logkv's KafkaBroker; rewritten at every start\n");
    p.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    Files.writeString(dataDir.resolve("server.properties"), text.toString(), StandardCharsets.UTF_8);
    Files.writeString(
        dataDir.resolve("logback.xml"),
        """
        <configuration>
          <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
            <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{30} - %msg%n</pattern></encoder>
          </appender>
          <logger name="kafka" level="INFO"/>
          <logger name="org.apache.kafka" level="WARN"/>
          <!-- Elections and fencing: what a chaos run needs to read after a broker fault. -->
          <logger name="org.apache.kafka.raft.QuorumState" level="INFO"/>
          <logger name="org.apache.kafka.controller.BrokerHeartbeatManager" level="INFO"/>
          <logger name="org.apache.kafka.controller.ReplicationControlManager" level="INFO"/>
          <logger name="state.change.logger" level="WARN"/>
          <root level="WARN"><appender-ref ref="out"/></root>
        </configuration>
        """,
        StandardCharsets.UTF_8);
  }

  /** The SASL_SSL listener's mechanisms, users and key store, all scoped to that listener. */
  private void secureListenerConfig(Map<String, String> p) throws IOException {
    String prefix = "listener.name." + SASL_SSL.toLowerCase(java.util.Locale.ROOT) + ".";
    p.put("sasl.enabled.mechanisms", "SCRAM-SHA-512,SCRAM-SHA-256,PLAIN");
    String scram = "org.apache.kafka.common.security.scram.ScramLoginModule required;";
    p.put(prefix + "scram-sha-512.sasl.jaas.config", scram);
    p.put(prefix + "scram-sha-256.sasl.jaas.config", scram);
    StringBuilder plain = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
    saslSsl.users().forEach((name, password) -> plain.append(" user_").append(name).append("=\"").append(password)
        .append('"'));
    p.put(prefix + "plain.sasl.jaas.config", plain.append(';').toString());
    p.put(prefix + "ssl.keystore.type", "PKCS12");
    p.put(prefix + "ssl.keystore.location", tlsDir().resolve(BrokerKeyStore.KEY_STORE).toString());
    String password = BrokerKeyStore.password(tlsDir());
    p.put(prefix + "ssl.keystore.password", password);
    p.put(prefix + "ssl.key.password", password);
  }

  private void formatIfNew() throws IOException {
    if (Files.exists(dataDir.resolve("log").resolve("meta.properties"))) {
      return;
    }
    String id = clusterId != null ? clusterId : Uuid.randomUuid().toString();
    List<String> args = new ArrayList<>(List.of("format", "-t", id));
    if (quorumVoters == null) {
      args.add("--standalone"); // its own quorum; with static voters, nothing more is needed
    }
    if (saslSsl != null) {
      // SCRAM credentials live in the metadata log: written once, with the log's first records.
      saslSsl.users().forEach((name, password) -> {
        for (String mechanism : List.of("SCRAM-SHA-512", "SCRAM-SHA-256")) {
          args.addAll(List.of("--add-scram", mechanism + "=[name=" + name + ",password=" + password + "]"));
        }
      });
    }
    args.addAll(List.of("-c", dataDir.resolve("server.properties").toString()));
    ChildProcess format =
        ChildProcess.java(
            "kafka-format",
            List.of("-Xmx256m", "-Dlogback.configurationFile=" + dataDir.resolve("logback.xml")),
            "kafka.tools.StorageTool",
            args,
            dataDir.resolve("format.log"));
    format.start();
    // A JVM that formats a directory: seconds when idle, but a loaded 2-core machine starting three
    // of them at once has taken over a minute. A tool that hangs is still stopped.
    boolean exited = format.awaitExit(FORMAT_TIMEOUT);
    if (!exited || format.exitCode() != 0) {
      format.kill();
      throw new IllegalStateException("formatting the Kafka data directory "
          + (exited ? "failed (exit status " + format.exitCode() + ")" : "did not finish within " + FORMAT_TIMEOUT.toSeconds() + " s")
          + "; its output:\n" + format.logTail(30));
    }
    LOG.info("formatted Kafka data directory {} (cluster id {})", dataDir, id);
  }

  /** Settings for a broker; every port 0 means "pick a free one". */
  public static final class Builder {
    private final Path dataDir;
    private int nodeId = 1;
    private String quorumVoters;
    private String clusterId;
    private int replicationPort;
    private int replicationAdvertisedPort;
    private int controllerAdvertisedPort;
    private int internalReplicationFactor = 1;
    private int port;
    private int controllerPort;
    private String bindHost = "127.0.0.1";
    private String advertisedHost = "127.0.0.1";
    private final List<Listener> listeners = new ArrayList<>();
    private final List<String> jvmOptions = new ArrayList<>();
    private final Map<String, String> extraConfig = new LinkedHashMap<>();
    private SaslSslListener saslSsl;
    private Path logFile;

    private Builder(Path dataDir) {
      this.dataDir = dataDir;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * Makes this broker member {@code nodeId} of a static quorum: {@code voters} is Kafka's
     * {@code controller.quorum.voters} ({@code 1@host:port,2@host:port,...}, each voter at the
     * address this member reaches it by), {@code clusterId} the id every member is formatted with.
     */
    public Builder quorumMember(int nodeId, String voters, String clusterId, int brokers) {
      this.nodeId = nodeId;
      this.quorumVoters = voters;
      this.clusterId = clusterId;
      this.internalReplicationFactor = Math.min(3, brokers);
      return this;
    }

    /**
     * Advertises the controller listener at {@code port} (a proxy's): the quorum's leader hands
     * this address to its followers, which then fetch from it there.
     */
    public Builder controllerAdvertisedPort(int port) {
      this.controllerAdvertisedPort = port;
      return this;
    }

    /**
     * Brokers replicate over a listener of their own, bound on {@code port} and advertised at
     * {@code advertisedPort} (a proxy's, to cut the broker off its peers).
     */
    public Builder replicationListener(int port, int advertisedPort) {
      this.replicationPort = port;
      this.replicationAdvertisedPort = advertisedPort;
      return this;
    }

    public Builder controllerPort(int port) {
      this.controllerPort = port;
      return this;
    }

    /** The address the broker's client listeners bind (127.0.0.1; 0.0.0.0 in a container). */
    public Builder bindHost(String host) {
      this.bindHost = host;
      return this;
    }

    /** The host the PLAINTEXT listener is advertised at (127.0.0.1; the container's name in Docker). */
    public Builder advertisedHost(String host) {
      this.advertisedHost = host;
      return this;
    }

    public Builder listener(Listener listener) {
      listeners.add(listener);
      return this;
    }

    /**
     * A SASL_SSL client listener (port 0: chosen free) for {@code users}, name to password; see
     * {@link SaslSslListener}. The users are created when the data directory is first formatted.
     */
    public Builder saslSslListener(int port, Map<String, String> users) {
      this.saslSsl = new SaslSslListener(port, users);
      return this;
    }

    /** A broker setting of server.properties, over the ones this class writes. */
    public Builder config(String key, String value) {
      extraConfig.put(key, value);
      return this;
    }

    public Builder jvmOption(String option) {
      jvmOptions.add(option);
      return this;
    }

    public Builder logFile(Path logFile) {
      this.logFile = logFile;
      return this;
    }

    public KafkaBroker build() {
      return new KafkaBroker(this);
    }
  }
}
