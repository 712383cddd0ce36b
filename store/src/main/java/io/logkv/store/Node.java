package io.logkv.store;

import io.logkv.store.auth.Authorizer;
import io.logkv.store.auth.TokenFile;
import io.logkv.store.cache.Cache;
import io.logkv.store.cache.CoarseClock;
import io.logkv.store.cache.ExpirySweep;
import io.logkv.store.config.NodeConfig;
import io.logkv.store.http.AuthHandler;
import io.logkv.store.http.HttpLimits;
import io.logkv.store.http.HttpServer;
import io.logkv.store.http.NodeState;
import io.logkv.store.http.Router;
import io.logkv.store.http.Sharding;
import io.logkv.store.log.AppliedPositions;
import io.logkv.store.log.Applier;
import io.logkv.store.log.BrokerContact;
import io.logkv.store.log.EndOffsets;
import io.logkv.store.log.KafkaClients;
import io.logkv.store.log.FreezeWatch;
import io.logkv.store.log.LogException;
import io.logkv.store.log.LogTopic;
import io.logkv.store.log.LogWriter;
import io.logkv.store.log.ReadBarrier;
import io.logkv.store.log.Reader;
import io.logkv.store.log.ReplayProgress;
import io.logkv.store.log.Replicator;
import io.logkv.store.log.StalenessProbe;
import io.logkv.store.log.Ticker;
import io.logkv.store.log.TopicSpec;
import io.logkv.store.metrics.NodeGauges;
import io.logkv.store.metrics.NodeMetrics;
import io.logkv.store.snapshot.SnapshotScheduler;
import io.logkv.store.snapshot.SnapshotStore;
import io.logkv.store.shard.Membership;
import io.logkv.store.shard.Peers;
import io.logkv.store.snapshot.Snapshots;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logkv node, wired from a {@link NodeConfig} and closed as one: the cache, the log (topic,
 * writer, applier, end-offset lookups), the write and read paths, housekeeping and HTTP.
 *
 * <p>Start-up: create or check the topic, start the applier (replay is most of a restart, so the
 * producer, the offsets client and HTTP are set up while it runs), open HTTP (live, not ready),
 * and turn ready once replay is done. Until then data routes answer 503 so nginx tries another
 * node. If the applier fails for good, the node calls its fatal handler: {@link Main} exits the
 * process (a supervisor restarts it); embedded, the node reports itself failed on /health/live.
 */
