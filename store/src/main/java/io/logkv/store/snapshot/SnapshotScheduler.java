package io.logkv.store.snapshot;

import io.logkv.store.cache.Cache;
import io.logkv.store.log.AppliedPositions;
import io.logkv.store.log.LogTopic;
import io.logkv.store.log.StartingPoint;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots on: a {@link SnapshotStore} written every interval while the node serves (only when
 * something was applied since the last one) and once more at a clean stop. Writes are serialized;
 * reads and writes of the node go on meanwhile (see {@link SnapshotStore} on fuzzy snapshots).
 */
public final class SnapshotScheduler implements Snapshots {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotScheduler.class);

  private final SnapshotStore store;
  private final Duration interval;
  private final Cache cache;
  private final AppliedPositions positions;
  private final LogTopic topic;
  private final InstantSource clock;
  private final LongSupplier caughtUpAtMillis;
  private final java.util.function.IntPredicate held;
  private volatile SnapshotStore.Written last;
  private volatile String lastError;

  /**
   * @param caughtUpAtMillis when the node last had applied the whole log (the staleness probe),
   *     recorded in every snapshot
   * @param held the partitions this node holds: the others are recorded as not held
   */
  public SnapshotScheduler(SnapshotStore store, Duration interval, Cache cache, AppliedPositions positions,
      LogTopic topic, InstantSource clock, LongSupplier caughtUpAtMillis, java.util.function.IntPredicate held) {
    this.store = store;
    this.interval = interval;
    this.cache = cache;
    this.positions = positions;
    this.topic = topic;
    this.clock = clock;
    this.caughtUpAtMillis = caughtUpAtMillis;
    this.held = held;
  }

  @Override
  public StartingPoint startingPoint() {
    return store.startingPoint(topic, clock);
  }

  @Override
  public void start(ScheduledExecutorService scheduler, BooleanSupplier serving) {
    long every = interval.toMillis();
    scheduler.scheduleWithFixedDelay(() -> {
      if (!serving.getAsBoolean()) {
        return;
      }
      SnapshotStore.Written w = last;
      if (w == null || !samePositions(w.positions(), positions.snapshot())) {
        writeNow();
      }
    }, every, every, TimeUnit.MILLISECONDS);
  }

  /** Whether nothing was applied since {@code written} (-1: a partition not held). */
  private boolean samePositions(long[] written, long[] now) {
    for (int p = 0; p < now.length; p++) {
      if (written[p] >= 0 && written[p] != now[p]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public synchronized void writeNow() {
    try {
      // Read before the copy starts: the snapshot may not claim a later catch-up than its positions.
      long caughtUpAt = caughtUpAtMillis.getAsLong();
      SnapshotStore.Written w = store.write(cache, positions, topic, caughtUpAt, clock, held);
      last = w;
      lastError = null;
      LOG.info("snapshot: {} keys, {} bytes in {} ms, replay resumes at {}", w.entries(), w.bytes(), w.millis(),
          AppliedPositions.describe(w.positions()));
    } catch (IOException | RuntimeException e) {
      lastError = e.toString();
      LOG.error("writing a snapshot to {} failed; the previous one stays", store.file(), e);
    }
  }

  @Override
  public boolean enabled() {
    return true;
  }

  @Override
  public SnapshotStore.Written last() {
    return last;
  }

  @Override
  public Map<String, Object> status(long restoredEntries) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("enabled", true);
    s.put("loaded_keys", restoredEntries);
    SnapshotStore.Written w = last;
    if (w != null) {
      s.put("last_written_at", Instant.ofEpochMilli(w.startedAtMillis()).toString());
      s.put("last_keys", w.entries());
      s.put("last_bytes", w.bytes());
      s.put("last_write_ms", w.millis());
      s.put("last_positions", AppliedPositions.describe(w.positions()));
    }
    if (lastError != null) {
      s.put("last_error", lastError);
    }
    return s;
  }
}
