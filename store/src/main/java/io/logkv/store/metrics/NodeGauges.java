package io.logkv.store.metrics;

import io.logkv.store.cache.Cache;
import io.logkv.store.cache.ExpirySweep;
import io.logkv.store.log.AppliedPositions;
import io.logkv.store.log.Applier;
import io.logkv.store.log.BrokerContact;
import io.logkv.store.log.LogTopic;
import io.logkv.store.log.Replicator;
import io.logkv.store.log.StalenessProbe;
import io.logkv.store.snapshot.SnapshotStore;
import io.logkv.store.snapshot.Snapshots;
import java.util.function.BooleanSupplier;

/** The node's gauges and counters, read from its parts at scrape time; registered once at start. */
public final class NodeGauges {
  private NodeGauges() {}

  /** Registers every gauge of a node on {@code m}. */
  public static void register(NodeMetrics m, BooleanSupplier ready, Cache cache, long maxMemoryBytes, LogTopic topic,
      AppliedPositions positions, Applier applier, StalenessProbe probe, BrokerContact broker, Replicator replicator,
      Snapshots snapshots, ExpirySweep sweep) {
    m.gauge("logkv_ready", "1 when the node has caught up and serves data", () -> ready.getAsBoolean() ? 1 : 0);
    m.gauge("logkv_keys", "Keys held in memory", cache::size);
    m.gauge("logkv_bytes", "Approximate bytes held by the map", cache::bytes);
    m.gauge("logkv_max_memory_bytes", "Memory cap for writes (507 above)", () -> maxMemoryBytes);
    m.counter("logkv_keys_expired", "Keys removed from memory because their deadline passed (no tombstone is logged"
        + " for them)", sweep::expired);
    m.partitionGauge("logkv_applied_offset", "Next offset to apply, per partition", topic.partitions(),
        positions::nextOffset);
    m.partitionGauge("logkv_end_offset", "End offset of the log at the last probe, per partition", topic.partitions(),
        p -> probe.lastEndOffsets() == null ? Double.NaN : probe.lastEndOffsets()[p]);
    m.gauge("logkv_lag_records", "Records in the log not yet applied here, at the last probe", probe::lag);
    m.gauge("logkv_max_staleness_seconds", "Upper bound on how far this copy may be behind the log",
        () -> probe.maxStalenessMillis() / 1000.0);
    m.gauge("logkv_broker_silence_seconds", "Time since the brokers last answered this node",
        () -> broker.silenceMillis() / 1000.0);
    m.gauge("logkv_topic_replication_factor", "Replicas of each partition of the log topic", topic::replicationFactor);
    m.gauge("logkv_topic_min_insync_replicas", "min.insync.replicas of the log topic", topic::minInsyncReplicas);
    m.gauge("logkv_under_replicated_partitions", "Partitions with fewer in-sync replicas than replicas at the last"
        + " look (-1: unknown)", () -> probe.underReplicatedPartitions(topic.replicationFactor()));
    m.gauge("logkv_replay_seconds", "Start-up replay time", () -> applier.replay().seconds());
    m.gauge("logkv_replay_records", "Records applied during start-up replay", () -> applier.replay().records());
    m.gauge("logkv_replay_rate", "Start-up replay rate, records per second", () -> applier.replay().rate());
    m.gauge("logkv_replay_from_snapshot", "1 when start-up replay began from a snapshot",
        () -> "snapshot".equals(applier.replay().source()) ? 1 : 0);
    m.counter("logkv_rebuilds", "Times the node dropped its map and replayed the whole log because it may have"
        + " missed deletes", applier::rebuilds);
    m.gauge("logkv_snapshot_last_write_seconds", "Time the last snapshot took to write",
        () -> last(snapshots) == null ? Double.NaN : last(snapshots).millis() / 1000.0);
    m.gauge("logkv_snapshot_last_keys", "Keys in the last snapshot written",
        () -> last(snapshots) == null ? Double.NaN : last(snapshots).entries());
    m.gauge("logkv_snapshot_last_timestamp_seconds", "When the last snapshot was started, epoch seconds",
        () -> last(snapshots) == null ? Double.NaN : last(snapshots).startedAtMillis() / 1000.0);
    m.counter("logkv_records_applied", "Records applied from the log", applier::recordsApplied);
    m.counter("logkv_records_skipped", "Records of an unknown format, skipped", applier::recordsSkipped);
    m.gauge("logkv_position_waiters", "Requests waiting for a position to be applied", positions::pendingWaiters);
    m.gauge("logkv_inflight_write_bytes", "Record bytes sent to Kafka and not yet acknowledged", replicator::inflightBytes);
    m.counter("logkv_writes_refused_overloaded", "Writes refused because --max-inflight-write-bytes was reached",
        replicator::refusedOverloaded);
  }

  private static SnapshotStore.Written last(Snapshots snapshots) {
    return snapshots.last();
  }
}
