package io.logkv.store.snapshot;

import io.logkv.store.log.StartingPoint;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;

/**
 * The node's snapshots as the node sees them: where replay may start, periodic writes while the
 * node serves, a last exact one at a clean stop, and their state for /status and /metrics.
 * {@link #disabled()} is the null object for {@code --snapshot-interval off}.
 */
public interface Snapshots {

  /** Where the applier may start: the snapshot file, or the start of the log when disabled. */
  StartingPoint startingPoint();

  /**
   * Writes a snapshot every interval on {@code scheduler} (its own thread: a large map never
   * delays other housekeeping), when {@code serving} says the node serves and something was
   * applied since the last one.
   */
  void start(ScheduledExecutorService scheduler, BooleanSupplier serving);

  /** Writes one now (a clean stop, after the applier has stopped: its positions are exact). */
  void writeNow();

  /** Whether snapshots are written and loaded at all. */
  boolean enabled();

  /** The last snapshot written by this process, or null. */
  SnapshotStore.Written last();

  /** The /status section. */
  Map<String, Object> status(long restoredEntries);

  /** Snapshots off: always a full replay, nothing written. */
  static Snapshots disabled() {
    return Disabled.INSTANCE;
  }

  /** The disabled null object. */
  enum Disabled implements Snapshots {
    INSTANCE;

    @Override
    public StartingPoint startingPoint() {
      return StartingPoint.logStart();
    }

    @Override
    public void start(ScheduledExecutorService scheduler, BooleanSupplier serving) {}

    @Override
    public void writeNow() {}

    @Override
    public boolean enabled() {
      return false;
    }

    @Override
    public SnapshotStore.Written last() {
      return null;
    }

    @Override
    public Map<String, Object> status(long restoredEntries) {
      return Map.of("enabled", false, "loaded_keys", restoredEntries);
    }
  }
}