public final class Node implements NodeState, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Node.class);
  /** How often the auth file is checked for changes. */
  private static final java.time.Duration TOKEN_FILE_CHECK = java.time.Duration.ofSeconds(1);

  private final NodeConfig config;
  private final InstantSource clock;
  private final Ticker ticker;
  private final Consumer<Throwable> onFatal;
  private final StartupTimeline timeline;
  /** Set once the ready line has been logged: only the first time the node turns ready. */
  private final AtomicBoolean announcedReady = new AtomicBoolean();
  private final Cache cache = Cache.inMemory();
  private final NodeMetrics metrics = new NodeMetrics();
  private final ScheduledExecutorService housekeeping;
  private final ScheduledExecutorService snapshotter;
  /** Decides expiry on reads: coarse for the system clock, the injected one as it is. */
  private final InstantSource readClock;
  private final FreezeWatch freezeWatch;
  private Snapshots snapshots = Snapshots.disabled();
  private Membership membership;
  private HttpClient peersHttp;
  /** Threads of the client that talks to the other members (forwarding, health polls). */
  private final java.util.concurrent.ExecutorService forwarding;
  private TokenFile tokens;
  private LogTopic topic;
  private AppliedPositions positions;
  private StalenessProbe probe;
  private LogWriter writer;
  private EndOffsets endOffsets;
  private Applier applier;
  private HttpServer http;
  private StatusDocument status;
  /** The writer's producer while it is made at start-up (see open()). */
  private CompletableFuture<KafkaProducer<byte[], byte[]>> producer;
  private volatile boolean opened;
  private volatile boolean closed;

  private Node(NodeConfig config, InstantSource clock, Ticker ticker, StartupTimeline timeline,
      Consumer<Throwable> onFatal) {
    this.config = config;
    this.timeline = timeline;
    this.clock = clock;
    this.ticker = ticker;
    this.onFatal = onFatal;
    this.readClock = clock == InstantSource.system() ? CoarseClock.of(clock, config.nodeId() + "-clock") : clock;
    this.housekeeping = daemonScheduler(config.nodeId() + "-housekeeping");
    this.snapshotter = daemonScheduler(config.nodeId() + "-snapshots");
    this.freezeWatch = new FreezeWatch(ticker, config.freezeLimit(), config.freezeGrace());
    this.forwarding = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, config.nodeId() + "-peers");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts a node on the system clock; a fatal failure only marks it failed. */
  public static Node start(NodeConfig config) {
    return start(config, InstantSource.system());
  }

  /**
   * Starts a node; {@code clock} decides expiry and records when the node was caught up (tests
   * inject one). Returns once HTTP is up; the node turns ready later, when replay is done (see
   * {@link #awaitReady}).
   */
  public static Node start(NodeConfig config, InstantSource clock) {
    return start(config, clock, Ticker.system(), failure -> { });
  }

  /**
   * Starts a node. {@code onFatal} is called, once, on the applier's thread when the node can no
   * longer work (its applier stopped on an error it cannot recover from).
   */
  public static Node start(NodeConfig config, InstantSource clock, Ticker ticker, Consumer<Throwable> onFatal) {
    return start(config, clock, ticker, StartupTimeline.embedded(), onFatal);
  }

  /** As {@link #start(NodeConfig, InstantSource, Ticker, Consumer)}, timing its steps on {@code timeline}. */
  static Node start(NodeConfig config, InstantSource clock, Ticker ticker, StartupTimeline timeline,
      Consumer<Throwable> onFatal) {
    Node node = new Node(config, clock, ticker, timeline, onFatal);
    try {
      node.open();
      return node;
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
  }

  private void open() {
    LOG.info("starting logkv node {} with:\n{}", config.nodeId(), String.join("\n", config.effectiveSettings()));
    try {
      Files.createDirectories(config.nodeDataDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create data directory " + config.nodeDataDir(), e);
    }
    Authorizer authorizer = authorizer(); // before Kafka: a bad auth file fails the start at once
    KafkaClients clients = new KafkaClients(config.bootstrapServers(), config.nodeId(), config.kafkaClientProperties());
    long writeTimeout = config.writeTimeout().toMillis();
    timeline.configDone();
    // The producer is made while the topic is checked: both mostly load and set up Kafka's client
    // classes, and a fresh JVM does that faster on two threads than on one.
    long writerBegan = timeline.now();
    producer = CompletableFuture.supplyAsync(
        () -> LogWriter.newProducer(clients, config.maxRecordBytes(), writeTimeout), Node::startupThread);
    long topicBegan = timeline.now();
    try { // if it fails, close() closes the producer
      topic = LogTopic.open(clients, new TopicSpec(config.topic(), config.partitions(),
          (short) config.replicationFactor(), config.minInsyncReplicas(), config.maxRecordBytes(), writeTimeout),
          config.startupTimeout());
    } finally {
      timeline.took("topic_ms", topicBegan);
    }
    positions = new AppliedPositions(topic.partitions());
    membership = config.members().isEmpty()
        ? Membership.fullCopy(topic.partitions())
        : Membership.of(config.members(), config.nodeId(), config.replicas() == 0 ? config.members().size()
            : config.replicas(), topic.partitions());
    List<Integer> held = membership.ownedPartitions();
    if (membership.sharded()) {
      LOG.info("sharded: {} members, each partition on {}; this node holds partitions {}", membership.members().size(),
          membership.replicas(), held);
    }
    BrokerContact broker = new BrokerContact(ticker, config.brokerSilenceLimit().toMillis());
    freezeWatch.start();
    endOffsets = new EndOffsets(clients, topic, held, config.readWaitTimeout().toMillis());
    probe = new StalenessProbe(endOffsets, positions, broker, ticker, clock, topic.minInsyncReplicas());
    if (config.snapshotInterval() != null) {
      snapshots = new SnapshotScheduler(new SnapshotStore(config.nodeDataDir()), config.snapshotInterval(), cache,
          positions, topic, clock, probe::caughtUpAtMillis, membership::owns);
    }
    applier = new Applier(clients, topic, held, cache, positions, clock, snapshots.startingPoint(),
        probe::caughtUpAtMillis, new ApplierEvents());
    applier.start();

    try {
      writer = new LogWriter(producer.join(), topic, writeTimeout);
    } catch (CompletionException e) { // a client setting the producer refused: the start fails with its reason
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
    writer.warmUp(config.startupTimeout());
    timeline.took("writer_ms", writerBegan);
    // The brokers just answered the producer. Without this, a start slower than the silence limit
    // (a loaded machine) left the node ready but refusing every write until its first probe.
    broker.heard();
    ReadBarrier barrier = new ReadBarrier(positions, endOffsets, config.readWaitTimeout().toMillis());
    Replicator replicator = new Replicator(writer, positions, barrier, cache, broker, freezeWatch, probe, clock,
        config.maxMemoryBytes(), config.maxInflightWriteBytes());
    Reader reader = new Reader(cache, barrier, positions, probe, topic, readClock);
    ExpirySweep sweep = new ExpirySweep(cache, clock);
    peersHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(1))
        .executor(forwarding).build();
    Peers peers = new Peers(membership, peersHttp, ticker::nanos);
    Sharding sharding = new Sharding(membership, peers, peersHttp, config.writeTimeout(), config.readWaitTimeout());
    status = new StatusDocument(config, topic, this, cache, positions, applier, probe, broker,
        replicator, snapshots, sharding, metrics, ticker, timeline);
    NodeGauges.register(metrics, this::ready, cache, config.maxMemoryBytes(), topic, positions, applier, probe, broker,
        replicator, snapshots, sweep);
    metrics.counter("logkv_freezes", "Times this process was noticed not running for --freeze-limit or longer"
        + " (writes are refused for a moment after each)", freezeWatch::freezes);
    HttpLimits limits = new HttpLimits(config.maxValueBytes(), config.requestTimeout().toMillis(),
        config.maxInflightBodyBytes(), config.maxConnections());
    long httpBegan = timeline.now();
    http = new HttpServer(config.bind(), config.port(), config.ioThreads(), (int) config.requestTimeout().toMillis(),
        (int) config.idleTimeout().toMillis(), limits,
        AuthHandler.wrap(
            Router.create(config.nodeId(), this, replicator, reader, sharding, status::document, status::health,
                metrics, limits),
            authorizer, metrics))
        .start();
    timeline.took("http_ms", httpBegan);
    if (membership.self().isPresent()) {
      sharding.checkAgreement(); // refuses to start beside members started with another list or R
      peers.start(housekeeping, Duration.ofMillis(500));
    }
    opened = true;
    LOG.info("node {} listening on http://{}:{} ({})", config.nodeId(), config.bind(), port(),
        ready() ? "ready" : "not ready until it has caught up");

    if (tokens != null) {
      metrics.counter("logkv_auth_file_reloads", "New versions of the auth file loaded", tokens::reloads);
      metrics.counter("logkv_auth_file_rejected", "New versions of the auth file refused as invalid (the previous"
          + " tokens stay in force)", tokens::rejected);
      tokens.start(housekeeping, TOKEN_FILE_CHECK);
    }
    probe.start(housekeeping, config.stalenessProbeInterval());
    sweep.start(housekeeping, config.expirySweepInterval());
    snapshots.start(snapshotter, this::ready);
    announceIfReady();
  }

  /**
   * Logs the ready line ({@link StartupTimeline}) the first time the node is ready: called when
   * open() is done and when the applier has caught up, whichever comes last finds it ready.
   */
  private void announceIfReady() {
    if (ready() && announcedReady.compareAndSet(false, true)) {
      LOG.info(timeline.ready(config.nodeId()));
    }
  }

  /** Runs a start-up task on a thread of its own, which ends with it. */
  private static void startupThread(Runnable task) {
    Thread t = new Thread(task, "node-startup");
    t.setDaemon(true);
    t.start();
  }

  /** Bearer tokens from --auth-file, or auth off (allowed by the config only on loopback or with --insecure). */
  private Authorizer authorizer() {
    if (config.authFile().isPresent()) {
      tokens = TokenFile.load(config.authFile().get());
      LOG.info("node {}: data, status and admin routes need bearer tokens from {} ({}); it is checked for changes"
          + " every second", config.nodeId(), tokens.path(), tokens.get().summary());
      return Authorizer.bearerTokens(tokens);
    }
    if (config.openToTheNetwork()) {
      LOG.warn("""

          *****************************************************************************************
          INSECURE (--insecure): node {} listens on {}:{} with no --auth-file. Whoever can reach this
          port can read, write and delete every key. Run it like this only on a private network
          that nothing untrusted can reach; give --auth-file FILE to require bearer tokens.
          *****************************************************************************************""",
          config.nodeId(), config.bind(), config.port());
    } else {
      LOG.info("node {}: no --auth-file, so no route asks for a token; it listens on loopback ({}) only",
          config.nodeId(), config.bind());
    }
    return Authorizer.open();
  }

  /** What the node does when the applier reports; runs on the applier's thread. */
  private final class ApplierEvents implements Applier.Listener {
    @Override
    public void caughtUp(ReplayProgress replay) {
      probe.markCaughtUp();
      LOG.info("node {} has caught up: {} keys after replaying {} records from the {} in {} s", config.nodeId(),
          cache.size(), replay.records(), replay.source(), String.format("%.3f", replay.seconds()));
      timeline.tookMillis("snapshot_ms", replay.restoreMillis());
      timeline.tookMillis("replay_ms", Math.round(replay.seconds() * 1000) - replay.restoreMillis());
      timeline.count("replay_records", replay.records());
      announceIfReady();
    }

    @Override
    public void rebuilding(String why) {
      probe.markReplaying();
    }

    @Override
    public void failed(Throwable failure) {
      if (!closed) {
        onFatal.accept(failure);
      }
    }
  }

  private static ScheduledExecutorService daemonScheduler(String threadName) {
    return Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
  }

  // ---- NodeState

  @Override
  public boolean ready() {
    return opened && !closed && applier.isCaughtUp();
  }

  @Override
  public boolean live() {
    return !closed && (applier == null || applier.failure() == null);
  }

  // ---- lifecycle

  /** The bound HTTP port. */
  public int port() {
    return http.port();
  }

  public String url() {
    return "http://" + config.bind() + ":" + port();
  }

  public NodeConfig config() {
    return config;
  }

  /** The /status document, as the HTTP route serves it. */
  public Map<String, Object> status() {
    return status.document();
  }

  /** Blocks until the node is ready; throws if it fails or closes first, or after {@code timeoutMillis}. */
  public void awaitReady(long timeoutMillis) {
    try {
      applier.firstCatchUp().get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LogException("interrupted while waiting for node " + config.nodeId() + " to be ready", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new LogException("node " + config.nodeId() + " did not become ready: " + e, e);
    }
  }

  /** Stops HTTP, the applier and the clients, then writes a last snapshot; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (http != null) {
      http.close();
    }
    housekeeping.shutdownNow();
    snapshotter.shutdownNow();
    freezeWatch.close();
    forwarding.shutdownNow();
    if (readClock instanceof CoarseClock coarse) {
      coarse.close();
    }
    boolean caughtUpOnce = applier != null && applier.firstCatchUp().isDone()
        && !applier.firstCatchUp().isCompletedExceptionally();
    if (applier != null) {
      applier.close();
      if (caughtUpOnce && applier.failure() == null) {
        // The applier has stopped: this snapshot's positions are exact, and the next start replays
        // only what was written after it.
        snapshots.writeNow();
      }
    }
    if (writer != null) {
      writer.close();
    } else if (producer != null) { // the start failed after the producer was begun
      producer.thenAccept(p -> p.close(Duration.ZERO));
    }
    if (endOffsets != null) {
      endOffsets.close();
    }
    LOG.info("node {} stopped", config.nodeId());
  }
}
