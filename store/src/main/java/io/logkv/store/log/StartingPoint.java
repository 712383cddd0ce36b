package io.logkv.store.log;

import io.logkv.store.cache.Cache;
import java.util.Optional;

/**
 * Where the applier may start instead of the beginning of the log: a state saved earlier (a
 * snapshot) that is put into the cache, and the positions replay resumes from. The log package
 * knows no file format; the snapshot package provides the implementation.
 */
@FunctionalInterface
public interface StartingPoint {

  /**
   * Loads a saved state into the empty {@code cache} if one is usable against this log, and says
   * where replay resumes; empty for a replay from the start of the log (the cache untouched).
   * Only the partitions this node holds are loaded; one it holds that the saved state did not
   * resumes at the log start.
   *
   * @param logStart per partition, the first offset the log holds (0 for one not held)
   * @param logEnd per partition, the end of the log, the catch-up target (0 for one not held)
   * @param held whether this node holds a partition
   */
  Optional<Restored> restore(Cache cache, long[] logStart, long[] logEnd, java.util.function.IntPredicate held);

  /** A state that was loaded: replay resumes at {@code positions}. */
  record Restored(long[] positions, long entries) {}

  /** Always the start of the log. */
  static StartingPoint logStart() {
    return (cache, start, end, held) -> Optional.empty();
  }
}
