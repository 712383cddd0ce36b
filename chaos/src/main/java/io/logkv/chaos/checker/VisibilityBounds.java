package io.logkv.chaos.checker;

import io.logkv.chaos.history.Operation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers "how far was partition P surely committed before time T": the highest offset returned by
 * an operation of any key that completed before T. An acknowledged write (acks=all) or a read's
 * version (nodes apply only committed records) proves that offset, and so every lower offset of
 * the partition, was committed by then; a STRONG read invoked after T must reflect it.
 */
final class VisibilityBounds {

  private final Map<Integer, Partition> partitions;

  private VisibilityBounds(Map<Integer, Partition> partitions) {
    this.partitions = partitions;
  }

  /** From OK operations that carry a trusted position (write position or read version). */
  static VisibilityBounds of(List<Operation> okWithPosition) {
    Map<Integer, List<Operation>> byPartition = new HashMap<>();
    for (Operation op : okWithPosition) {
      byPartition.computeIfAbsent(op.position().partition(), p -> new ArrayList<>()).add(op);
    }
    Map<Integer, Partition> partitions = new HashMap<>();
    byPartition.forEach((p, ops) -> partitions.put(p, new Partition(ops)));
    return new VisibilityBounds(partitions);
  }

  /**
   * The operation that returned the highest offset of {@code partition} among those completed
   * strictly before {@code nanos}, or {@code null}.
   */
  Operation highestCompletedBefore(int partition, long nanos) {
    Partition p = partitions.get(partition);
    return p == null ? null : p.highestCompletedBefore(nanos);
  }

  private static final class Partition {
    private final long[] completeNanos;
    private final Operation[] highestSoFar;

    Partition(List<Operation> ops) {
      ops.sort(Comparator.comparingLong(Operation::completeNanos));
      completeNanos = new long[ops.size()];
      highestSoFar = new Operation[ops.size()];
      Operation best = null;
      for (int i = 0; i < ops.size(); i++) {
        Operation op = ops.get(i);
        completeNanos[i] = op.completeNanos();
        if (best == null || op.position().offset() > best.position().offset()) {
          best = op;
        }
        highestSoFar[i] = best;
      }
    }

    Operation highestCompletedBefore(long nanos) {
      int lo = 0;
      int hi = completeNanos.length;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (completeNanos[mid] < nanos) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo == 0 ? null : highestSoFar[lo - 1];
    }
  }
}
