package io.logkv.store.log;

import io.logkv.store.snapshot.Snapshot;
import java.util.Optional;

/** Where the applier may start from instead of the beginning of the log. */
@FunctionalInterface
public interface SnapshotSource {

  /**
   * A snapshot usable against this log, or empty for a full replay.
   *
   * @param logStart per partition, the first offset the log holds
   * @param logEnd per partition, the end of the log (the catch-up target)
   */
  Optional<Snapshot> load(long[] logStart, long[] logEnd);

  /** Always a full replay. */
  static SnapshotSource none() {
    return (start, end) -> Optional.empty();
  }
}
