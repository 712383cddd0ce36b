package io.logkv.store.log;

import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * How current this node's copy is. Every probe interval it asks the brokers for the end of every
 * partition; once the node has applied up to those offsets, its data is known to be current as of
 * the moment the probe was sent. Reads report the time since then as {@code X-Max-Staleness-Ms},
 * so a node cut off from the brokers keeps serving and says how stale it may be; and the wall-clock
 * time of that moment is when the node was last caught up, which decides whether it may have
 * missed deletes (see {@link Applier}) and whether a snapshot may be used.
 *
 * <p>Every few probes it also asks for each partition's in-sync replicas: /status shows the
 * under-replicated partitions, and writes to a partition with fewer in-sync replicas than the
 * topic's {@code min.insync.replicas} are refused at once instead of waiting out their timeout.
 *
 * <p>Threads: {@link #start} runs the probe on the given scheduler; answers arrive on the admin
 * client's thread; readers call the getters from anywhere. Nothing blocks.
 */
public final class StalenessProbe {
  private static final int REPLICAS_EVERY = 4;

  private final EndOffsets endOffsets;
  private final AppliedPositions positions;
  private final BrokerContact broker;
  private final Ticker ticker;
  private final InstantSource clock;
  private final int minInsyncReplicas;
  private volatile boolean active;
  private volatile long syncedAtNanos;
  private volatile long caughtUpAtMillis;
  private volatile long[] lastEndOffsets;
  private volatile int[] inSyncReplicas;
  private volatile Probe pending;
  private int probes;

  /** An end-offset answer not yet reached by the applier: offsets and when they were asked for. */
  private record Probe(long sentAtNanos, long sentAtMillis, long[] ends) {}

  public StalenessProbe(EndOffsets endOffsets, AppliedPositions positions, BrokerContact broker, Ticker ticker,
      InstantSource clock, int minInsyncReplicas) {
    this.endOffsets = endOffsets;
    this.positions = positions;
    this.broker = broker;
    this.ticker = ticker;
    this.clock = clock;
    this.minInsyncReplicas = minInsyncReplicas;
    this.syncedAtNanos = ticker.nanos();
    this.caughtUpAtMillis = clock.millis();
  }

  /** Probes every {@code interval} on {@code scheduler} (a single thread) until it shuts down. */
  public void start(ScheduledExecutorService scheduler, Duration interval) {
    long every = interval.toMillis();
    // The first probe at once: until it answers, the node knows nothing of in-sync replicas.
    scheduler.scheduleWithFixedDelay(this::probe, 0, every, TimeUnit.MILLISECONDS);
  }

  /** The applier caught up just now (start-up or rebuild): the copy is current, probing resumes. */
  public void markCaughtUp() {
    broker.heard(); // caught up to end offsets the brokers have just given
    syncedAtNanos = ticker.nanos();
    caughtUpAtMillis = clock.millis();
    pending = null;
    active = true;
  }

  /** The node stopped serving (a rebuild): staleness is unknown until it catches up again. */
  public void markReplaying() {
    active = false;
    pending = null;
  }

  private void probe() {
    Probe p = pending;
    if (p != null && reached(p.ends())) {
      synced(p.sentAtNanos(), p.sentAtMillis());
      pending = null;
    }
    if (!active) {
      return;
    }
    long sentAtNanos = ticker.nanos();
    long sentAtMillis = clock.millis();
    endOffsets.all().whenComplete((ends, failure) -> {
      if (failure != null) {
        return; // brokers unreachable: staleness keeps growing, which is the point
      }
      lastEndOffsets = ends;
      broker.heard();
      if (reached(ends)) {
        synced(sentAtNanos, sentAtMillis);
      } else {
        pending = new Probe(sentAtNanos, sentAtMillis, ends);
      }
    });
    if (probes++ % REPLICAS_EVERY == 0) {
      endOffsets.inSyncReplicas().whenComplete((isr, failure) -> {
        if (failure == null) {
          inSyncReplicas = isr;
        }
      });
    }
  }

  private void synced(long atNanos, long atMillis) {
    if (!active) {
      return;
    }
    if (atNanos - syncedAtNanos > 0) {
      syncedAtNanos = atNanos;
    }
    caughtUpAtMillis = Math.max(caughtUpAtMillis, atMillis);
  }

  private boolean reached(long[] ends) {
    for (int p = 0; p < ends.length; p++) {
      if (positions.nextOffset(p) < ends[p]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Upper bound, in milliseconds, on how far this copy may be behind the log: the time since the
   * node last confirmed it had applied everything the brokers held; -1 while it replays.
   */
  public long maxStalenessMillis() {
    return active ? Math.max(0, TimeUnit.NANOSECONDS.toMillis(ticker.nanos() - syncedAtNanos)) : -1;
  }

  /** Wall-clock time at which this node last had applied everything the log held. */
  public long caughtUpAtMillis() {
    return caughtUpAtMillis;
  }

  /** The end offsets of the last answered probe, or null before the first. */
  public long[] lastEndOffsets() {
    return lastEndOffsets;
  }

  /** Records in the log not yet applied here, as of the last answered probe. */
  public long lag() {
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

  /** Partitions with fewer in-sync replicas than replicas at the last look, or -1 if unknown. */
  public int underReplicatedPartitions(int replicationFactor) {
    int[] isr = inSyncReplicas;
    if (isr == null) {
      return -1;
    }
    int n = 0;
    for (int i : isr) {
      if (i < replicationFactor) {
        n++;
      }
    }
    return n;
  }

  /**
   * Whether {@code partition} had fewer in-sync replicas than min.insync.replicas at the last look:
   * an acks=all write to it would be refused by the leader (NOT_ENOUGH_REPLICAS), and retried by
   * the producer until its timeout.
   */
  public boolean belowMinInsyncReplicas(int partition) {
    int[] isr = inSyncReplicas;
    return isr != null && partition < isr.length && isr[partition] < minInsyncReplicas;
  }
}
