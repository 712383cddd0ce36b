package io.logkv.store.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

  @Option(names = "--data-dir", defaultValue = "logkv-data",
      description = "Directory for this node's local files (snapshots). Default: ${DEFAULT-VALUE}/<node-id>.")
  private Path dataDir;

  @Option(names = "--max-value-bytes", defaultValue = "1MiB", converter = SizeConverter.class,
      description = "Largest value accepted (413 above). Default: ${DEFAULT-VALUE}.")
  private long maxValueBytes;

  @Option(names = "--max-memory-bytes", defaultValue = "0", converter = SizeConverter.class,
      description = "Writes are refused with 507 once the map holds this much. 0: 75% of the JVM's max heap. Default: ${DEFAULT-VALUE}.")
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
    check(cmd, topic.matches("[a-zA-Z0-9._-]{1,249}"), "--topic is not a valid Kafka topic name: " + topic);
    if (nodeId == null || nodeId.isBlank()) {
      nodeId = "node-" + port;
    }
    check(cmd, nodeId.matches("[a-zA-Z0-9._-]{1,64}"), "--node-id must be 1..64 of [a-zA-Z0-9._-], not " + nodeId);
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

  /** True when --help or --version was asked for (and printed): nothing is to be started. */
  public boolean helpOnly() {
    return helpOnly;
  }

  private static String show(OptionSpec o) {
    Object v = o.getValue();
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

  public String bootstrapServers() {
    return bootstrapServers;
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
