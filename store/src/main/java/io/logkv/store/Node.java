package io.logkv.store;

import io.logkv.store.cache.Cache;
import io.logkv.store.cache.CoarseClock;
import io.logkv.store.config.NodeConfig;
import io.logkv.store.http.HttpServer;
import io.logkv.store.http.NodeView;
import io.logkv.store.http.Router;
import io.logkv.store.http.Services;
import io.logkv.store.log.AppliedPositions;
import io.logkv.store.log.Applier;
import io.logkv.store.log.EndOffsets;
import io.logkv.store.log.LogException;
import io.logkv.store.log.LogTopic;
import io.logkv.store.log.LogWriter;
import io.logkv.store.log.ReplayProgress;
import io.logkv.store.log.SnapshotSource;
import io.logkv.store.metrics.NodeMetrics;
import io.logkv.store.snapshot.SnapshotStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logkv node: the cache, the log (writer, applier, end-offset lookups), the HTTP server and
 * housekeeping, built from a {@link NodeConfig} and closed as one.
 *
 * <p>Start-up: create or check the topic, warm the producer's metadata, open HTTP (live, not
 * ready), replay the log up to the end offsets seen at start, then turn ready. Until then data
 * routes answer 503 so nginx tries another node.
 *
 * <p>Staleness: every {@value #SYNC_PROBE_MILLIS} ms a probe asks the broker for the end of every
 * partition; once the node has applied up to those offsets, its data is known to be current as of
 * the moment the probe was sent. Reads report the time since then as {@code X-Max-Staleness-Ms}, so
 * a node cut off from the broker keeps serving and says how stale it may be.
 */
public final class Node implements NodeView, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Node.class);
  static final long SYNC_PROBE_MILLIS = 500;
  private static final long EXPIRY_SWEEP_MILLIS = 1_000;
  private static final long STARTUP_TIMEOUT_MILLIS = 120_000;

  private final NodeConfig config;
  private final InstantSource clock;
  /** The clock reads check expiry with: coarse for the system clock, the injected one as it is. */
  private final InstantSource readClock;
  private final Cache cache = Cache.inMemory();
  private final NodeMetrics metrics = new NodeMetrics();
  private final long startedMillis;
  private final ScheduledExecutorService housekeeping;
  private final ScheduledExecutorService snapshotter;
  private SnapshotStore snapshots;
  private volatile SnapshotStore.Written lastSnapshot;
  private volatile String lastSnapshotError;
  private LogTopic topic;
  private AppliedPositions positions;
  private LogWriter writer;
  private EndOffsets endOffsets;
  private Applier applier;
  private HttpServer http;
  private volatile boolean ready;
  private volatile boolean opened;
  private final Object readyLock = new Object();
  private volatile boolean closed;
  private volatile long syncedAtMillis;
  private volatile long brokerContactMillis;
  private volatile long[] lastEndOffsets;
  private volatile Probe pendingProbe;

  /** An end-offset answer not yet reached by the applier: offsets and when they were asked for. */
  private record Probe(long sentAtMillis, long[] ends) {}

  private Node(NodeConfig config, InstantSource clock) {
    this.config = config;
    this.clock = clock;
    this.readClock = clock == InstantSource.system() ? CoarseClock.of(clock, config.nodeId() + "-clock") : clock;
    this.startedMillis = System.currentTimeMillis();
    this.housekeeping = daemonScheduler(config.nodeId() + "-housekeeping");
    this.snapshotter = daemonScheduler(config.nodeId() + "-snapshots");
  }

  private static ScheduledExecutorService daemonScheduler(String threadName) {
    return Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts a node on the system clock. */
  public static Node start(NodeConfig config) {
    return start(config, InstantSource.system());
  }

  /**
   * Starts a node; {@code clock} decides expiry (tests inject one). Returns once HTTP is up; the
   * node turns ready later, when replay is done (see {@link #awaitReady}).
   */
  public static Node start(NodeConfig config, InstantSource clock) {
    Node node = new Node(config, clock);
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
    topic = ensureTopic();
    positions = new AppliedPositions(topic.partitions());
    snapshots = new SnapshotStore(config.nodeDataDir());
    SnapshotSource source = config.snapshotInterval() == null
        ? SnapshotSource.none()
        : (start, end) -> snapshots.loadValid(topic, start, end, clock.millis());
    applier = new Applier(config.bootstrapServers(), config.nodeId(), topic, cache, positions, clock, source);
    // Replay first: it is most of a restart, and the producer, the offsets client and HTTP are
    // set up while it runs. The node turns ready only when replay is done and open() returned.
    applier.caughtUp().thenRun(this::turnReady);
    applier.start();
    long writeTimeout = config.writeTimeout().toMillis();
    writer = new LogWriter(config.bootstrapServers(), config.nodeId(), topic, config.maxRecordBytes(), writeTimeout);
    writer.warmUp(STARTUP_TIMEOUT_MILLIS);
    endOffsets = new EndOffsets(config.bootstrapServers(), config.nodeId(), topic, config.readWaitTimeout().toMillis());
    registerMetrics();
    http =
        new HttpServer(
                config.bind(),
                config.port(),
                config.ioThreads(),
                (int) config.requestTimeout().toMillis(),
                (int) config.idleTimeout().toMillis(),
                new Router(new Services(config, cache, positions, writer, endOffsets, readClock, metrics, this)))
            .start();
    opened = true;
    LOG.info("node {} listening on http://{}:{} (not ready until it has caught up)", config.nodeId(), config.bind(), port());
    if (applier.caughtUp().isDone() && !applier.caughtUp().isCompletedExceptionally()) {
      turnReady();
    }
    housekeeping.scheduleWithFixedDelay(this::probeEndOffsets, SYNC_PROBE_MILLIS, SYNC_PROBE_MILLIS, TimeUnit.MILLISECONDS);
    housekeeping.scheduleWithFixedDelay(this::sweepExpired, EXPIRY_SWEEP_MILLIS, EXPIRY_SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    if (config.snapshotInterval() != null) {
      long every = config.snapshotInterval().toMillis();
      snapshotter.scheduleWithFixedDelay(this::snapshotIfChanged, every, every, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Writes a snapshot when something was applied since the last one. Runs on its own thread, so a
   * large map never delays the probe or the expiry sweep; reads and writes go on meanwhile.
   */
  private void snapshotIfChanged() {
    if (!ready || !live()) {
      return;
    }
    SnapshotStore.Written last = lastSnapshot;
    if (last != null && java.util.Arrays.equals(last.positions(), positions.snapshot())) {
      return;
    }
    writeSnapshot();
  }

  private synchronized void writeSnapshot() {
    try {
      SnapshotStore.Written w = snapshots.write(cache, positions, topic, clock.millis());
      lastSnapshot = w;
      lastSnapshotError = null;
      LOG.info("snapshot: {} keys, {} bytes in {} ms, replay resumes at {}", w.entries(), w.bytes(), w.millis(),
          AppliedPositions.describe(w.positions()));
    } catch (IOException | RuntimeException e) {
      lastSnapshotError = e.toString();
      LOG.error("writing a snapshot to {} failed; the previous one stays", snapshots.file(), e);
    }
  }

  private LogTopic ensureTopic() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, config.nodeId() + "-setup");
    long deadline = System.currentTimeMillis() + STARTUP_TIMEOUT_MILLIS;
    try (Admin admin = Admin.create(p)) {
      while (true) {
        try {
          return LogTopic.ensure(admin, config.topic(), config.partitions(), config.maxRecordBytes(),
              config.writeTimeout().toMillis(), 10_000);
        } catch (LogException e) {
          boolean unreachable = e.getCause() instanceof java.util.concurrent.TimeoutException
              || e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException;
          if (!unreachable || System.currentTimeMillis() > deadline) {
            throw e;
          }
          LOG.warn("waiting for Kafka at {}: {}", config.bootstrapServers(), e.getMessage());
        }
      }
    }
  }

  /**
   * Called when replay is done and again when open() has finished; the node turns ready on the
   * later of the two, so that every part exists before it serves a request.
   */
  private void turnReady() {
    synchronized (readyLock) { // not the node's monitor: close() holds that while it joins the applier
      if (ready || !opened || closed) {
        return;
      }
      syncedAtMillis = System.currentTimeMillis();
      brokerContactMillis = syncedAtMillis;
      ready = true;
    }
    ReplayProgress r = applier.replay();
    LOG.info(
        "node {} is ready: {} keys after replaying {} records in {} s",
        config.nodeId(), cache.size(), r.records(), String.format("%.3f", r.seconds()));
  }

  /** Runs on the housekeeping thread; never blocks it (the answer comes on the admin's thread). */
  private void probeEndOffsets() {
    Probe pending = pendingProbe;
    if (pending != null && reached(pending.ends())) {
      syncedAtMillis = Math.max(syncedAtMillis, pending.sentAtMillis());
      pendingProbe = null;
    }
    if (!ready || closed) {
      return;
    }
    long sentAt = System.currentTimeMillis();
    endOffsets
        .all()
        .whenComplete(
            (ends, failure) -> {
              if (failure != null) {
                return; // broker unreachable: staleness keeps growing, which is the point
              }
              lastEndOffsets = ends;
              brokerHeard();
              if (reached(ends)) {
                syncedAtMillis = Math.max(syncedAtMillis, sentAt);
              } else {
                pendingProbe = new Probe(sentAt, ends);
              }
            });
  }

  private boolean reached(long[] ends) {
    for (int p = 0; p < ends.length; p++) {
      if (positions.nextOffset(p) < ends[p]) {
        return false;
      }
    }
    return true;
  }

  private void sweepExpired() {
    try {
      cache.removeExpired(clock.millis());
    } catch (RuntimeException e) {
      LOG.error("expiry sweep failed", e);
    }
  }

  private void registerMetrics() {
    metrics.gauge("logkv_ready", "1 when the node has caught up and serves data", () -> ready ? 1 : 0);
    metrics.gauge("logkv_keys", "Keys held in memory", cache::size);
    metrics.gauge("logkv_bytes", "Approximate bytes held by the map", cache::bytes);
    metrics.gauge("logkv_max_memory_bytes", "Memory cap for writes (507 above)", config::maxMemoryBytes);
    metrics.partitionGauge(
        "logkv_applied_offset", "Next offset to apply, per partition", topic.partitions(), p -> positions.nextOffset(p));
    metrics.partitionGauge(
        "logkv_end_offset", "End offset of the log at the last probe, per partition", topic.partitions(),
        p -> lastEndOffsets == null ? Double.NaN : lastEndOffsets[p]);
    metrics.gauge("logkv_lag_records", "Records in the log not yet applied here, at the last probe", this::lag);
    metrics.gauge("logkv_max_staleness_seconds", "Upper bound on how far this copy may be behind the log",
        () -> maxStalenessMillis() / 1000.0);
    metrics.gauge("logkv_broker_silence_seconds", "Time since the broker last answered this node",
        () -> brokerSilenceMillis() / 1000.0);
    metrics.gauge("logkv_replay_seconds", "Start-up replay time", () -> applier.replay().seconds());
    metrics.gauge("logkv_replay_records", "Records applied during start-up replay", () -> applier.replay().records());
    metrics.gauge("logkv_replay_rate", "Start-up replay rate, records per second", () -> applier.replay().rate());
    metrics.gauge("logkv_replay_from_snapshot", "1 when start-up replay began from a snapshot",
        () -> "snapshot".equals(applier.replay().source()) ? 1 : 0);
    metrics.gauge("logkv_snapshot_last_write_seconds", "Time the last snapshot took to write",
        () -> lastSnapshot == null ? Double.NaN : lastSnapshot.millis() / 1000.0);
    metrics.gauge("logkv_snapshot_last_keys", "Keys in the last snapshot written",
        () -> lastSnapshot == null ? Double.NaN : lastSnapshot.entries());
    metrics.gauge("logkv_snapshot_last_timestamp_seconds", "When the last snapshot was started, epoch seconds",
        () -> lastSnapshot == null ? Double.NaN : lastSnapshot.startedAtMillis() / 1000.0);
    metrics.counter("logkv_records_applied", "Records applied from the log", () -> applier.recordsApplied());
    metrics.counter("logkv_records_skipped", "Records of an unknown format, skipped", () -> applier.recordsSkipped());
    metrics.gauge("logkv_position_waiters", "Requests waiting for a position to be applied", () -> positions.pendingWaiters());
  }

  private long lag() {
    long[] ends = lastEndOffsets;
    if (ends == null) {
      return 0;
    }
    long lag = 0;
    for (int p = 0; p < ends.length; p++) {
      lag += Math.max(0, ends[p] - positions.nextOffset(p));
    }
    return lag;
  }

  // ---- NodeView

  @Override
  public boolean ready() {
    return ready && live();
  }

  @Override
  public boolean live() {
    return !closed && (applier == null || applier.failure() == null);
  }

  @Override
  public void brokerHeard() {
    brokerContactMillis = System.currentTimeMillis();
  }

  @Override
  public long brokerSilenceMillis() {
    return Math.max(0, System.currentTimeMillis() - brokerContactMillis);
  }

  @Override
  public long maxStalenessMillis() {
    return ready ? Math.max(0, System.currentTimeMillis() - syncedAtMillis) : -1;
  }

  @Override
  public Map<String, Object> status() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("node_id", config.nodeId());
    s.put("state", !live() ? "failed" : ready ? "ready" : "replaying");
    s.put("ready", ready());
    s.put("topic", topic.name());
    s.put("partitions", topic.partitions());
    s.put("applied", positions.describe());
    long[] ends = lastEndOffsets;
    s.put("end", ends == null ? null : AppliedPositions.describe(ends));
    s.put("lag_records", lag());
    s.put("max_staleness_ms", maxStalenessMillis());
    s.put("broker_silence_ms", brokerSilenceMillis());
    s.put("keys", cache.size());
    s.put("bytes", cache.bytes());
    s.put("max_memory_bytes", config.maxMemoryBytes());
    s.put("records_applied", applier.recordsApplied());
    s.put("records_skipped", applier.recordsSkipped());
    s.put("position_waiters", positions.pendingWaiters());
    ReplayProgress r = applier.replay();
    Map<String, Object> replay = new LinkedHashMap<>();
    replay.put("source", r.source());
    replay.put("done", r.done());
    replay.put("records", r.records());
    replay.put("seconds", r.seconds());
    replay.put("rate", Math.round(r.rate()));
    replay.put("percent", Math.round(r.percent() * 10) / 10.0);
    s.put("replay", replay);
    Map<String, Object> snapshot = new LinkedHashMap<>();
    snapshot.put("enabled", config.snapshotInterval() != null);
    snapshot.put("loaded_keys", applier.snapshotEntries());
    SnapshotStore.Written w = lastSnapshot;
    if (w != null) {
      snapshot.put("last_written_at", java.time.Instant.ofEpochMilli(w.startedAtMillis()).toString());
      snapshot.put("last_keys", w.entries());
      snapshot.put("last_bytes", w.bytes());
      snapshot.put("last_write_ms", w.millis());
      snapshot.put("last_positions", AppliedPositions.describe(w.positions()));
    }
    if (lastSnapshotError != null) {
      snapshot.put("last_error", lastSnapshotError);
    }
    s.put("snapshot", snapshot);
    s.put("uptime_seconds", (System.currentTimeMillis() - startedMillis) / 1000);
    if (applier.failure() != null) {
      s.put("failure", applier.failure().toString());
    }
    return s;
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

  /** Blocks until the node is ready; throws if it fails or closes first, or after {@code timeoutMillis}. */
  public void awaitReady(long timeoutMillis) {
    try {
      applier.caughtUp().get(timeoutMillis, TimeUnit.MILLISECONDS);
      // Replay is done; readiness follows as soon as open() has finished too.
      long deadline = System.currentTimeMillis() + 1000;
      while (!ready && System.currentTimeMillis() < deadline) {
        Thread.sleep(1);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LogException("interrupted while waiting for node " + config.nodeId() + " to be ready", e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new LogException("node " + config.nodeId() + " did not become ready: " + e, e);
    }
  }

  /** Stops HTTP, the applier and the clients; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    ready = false;
    if (http != null) {
      http.close();
    }
    housekeeping.shutdownNow();
    snapshotter.shutdownNow();
    if (readClock instanceof CoarseClock coarse) {
      coarse.close();
    }
    boolean wasReady = applier != null && applier.caughtUp().isDone() && !applier.caughtUp().isCompletedExceptionally();
    if (applier != null) {
      applier.close();
    }
    if (wasReady && config.snapshotInterval() != null && applier.failure() == null) {
      // The applier has stopped: this snapshot's positions are exact, and the next start replays
      // only what was written after it.
      writeSnapshot();
    }
    if (writer != null) {
      writer.close();
    }
    if (endOffsets != null) {
      endOffsets.close();
    }
    LOG.info("node {} stopped", config.nodeId());
  }
}
