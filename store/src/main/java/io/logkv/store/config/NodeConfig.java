package io.logkv.store.config;

import io.logkv.store.auth.TokenTable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Every setting of a node: name, default, validation and help line, in one class. Values come from
 * the command line, else from the environment variable {@code LOGKV_<NAME>} (for {@code
 * --write-timeout}: {@code LOGKV_WRITE_TIMEOUT}), else from the default.
 */
@Command(
    name = "logkv-store",
    mixinStandardHelpOptions = true,
    versionProvider = NodeConfig.Version.class,
    sortOptions = false,
    usageHelpWidth = 100,
    description = {
      "A logkv node: an HTTP key-value API over an in-memory map replicated through a Kafka topic.",
      "Every option can also be set with an environment variable LOGKV_<OPTION>, e.g. LOGKV_BOOTSTRAP_SERVERS."
    })
public final class NodeConfig {

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,HOST:PORT]",
      description = "Kafka brokers to bootstrap from (required).")
  private String bootstrapServers;

  @Option(names = "--port", defaultValue = "8081",
      description = "HTTP port; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
  private int port;

  @Option(names = "--bind", defaultValue = "127.0.0.1",
      description = "Address the HTTP server binds. Default: ${DEFAULT-VALUE}.")
  private String bind;

  @Option(names = "--node-id", description = "Name of this node in logs, /status and metrics. Default: node-<port>.")
  private String nodeId;

  @Option(names = "--topic", defaultValue = "logkv",
      description = "Kafka topic used as the commit log. Default: ${DEFAULT-VALUE}.")
  private String topic;

  @Option(names = "--partitions", defaultValue = "6",
      description = "Partitions of the topic when this node creates it; must match an existing topic. Default: ${DEFAULT-VALUE}.")
  private int partitions;

  @Option(names = "--replication-factor", defaultValue = "0",
      description = "Replicas of each partition when this node creates the topic; an existing topic must have at least this many. 0: 3, or every broker when there are fewer. Default: ${DEFAULT-VALUE}.")
  private int replicationFactor;

  @Option(names = "--min-insync-replicas", defaultValue = "0",
      description = "min.insync.replicas of a new topic: brokers that must hold a write before it is acknowledged; an existing topic must have at least this. 0: replication factor - 1 when it is 3 or more, else 1. Default: ${DEFAULT-VALUE}.")
  private int minInsyncReplicas;

  @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
      description = "A Kafka client property for every client of this node, repeatable, e.g. --kafka-property security.protocol=SASL_SSL. Overrides --kafka-properties-file.")
  private List<String> kafkaProperties = new ArrayList<>();

  @Option(names = "--kafka-properties-file", paramLabel = "FILE",
      description = "A Java properties file of Kafka client properties (TLS, SASL) for every client of this node.")
  private Path kafkaPropertiesFile;

  @Option(names = "--members", paramLabel = "ID=URL[,ID=URL...]",
      description = "Every node of the cluster, this one included (its --node-id), e.g. n1=http://10.0.0.1:8081,n2=http://10.0.0.2:8081; the same list on every node. With --replicas below their number the cluster is sharded. Without it the node is a full copy on its own.")
  private String members;

  @Option(names = "--replicas", defaultValue = "0",
      description = "Sharded mode: how many members hold each partition (R). 0 or at least the member count: every node a full copy. Default: ${DEFAULT-VALUE}.")
  private int replicas;
  @Option(names = "--auth-file", paramLabel = "FILE",
      description = "Bearer tokens and their roles, one '<token> <role>[,<role>...]' a line (roles: read, write, admin; # starts a comment); reloaded when it changes. Without it no route asks for a token, which is allowed only on a loopback --bind, or with --insecure.")
  private Path authFile;

  @Option(names = "--insecure",
      description = "Allow a non-loopback --bind without --auth-file: whoever reaches the port can read, write and delete every key. Only on a private network that nothing untrusted can reach.")
  private boolean insecure;

  @Option(names = "--data-dir", defaultValue = "logkv-data",
      description = "Directory for this node's local files (snapshots). Default: ${DEFAULT-VALUE}/<node-id>.")
  private Path dataDir;

  @Option(names = "--max-value-bytes", defaultValue = "1MiB", converter = SizeConverter.class,
      description = "Largest value accepted (413 above). Default: ${DEFAULT-VALUE}.")
  private long maxValueBytes;

  @Option(names = "--max-memory-bytes", defaultValue = "0", converter = SizeConverter.class,
      description = "Writes are refused with 507 once the map holds this much. 0: 75%% of the JVM's max heap. Default: ${DEFAULT-VALUE}.")
  private long maxMemoryBytes;

  @Option(names = "--write-timeout", defaultValue = "5s", converter = DurationConverter.class,
      description = "Bound on a write: the broker's acknowledgement and this node's apply. Default: ${DEFAULT-VALUE}.")
  private Duration writeTimeout;

  @Option(names = "--read-wait-timeout", defaultValue = "5s", converter = DurationConverter.class,
      description = "Bound on a read's wait for X-Min-Position or consistency=strong (503 after). Default: ${DEFAULT-VALUE}.")
  private Duration readWaitTimeout;

  @Option(names = "--snapshot-interval", defaultValue = "60s", converter = OptionalDurationConverter.class,
      description = "How often the map is written to <data-dir>/<node-id>/snapshot.bin (and at a clean stop), so a restart replays only the log's tail; 'off' disables snapshots. Default: ${DEFAULT-VALUE}.")
  private Duration snapshotInterval;

  @Option(names = "--request-timeout", defaultValue = "30s", converter = DurationConverter.class,
      description = "Time a client has to send a request's head, and again its body; the connection is closed after. Default: ${DEFAULT-VALUE}.")
  private Duration requestTimeout;

  @Option(names = "--idle-timeout", defaultValue = "60s", converter = DurationConverter.class,
      description = "A keep-alive connection idle this long is closed. Default: ${DEFAULT-VALUE}.")
  private Duration idleTimeout;

  @Option(names = "--io-threads", defaultValue = "0",
      description = "HTTP I/O threads; 0: one per core. Default: ${DEFAULT-VALUE}.")
  private int ioThreads;

  @Option(names = "--max-connections", defaultValue = "10000",
      description = "Open HTTP connections above which requests are answered 503 and the connection closed. Default: ${DEFAULT-VALUE}.")
  private int maxConnections;

  @Option(names = "--max-inflight-body-bytes", defaultValue = "64MiB", converter = SizeConverter.class,
      description = "Request body bytes received and not yet handled, all requests together; above it a body is refused with 503. Default: ${DEFAULT-VALUE}.")
  private long maxInflightBodyBytes;

  @Option(names = "--max-inflight-write-bytes", defaultValue = "32MiB", converter = SizeConverter.class,
      description = "Record bytes sent to Kafka and not yet acknowledged; above it writes are refused with 503 (not applied). At most 32MiB. Default: ${DEFAULT-VALUE}.")
  private long maxInflightWriteBytes;

  @Option(names = "--startup-timeout", defaultValue = "120s", converter = DurationConverter.class,
      description = "How long a starting node waits for Kafka before it gives up. Default: ${DEFAULT-VALUE}.")
  private Duration startupTimeout;

  @Option(names = "--staleness-probe-interval", defaultValue = "500ms", converter = DurationConverter.class,
      description = "How often the node asks Kafka for the end of the log, to bound X-Max-Staleness-Ms. Default: ${DEFAULT-VALUE}.")
  private Duration stalenessProbeInterval;

  @Option(names = "--broker-silence-limit", defaultValue = "3s", converter = DurationConverter.class,
      description = "Once Kafka has not answered for this long, writes are refused at once (not applied) instead of waiting out --write-timeout. Default: ${DEFAULT-VALUE}.")
  private Duration brokerSilenceLimit;

  @Option(names = "--freeze-limit", defaultValue = "2s", converter = DurationConverter.class,
      description = "A process that did not run for this long (SIGSTOP, a stalled VM or container, a long GC pause) refuses writes (503, not applied) for 2s after it thaws: requests that waited in its sockets may have been sent elsewhere meanwhile. Keep it well below the senders' timeouts (nginx: 6s). Default: ${DEFAULT-VALUE}.")
  private Duration freezeLimit;

  @Option(names = "--expiry-sweep-interval", defaultValue = "1s", converter = DurationConverter.class,
      description = "How often expired keys are removed from memory (reads never see them either way). Default: ${DEFAULT-VALUE}.")
  private Duration expirySweepInterval;

  private List<String> effective = List.of();
  private boolean helpOnly;

  /** Parses {@code args} with {@code env} as the fallback; throws {@link ParameterException}. */
  public static NodeConfig parse(String[] args, Map<String, String> env) {
    NodeConfig config = new NodeConfig();
    CommandLine cmd = commandLine(config, env);
    CommandLine.ParseResult result = cmd.parseArgs(args);
    if (result.isUsageHelpRequested()) {
      config.helpOnly = true;
      cmd.usage(System.out);
    } else if (result.isVersionHelpRequested()) {
      config.helpOnly = true;
      cmd.printVersionHelp(System.out);
    } else {
      config.validate(cmd);
      config.effective = describe(cmd, result, env);
    }
    return config;
  }

  /** Parses a command line with no environment fallback (tests, embedding). */
  public static NodeConfig of(String... args) {
    return parse(args, Map.of());
  }

  /** A picocli command line bound to {@code config}, reading defaults from {@code env}. */
  public static CommandLine commandLine(NodeConfig config, Map<String, String> env) {
    CommandLine cmd = new CommandLine(config);
    cmd.setOverwrittenOptionsAllowed(true); // the last occurrence wins, as in most servers
    cmd.setDefaultValueProvider(arg -> env.get(envName(arg)));
    return cmd;
  }

  /** {@code --write-timeout} becomes {@code LOGKV_WRITE_TIMEOUT}. */
  public static String envName(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option)) {
      return null;
    }
    return "LOGKV_" + option.longestName().replaceFirst("^--", "").replace('-', '_').toUpperCase(Locale.ROOT);
  }

  private void validate(CommandLine cmd) {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new ParameterException(cmd, "Missing required option: '--bootstrap-servers' (or LOGKV_BOOTSTRAP_SERVERS)");
    }
    check(cmd, port >= 0 && port <= 65535, "--port must be 0..65535, not " + port);
    check(cmd, partitions >= 1 && partitions <= 10_000, "--partitions must be 1..10000, not " + partitions);
    check(cmd, maxValueBytes >= 1 && maxValueBytes <= 64L << 20,
        "--max-value-bytes must be 1 byte to 64MiB, not " + maxValueBytes);
    check(cmd, maxMemoryBytes >= 0, "--max-memory-bytes must not be negative");
    check(cmd, writeTimeout.toMillis() >= 1000 && writeTimeout.toMillis() <= 300_000,
        "--write-timeout must be 1s to 5m (Kafka's delivery timeout needs room for a request), not " + writeTimeout);
    check(cmd, readWaitTimeout.toMillis() >= 1 && readWaitTimeout.toMillis() <= 300_000,
        "--read-wait-timeout must be 1ms to 5m, not " + readWaitTimeout);
    check(cmd, requestTimeout.toMillis() <= Integer.MAX_VALUE && idleTimeout.toMillis() <= Integer.MAX_VALUE,
        "--request-timeout and --idle-timeout must be under 24 days");
    check(cmd, ioThreads >= 0 && ioThreads <= 256, "--io-threads must be 0..256");
    check(cmd, replicationFactor >= 0 && replicationFactor <= Short.MAX_VALUE, "--replication-factor must be 0 (auto) or more");
    check(cmd, minInsyncReplicas >= 0, "--min-insync-replicas must be 0 (auto) or more");
    check(cmd, replicationFactor == 0 || minInsyncReplicas <= replicationFactor,
        "--min-insync-replicas (" + minInsyncReplicas + ") cannot exceed --replication-factor (" + replicationFactor
            + "): no write could ever be acknowledged");
    check(cmd, maxConnections >= 1, "--max-connections must be at least 1");
    check(cmd, maxInflightBodyBytes >= maxValueBytes,
        "--max-inflight-body-bytes must be at least --max-value-bytes, or no largest value could be received");
    check(cmd, maxInflightWriteBytes >= 1 && maxInflightWriteBytes <= 32L << 20,
        "--max-inflight-write-bytes must be 1 byte to 32MiB (half the producer's buffer)");
    check(cmd, maxInflightWriteBytes >= maxValueBytes + 1024 + 17,
        "--max-inflight-write-bytes must hold at least one largest record (--max-value-bytes plus key and header)");
    check(cmd, freezeLimit.toMillis() >= 100 && freezeLimit.toMillis() <= 60_000,
        "--freeze-limit must be 100ms to 60s, and well below the timeout after which nginx sends a request elsewhere");
    for (Duration d : List.of(startupTimeout, stalenessProbeInterval, brokerSilenceLimit, expirySweepInterval)) {
      check(cmd, !d.isZero() && d.toMillis() <= 24L * 3600 * 1000, "durations must be 1ms to 24h, not " + d);
    }
    if (authFile != null) {
      try {
        TokenTable.parse(java.nio.file.Files.readString(authFile));
      } catch (java.io.IOException e) {
        throw new ParameterException(cmd, "--auth-file " + authFile + " cannot be read: " + e);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(cmd, "--auth-file " + authFile + ": " + e.getMessage());
      }
    }
    check(cmd, authFile != null || insecure || isLoopback(bind),
        "--bind " + bind + " is not a loopback address and there is no --auth-file: whoever reaches the port could"
            + " read, write and delete every key. Give --auth-file FILE (LOGKV_AUTH_FILE), or --insecure"
            + " (LOGKV_INSECURE=true) on a private network that nothing untrusted can reach.");
    userKafkaProperties(cmd); // validates the KEY=VALUE forms and the file
    check(cmd, topic.matches("[a-zA-Z0-9._-]{1,249}"), "--topic is not a valid Kafka topic name: " + topic);
    if (nodeId == null || nodeId.isBlank()) {
      nodeId = "node-" + port;
    }
    check(cmd, nodeId.matches("[a-zA-Z0-9._-]{1,64}"), "--node-id must be 1..64 of [a-zA-Z0-9._-], not " + nodeId);
    check(cmd, replicas >= 0, "--replicas must be 0 (every node a full copy) or more, not " + replicas);
    if (members != null && !members.isBlank()) {
      List<io.logkv.store.shard.Member> list;
      try {
        list = io.logkv.store.shard.Member.parseList(members);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(cmd, "--members: " + e.getMessage());
      }
      check(cmd, list.stream().anyMatch(m -> m.id().equals(nodeId)),
          "--members must name this node: its --node-id " + nodeId + " is not among "
              + list.stream().map(io.logkv.store.shard.Member::id).toList());
    } else {
      check(cmd, replicas == 0, "--replicas needs --members: the nodes that hold the partitions");
    }
  }

  /** 127.0.0.0/8, ::1, or a name that resolves to one of them. */
  static boolean isLoopback(String address) {
    try {
      return java.net.InetAddress.getByName(address).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static void check(CommandLine cmd, boolean ok, String message) {
    if (!ok) {
      throw new ParameterException(cmd, message);
    }
  }

  private static List<String> describe(CommandLine cmd, CommandLine.ParseResult result, Map<String, String> env) {
    List<String> lines = new ArrayList<>();
    for (OptionSpec o : cmd.getCommandSpec().options()) {
      if (o.usageHelp() || o.versionHelp()) {
        continue;
      }
      String source = result.hasMatchedOption(o) ? "command line" : env.containsKey(envName(o)) ? envName(o) : "default";
      lines.add(String.format("  %-20s = %s (%s)", o.longestName().substring(2), show(o), source));
    }
    return lines;
  }

  /** The --kafka-properties-file's properties, then every --kafka-property over them. */
  private Map<String, String> userKafkaProperties(CommandLine cmd) {
    Map<String, String> props = new java.util.LinkedHashMap<>();
    if (kafkaPropertiesFile != null) {
      java.util.Properties file = new java.util.Properties();
      try (java.io.Reader in = java.nio.file.Files.newBufferedReader(kafkaPropertiesFile)) {
        file.load(in);
      } catch (java.io.IOException e) {
        throw new ParameterException(cmd, "--kafka-properties-file " + kafkaPropertiesFile + " cannot be read: " + e);
      }
      file.stringPropertyNames().forEach(k -> props.put(k, file.getProperty(k)));
    }
    for (String kv : kafkaProperties) {
      int eq = kv.indexOf('=');
      check(cmd, eq > 0, "--kafka-property must be KEY=VALUE, not '" + kv + "'");
      props.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
    }
    for (String reserved : List.of("bootstrap.servers", "key.serializer", "value.serializer", "key.deserializer",
        "value.deserializer", "acks", "enable.idempotence", "enable.auto.commit", "auto.offset.reset")) {
      check(cmd, !props.containsKey(reserved),
          "Kafka property " + reserved + " is set by the node itself and cannot be overridden");
    }
    return props;
  }

  private static final Duration FREEZE_GRACE = Duration.ofSeconds(2);

  /** Client properties Kafka itself types as passwords (sasl.jaas.config, ssl.keystore.key, ...). */
  private static final Set<String> KAFKA_SECRETS =
      Stream.of(ProducerConfig.configDef(), ConsumerConfig.configDef(), AdminClientConfig.configDef())
          .flatMap(def -> def.configKeys().values().stream())
          .filter(k -> k.type == ConfigDef.Type.PASSWORD)
          .map(k -> k.name)
          .collect(Collectors.toUnmodifiableSet());

  /** Whether a Kafka client property's value must never be printed. */
  static boolean isSecret(String kafkaProperty) {
    return KAFKA_SECRETS.contains(kafkaProperty)
        || kafkaProperty.matches("(?i).*(password|secret|jaas|token|credential).*");
  }

  /** True when --help or --version was asked for (and printed): nothing is to be started. */
  public boolean helpOnly() {
    return helpOnly;
  }

  private static String show(OptionSpec o) {
    Object v = o.getValue();
    if (o.longestName().equals("--kafka-property") && v instanceof List<?> list) {
      // Never print secrets (SASL passwords, key store passwords) into the log.
      return list.stream().map(String::valueOf)
          .map(kv -> kv.indexOf('=') > 0 && isSecret(kv.substring(0, kv.indexOf('=')).strip())
              ? kv.substring(0, kv.indexOf('=') + 1) + "****" : kv)
          .toList().toString();
    }
    if (v == null && o.longestName().equals("--snapshot-interval")) {
      return "off";
    }
    if (v instanceof Duration d) {
      return Durations.format(d);
    }
    if (v instanceof Long n && o.longestName().endsWith("-bytes")) {
      return ByteSizes.format(n);
    }
    return String.valueOf(v);
  }

  /** The effective configuration, one line per setting with where it came from. */
  public List<String> effectiveSettings() {
    return effective;
  }

  /** The auth file, when requests must carry bearer tokens. */
  public Optional<Path> authFile() {
    return Optional.ofNullable(authFile);
  }

  /**
   * True when the node answers anyone who reaches it, beyond this machine: a non-loopback bind
   * without an auth file, allowed by {@code --insecure}.
   */
  public boolean openToTheNetwork() {
    return authFile == null && !isLoopback(bind);
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Kafka client properties given by the user (file, then --kafka-property), for every client. */
  public Map<String, String> kafkaClientProperties() {
    return userKafkaProperties(new CommandLine(this));
  }

  /** Every member of the cluster (this node included); empty without --members. */
  public List<io.logkv.store.shard.Member> members() {
    return members == null || members.isBlank() ? List.of() : io.logkv.store.shard.Member.parseList(members);
  }

  /** R, how many members hold each partition; 0: all of them (full copy). */
  public int replicas() {
    return replicas;
  }

  /** The replication factor asked for; 0: automatic (see {@code --replication-factor}). */
  public int replicationFactor() {
    return replicationFactor;
  }

  /** min.insync.replicas asked for; 0: automatic. */
  public int minInsyncReplicas() {
    return minInsyncReplicas;
  }

  public int maxConnections() {
    return maxConnections;
  }

  public long maxInflightBodyBytes() {
    return maxInflightBodyBytes;
  }

  public long maxInflightWriteBytes() {
    return maxInflightWriteBytes;
  }

  public Duration startupTimeout() {
    return startupTimeout;
  }

  public Duration stalenessProbeInterval() {
    return stalenessProbeInterval;
  }

  public Duration brokerSilenceLimit() {
    return brokerSilenceLimit;
  }

  public Duration freezeLimit() {
    return freezeLimit;
  }

  /** How long writes stay refused after a freeze is noticed: the requests that waited are handled by then. */
  public Duration freezeGrace() {
    return FREEZE_GRACE;
  }

  public Duration expirySweepInterval() {
    return expirySweepInterval;
  }

  public int port() {
    return port;
  }

  public String bind() {
    return bind;
  }

  public String nodeId() {
    return nodeId;
  }

  public String topic() {
    return topic;
  }

  public int partitions() {
    return partitions;
  }

  /** The node's own directory: {@code <data-dir>/<node-id>}. */
  public Path nodeDataDir() {
    return dataDir.resolve(nodeId);
  }

  public int maxValueBytes() {
    return (int) maxValueBytes;
  }

  /** The memory cap in bytes, with 0 resolved to 75% of the JVM's max heap. */
  public long maxMemoryBytes() {
    return maxMemoryBytes > 0 ? maxMemoryBytes : Runtime.getRuntime().maxMemory() / 4 * 3;
  }

  public Duration writeTimeout() {
    return writeTimeout;
  }

  public Duration readWaitTimeout() {
    return readWaitTimeout;
  }

  /** The snapshot interval, or null when snapshots are off. */
  public Duration snapshotInterval() {
    return snapshotInterval;
  }

  public Duration requestTimeout() {
    return requestTimeout;
  }

  public Duration idleTimeout() {
    return idleTimeout;
  }

  public int ioThreads() {
    return ioThreads > 0 ? ioThreads : Math.max(2, Runtime.getRuntime().availableProcessors());
  }

  /** Largest record: key, header and value, with room for Kafka's own batch overhead. */
  public int maxRecordBytes() {
    return (int) maxValueBytes + 1024 + 17 + 64 * 1024;
  }

  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return Durations.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /** A duration, or "off" for none (null). */
  static final class OptionalDurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      if (value.strip().equalsIgnoreCase("off")) {
        return null;
      }
      return new DurationConverter().convert(value);
    }
  }

  static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return ByteSizes.parse(value);
      } catch (IllegalArgumentException | ArithmeticException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = NodeConfig.class.getPackage().getImplementationVersion();
      return new String[] {"logkv-store " + (v == null ? "(development build)" : v)};
    }
  }
}
