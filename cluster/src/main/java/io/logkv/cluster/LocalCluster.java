package io.logkv.cluster;

import io.logkv.cluster.tls.LocalCertificates;
import io.logkv.cluster.tls.TlsFiles;
import io.logkv.kafkalocal.FreePorts;
import io.logkv.kafkalocal.KafkaBroker;
import io.logkv.kafkalocal.KafkaCluster;
import io.logkv.kafkalocal.TempDirs;
import io.logkv.store.shard.Member;
import io.logkv.store.shard.Membership;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntBinaryOperator;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A logkv cluster on 127.0.0.1: a KRaft quorum of Kafka brokers (three by default), N nodes and
 * (when found) nginx, each a child process whose output goes to {@code <data dir>/logs}. Every part can be stopped, killed, paused
 * and restarted on its own; {@link #close()} stops them all and, for a temporary data directory,
 * deletes it.
 *
 * <pre>{@code
 * try (LocalCluster cluster = LocalCluster.builder().nodes(3).build().start()) {
 *   cluster.node(0).kill();
 *   ...
 * }
 * }</pre>
 */
public final class LocalCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  private final Path dataDir;
  private final boolean temporary;
  private final KafkaCluster kafka;
  private final List<NodeProcess> nodes = new ArrayList<>();
  private final Nginx nginx;
  private final Membership membership;
  private final java.util.Map<String, Restarts> restarts = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile boolean closed;
  /** The nodes' class archive (see {@link ClassArchive}); empty when off or not possible. */
  private final java.util.Optional<ClassArchive> classArchive;

  private LocalCluster(Builder b) {
    this.temporary = b.dataDir == null;
    this.dataDir = (temporary ? TempDirs.create("logkv-cluster") : b.dataDir).toAbsolutePath();
    Path logs = dataDir.resolve("logs");
    this.kafka = KafkaCluster.builder(dataDir.resolve("kafka"))
        .brokers(b.brokers)
        .firstPort(b.kafkaPort)
        .firstControllerPort(b.controllerPort)
        .logDir(logs)
        .voterAddress(b.voterAddress)
        .controllerAdvertised(b.controllerAdvertised)
        .configure(b.brokerConfig)
        .build();
    List<Integer> ports = new ArrayList<>();
    List<Integer> nodePorts = new ArrayList<>();
    for (int i = 0; i < b.nodes; i++) {
      nodePorts.add(b.firstNodePort == 0 ? FreePorts.next() : b.firstNodePort + i);
    }
    // Every node gets the member list: the cluster table, the status page and (with R below the
    // node count) sharding need it; R 0 keeps every node a full copy.
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < b.nodes; i++) {
      members.add(new Member("n" + (i + 1), java.net.URI.create("http://127.0.0.1:" + nodePorts.get(i))));
    }
    String memberList = members.stream().map(Member::toString).collect(java.util.stream.Collectors.joining(","));
    this.membership = Membership.of(members, "n1", b.replicas == 0 ? b.nodes : b.replicas, b.partitions);
    List<String> clusterArgs = new ArrayList<>(List.of("--members", memberList, "--replicas",
        Integer.toString(b.replicas), "--partitions", Integer.toString(b.partitions)));
    clusterArgs.addAll(b.nodeArgs); // the caller's options last: they win
    this.classArchive = b.classArchive
        ? ClassArchive.forClassPath(b.nodeClassPath != null ? b.nodeClassPath : System.getProperty("java.class.path"))
        : java.util.Optional.empty();
    boolean training = classArchive.isPresent() && !classArchive.get().exists();
    for (int i = 0; i < b.nodes; i++) {
      int port = nodePorts.get(i);
      String id = "n" + (i + 1);
      String bootstrap = b.nodeBootstrap == null ? null : b.nodeBootstrap.apply(i);
      // One node trains when there is no archive yet: the others need not pay for writing it.
      List<String> jvm = new ArrayList<>(b.nodeJvmOptions);
      classArchive.ifPresent(a -> jvm.addAll(a.useOptions()));
      if (training && i == 0) {
        jvm.addAll(classArchive.get().trainOptions());
      }
      nodes.add(new NodeProcess(id, port, bootstrap == null ? kafka.bootstrapServers() : bootstrap,
          dataDir.resolve("nodes"), logs.resolve(id + ".log"), jvm, clusterArgs, b.nodeClassPath));
      ports.add(b.nginxUpstream == null ? port : b.nginxUpstream.applyAsInt(i, port));
    }
    if (b.superviseNodes) {
      nodes.forEach(n -> n.onUnexpectedExit(this::restartLater));
    }
    Optional<Path> nginxBinary = b.nginx == null ? Optional.empty() : Nginx.find(b.nginx);
    Optional<Nginx.OwnerRouting> routing = b.nginxRouting && membership.sharded() && Nginx.njsModule().isPresent()
        ? Optional.of(new Nginx.OwnerRouting(membership)) : Optional.empty();
    if (b.nginxRouting && membership.sharded() && routing.isEmpty()) {
      LOG.warn("nginx has no njs module ({}): it balances round robin and the nodes forward what they do not own;"
          + " install libnginx-mod-http-js to route each key straight to an owner", Nginx.NJS_MODULE);
    }
    this.nginx = nginxBinary
        .map(bin -> new Nginx(bin, b.nginxPort == 0 ? FreePorts.next() : b.nginxPort, ports, nginxSettings(b),
            dataDir.resolve("nginx"), logs, routing))
        .orElse(null);
    if (b.nginx != null && nginx == null) {
      LOG.warn(Nginx.installHint());
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The builder's nginx settings, with the certificate made (or reused) in {@code <data dir>/tls} when asked. */
  private NginxSettings nginxSettings(Builder b) {
    if (b.generatedTlsNames == null) {
      return b.nginxSettings;
    }
    return b.nginxSettings.withTls(LocalCertificates.ensure(dataDir.resolve("tls"), b.generatedTlsNames,
        java.time.InstantSource.system()));
  }

  /**
   * Supervision (see {@link Builder#superviseNodes}): a node that exited without being stopped is
   * started again after a backoff that doubles from 1 s up to 30 s while it keeps failing, and
   * resets once it has run for a minute.
   */
  private void restartLater(NodeProcess node) {
    if (closed) {
      return;
    }
    int status = node.process().exitCode();
    long now = System.nanoTime();
    Restarts r = restarts.compute(node.id(), (id, old) ->
        old == null || now - old.lastNanos > TimeUnit.MINUTES.toNanos(1) ? new Restarts(1, now) : new Restarts(old.count + 1, now));
    long delayMillis = Math.min(30_000, 1000L << Math.min(5, r.count - 1));
    LOG.warn("{} exited unexpectedly (status {}{}); restarting it in {} s (restart {} in a row); its log: {}",
        node.id(), status, status == 70 ? ": it could no longer apply the log" : status == 3 ? ": out of memory" : "",
        delayMillis / 1000, r.count, node.process().logFile());
    CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS).execute(() -> {
      synchronized (this) {
        if (closed || node.isAlive()) {
          return;
        }
        node.start();
      }
      try {
        node.awaitReady(READY_TIMEOUT);
        LOG.warn("{} restarted and ready at {}", node.id(), node.url());
      } catch (RuntimeException e) {
        LOG.warn("{} restarted but is not ready: {}", node.id(), e.getMessage());
      }
    });
  }

  private record Restarts(int count, long lastNanos) {}

  /** Starts the brokers, then every node (in parallel) until ready, then nginx. */
  public LocalCluster start() {
    try {
      kafka.start();
      nodes.forEach(NodeProcess::start);
      CompletableFuture.allOf(nodes.stream()
              .map(n -> CompletableFuture.runAsync(() -> n.awaitReady(READY_TIMEOUT)))
              .toArray(CompletableFuture[]::new))
          .join();
      if (nginx != null) {
        nginx.start(Duration.ofSeconds(30));
      }
      return this;
    } catch (RuntimeException e) {
      close();
      throw e instanceof java.util.concurrent.CompletionException && e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /** The Kafka brokers. */
  public KafkaCluster kafka() {
    return kafka;
  }

  public List<NodeProcess> nodes() {
    return List.copyOf(nodes);
  }

  /** The node at {@code index}, 0-based (its id is n{@code index+1}). */
  public NodeProcess node(int index) {
    return nodes.get(index);
  }

  /** nginx, when it was found and asked for. */
  public Optional<Nginx> nginx() {
    return Optional.ofNullable(nginx);
  }

  /** Who owns which partition (every node every partition unless {@link Builder#replicas} is set). */
  public Membership membership() {
    return membership;
  }

  /** The balancer's URL, or the first node's when there is no nginx. */
  public String url() {
    return nginx != null ? nginx.url() : nodes.get(0).url();
  }

  public Path dataDir() {
    return dataDir;
  }

  public Path logDir() {
    return dataDir.resolve("logs");
  }

  /** Stops nginx, the nodes and the brokers (each SIGTERM, then SIGKILL if it hangs); idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (nginx != null) {
      nginx.stop();
    }
    CompletableFuture.allOf(nodes.stream()
            .map(n -> CompletableFuture.runAsync(n::stop))
            .toArray(CompletableFuture[]::new))
        .join();
    classArchive.ifPresent(ClassArchive::keep); // what a training node wrote as it stopped
    kafka.stop();
    if (temporary) {
      TempDirs.deleteRecursively(dataDir);
    }
  }

  /** Cluster settings; every port 0 (the default) is chosen free. */
  public static final class Builder {
    private int nodes = 3;
    private int brokers = 3;
    private int replicas;
    private int partitions = 6;
    private boolean nginxRouting = true;
    private KafkaCluster.VoterAddress voterAddress;
    private java.util.function.IntBinaryOperator controllerAdvertised;
    private java.util.function.BiConsumer<Integer, KafkaBroker.Builder> brokerConfig = (i, kb) -> { };
    private Path dataDir;
    private int kafkaPort;
    private int controllerPort;
    private int firstNodePort;
    private int nginxPort;
    private String nginx = "nginx";
    private NginxSettings nginxSettings = NginxSettings.defaults();
    private List<String> generatedTlsNames;
    private List<String> nodeArgs = List.of();
    private List<String> nodeJvmOptions = defaultNodeJvmOptions("512m");
    private boolean superviseNodes;
    private IntFunction<String> nodeBootstrap;
    private IntBinaryOperator nginxUpstream;
    private String nodeClassPath;
    private boolean classArchive = true;

    /**
     * Runs the nodes from {@code storeJar} (the production artifact, {@code
     * store/target/logkv-store.jar}) instead of this JVM's class path, as users run them.
     */
    public Builder nodeJar(Path storeJar) {
      this.nodeClassPath = storeJar.toAbsolutePath() + java.io.File.pathSeparator
          + io.logkv.kafkalocal.ChildProcess.parentWatchLocation();
      return this;
    }

    /**
     * Whether the nodes use a class archive of their class path, made by a training run at the
     * first start ({@link ClassArchive}); on by default, and only possible for a class path of jars.
     */
    public Builder classArchive(boolean use) {
      this.classArchive = use;
      return this;
    }

    public Builder nodes(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("a cluster needs at least one node");
      }
      this.nodes = n;
      return this;
    }

    /** Where the broker's log, the nodes' files and every log go; kept. Default: a temporary directory, deleted on close. */
    public Builder dataDir(Path dir) {
      this.dataDir = dir;
      return this;
    }

    /** The first broker's client port; broker {@code i} gets {@code port + i}. */
    public Builder kafkaPort(int port) {
      this.kafkaPort = port;
      return this;
    }

    /** The first broker's controller port; broker {@code i} gets {@code port + i}. */
    public Builder controllerPort(int port) {
      this.controllerPort = port;
      return this;
    }

    /** The first node's port; the others follow it. 0: each picked free. */
    public Builder firstNodePort(int port) {
      this.firstNodePort = port;
      return this;
    }

    public Builder nginxPort(int port) {
      this.nginxPort = port;
      return this;
    }

    /** The nginx binary (name on the PATH or a path); null: no nginx. */
    public Builder nginx(String nameOrPath) {
      this.nginx = nameOrPath;
      return this;
    }

    /**
     * How long nginx waits for a node before trying the next one (default 6 s, just above the
     * nodes' default 5 s write and read-wait timeouts; lower it with them).
     */
    public Builder nginxReadTimeout(Duration timeout) {
      this.nginxSettings = nginxSettings.withReadTimeout(timeout);
      return this;
    }

    /**
     * nginx serves HTTPS with a certificate from a local CA, both made in {@code <data dir>/tls}
     * on first use and reused after ({@link LocalCertificates}); clients trust {@code tls/ca.crt}.
     *
     * @param extraNames host names or addresses the certificate names besides localhost, 127.0.0.1 and ::1
     */
    public Builder nginxTlsGenerated(List<String> extraNames) {
      this.generatedTlsNames = List.copyOf(extraNames);
      return this;
    }

    /** nginx serves HTTPS with the user's own certificate and key. */
    public Builder nginxTls(TlsFiles files) {
      this.nginxSettings = nginxSettings.withTls(files);
      this.generatedTlsNames = null;
      return this;
    }

    /** The per-client rate limit at nginx (default {@link NginxSettings.RateLimit#DEFAULT}). */
    public Builder nginxRateLimit(NginxSettings.RateLimit limit) {
      this.nginxSettings = nginxSettings.withRateLimit(limit);
      return this;
    }

    /** Time a client has to send a request head, and between reads of its body, at nginx (default 30 s). */
    public Builder nginxClientTimeout(Duration timeout) {
      this.nginxSettings = nginxSettings.withClientTimeout(timeout);
      return this;
    }

    /** An idle keep-alive client connection is closed by nginx after this (default 60 s). */
    public Builder nginxIdleTimeout(Duration timeout) {
      this.nginxSettings = nginxSettings.withIdleTimeout(timeout);
      return this;
    }

    /** Extra command line options for every node, e.g. {@code --write-timeout 2s}. */
    public Builder nodeArgs(List<String> args) {
      this.nodeArgs = List.copyOf(args);
      return this;
    }

    /**
     * Restarts a node that exits unexpectedly (crash, out of memory, status 70, killed from
     * outside), with backoff, and logs it. Off by default: tests and the chaos suite control
     * their nodes' restarts themselves; {@code up} turns it on.
     */
    public Builder superviseNodes(boolean supervise) {
      this.superviseNodes = supervise;
      return this;
    }

    /**
     * A node's JVM options: heap, G1, and exit on OutOfMemoryError (a node out of memory must not
     * stay up half-broken; its supervisor restarts it).
     */
    public static List<String> defaultNodeJvmOptions(String heap) {
      return List.of("-Xms64m", "-Xmx" + heap, "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError");
    }

    public Builder nodeJvmOptions(List<String> options) {
      this.nodeJvmOptions = List.copyOf(options);
      return this;
    }

    /**
     * Sharded mode: each partition held by {@code r} of the nodes ({@code --replicas}); 0 (the
     * default) or at least the node count: every node a full copy.
     */
    public Builder replicas(int r) {
      this.replicas = r;
      return this;
    }

    /** The log topic's partitions when the nodes create it (default 6; more for sharding, e.g. 24). */
    public Builder partitions(int n) {
      this.partitions = n;
      return this;
    }

    /**
     * In sharded mode, whether nginx sends each key straight to an owner (when its njs module is
     * installed; default true). Off, it balances round robin and the nodes forward.
     */
    public Builder nginxRouting(boolean route) {
      this.nginxRouting = route;
      return this;
    }

    /** Kafka brokers: a KRaft quorum of this many combined broker+controllers (default 3; 1 for a small machine). */
    public Builder brokers(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("a cluster needs at least one Kafka broker");
      }
      this.brokers = n;
      return this;
    }

    /** Anything else for broker {@code i} (0-based): listeners for fault-injection proxies, settings. */
    public Builder brokerConfig(java.util.function.BiConsumer<Integer, KafkaBroker.Builder> config) {
      this.brokerConfig = config;
      return this;
    }

    /** Where each broker advertises its controller listener, given the port it binds (a proxy's, to cut it off). */
    public Builder controllerAdvertised(java.util.function.IntBinaryOperator portFor) {
      this.controllerAdvertised = portFor;
      return this;
    }

    /** How each broker reaches each other's controller listener (a proxy, to cut one off). */
    public Builder voterAddress(KafkaCluster.VoterAddress address) {
      this.voterAddress = address;
      return this;
    }

    /**
     * Where nginx sends node {@code i}'s traffic, given the node's port: for a proxy in between
     * (the chaos suite cuts a node from nginx that way). By default, the node's own port.
     */
    public Builder nginxUpstream(IntBinaryOperator portForNode) {
      this.nginxUpstream = portForNode;
      return this;
    }

    /** The bootstrap servers node {@code i} (0-based) uses instead of the brokers' own addresses. */
    public Builder nodeBootstrap(IntFunction<String> bootstrapForNode) {
      this.nodeBootstrap = bootstrapForNode;
      return this;
    }

    public LocalCluster build() {
      return new LocalCluster(this);
    }
  }
}
