package io.logkv.store;

import io.logkv.store.cache.Cache;
import io.logkv.store.config.NodeConfig;
import io.logkv.store.http.NodeState;
import io.logkv.store.http.Sharding;
import io.logkv.store.log.AppliedPositions;
import io.logkv.store.log.Applier;
import io.logkv.store.log.BrokerContact;
import io.logkv.store.log.LogTopic;
import io.logkv.store.log.ReplayProgress;
import io.logkv.store.log.Replicator;
import io.logkv.store.log.StalenessProbe;
import io.logkv.store.log.Ticker;
import io.logkv.store.metrics.NodeMetrics;
import io.logkv.store.shard.Member;
import io.logkv.store.shard.Membership;
import io.logkv.store.snapshot.Snapshots;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The /status document of a node: what it is, where it is in the log, how healthy its log is. */
final class StatusDocument {
  private final NodeConfig config;
  private final LogTopic topic;
  private final NodeState state;
  private final Cache cache;
  private final AppliedPositions positions;
  private final Applier applier;
  private final StalenessProbe probe;
  private final BrokerContact broker;
  private final Replicator replicator;
  private final Snapshots snapshots;
  private final Sharding sharding;
  private final NodeMetrics metrics;
  private final Ticker ticker;
  private final long startedNanos;
  private final StartupTimeline timeline;

  StatusDocument(NodeConfig config, LogTopic topic, NodeState state, Cache cache, AppliedPositions positions,
      Applier applier, StalenessProbe probe, BrokerContact broker, Replicator replicator, Snapshots snapshots,
      Sharding sharding, NodeMetrics metrics, Ticker ticker, StartupTimeline timeline) {
    this.timeline = timeline;
    this.config = config;
    this.topic = topic;
    this.state = state;
    this.cache = cache;
    this.positions = positions;
    this.applier = applier;
    this.probe = probe;
    this.broker = broker;
    this.replicator = replicator;
    this.snapshots = snapshots;
    this.sharding = sharding;
    this.metrics = metrics;
    this.ticker = ticker;
    this.startedNanos = ticker.nanos();
  }

  Map<String, Object> document() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("node_id", config.nodeId());
    s.put("state", !state.live() ? "failed" : state.ready() ? "ready" : "replaying");
    s.put("ready", state.ready());
    s.put("topic", topic.name());
    s.put("partitions", topic.partitions());
    s.put("replication_factor", topic.replicationFactor());
    s.put("min_insync_replicas", topic.minInsyncReplicas());
    s.put("under_replicated_partitions", probe.underReplicatedPartitions(topic.replicationFactor()));
    s.put("applied", positions.describe());
    long[] ends = probe.lastEndOffsets();
    s.put("end", ends == null ? null : AppliedPositions.describe(ends));
    s.put("lag_records", probe.lag());
    s.put("max_staleness_ms", probe.maxStalenessMillis());
    s.put("broker_silence_ms", broker.silenceMillis());
    Membership m = sharding.membership();
    if (m.self().isPresent()) {
      Map<String, Object> cluster = new LinkedHashMap<>();
      cluster.put("sharded", m.sharded());
      cluster.put("members", m.members().stream().map(Member::id).toList());
      cluster.put("replicas", m.replicas());
      cluster.put("owned_partitions", m.ownedPartitions());
      cluster.put("forwarded_requests", sharding.forwarded());
      s.put("cluster", cluster);
    }
    s.put("keys", cache.size());
    s.put("bytes", cache.bytes());
    s.put("max_memory_bytes", config.maxMemoryBytes());
    s.put("records_applied", applier.recordsApplied());
    s.put("records_skipped", applier.recordsSkipped());
    s.put("rebuilds", applier.rebuilds());
    s.put("position_waiters", positions.pendingWaiters());
    s.put("inflight_write_bytes", replicator.inflightBytes());
    ReplayProgress r = applier.replay();
    Map<String, Object> replay = new LinkedHashMap<>();
    replay.put("source", r.source());
    replay.put("done", r.done());
    replay.put("records", r.records());
    replay.put("seconds", r.seconds());
    replay.put("rate", Math.round(r.rate()));
    replay.put("percent", Math.round(r.percent() * 10) / 10.0);
    s.put("replay", replay);
    s.put("startup", timeline.atReady()); // null until the node first turned ready
    s.put("snapshot", snapshots.status(applier.restoredEntries()));
    s.put("requests", new java.util.TreeMap<>(metrics.requestTotals()));
    s.put("uptime_seconds", TimeUnit.NANOSECONDS.toSeconds(ticker.nanos() - startedNanos));
    if (applier.failure() != null) {
      s.put("failure", applier.failure().toString());
    }
    return s;
  }

  /** The payload of the original service's health route: who answers, and whether it serves. */
  Map<String, Object> health() {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("node_id", config.nodeId());
    h.put("ready", state.ready());
    return h;
  }
}
