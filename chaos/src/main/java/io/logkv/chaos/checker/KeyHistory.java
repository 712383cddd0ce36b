package io.logkv.chaos.checker;

import io.logkv.chaos.history.OpType;
import io.logkv.chaos.history.Operation;
import io.logkv.chaos.history.Outcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the history says about one key: its operations, its partition, the records known to
 * be in its log, and where deletes could have landed. Built once by {@link Index}, then only read.
 */
final class KeyHistory {

  final String key;
  /** In invoke order. */
  final List<Operation> ops = new ArrayList<>();
  /** Every PUT of this key, whatever its outcome, by the (unique) value it wrote. */
  final Map<String, Operation> putsByValue = new HashMap<>();
  /** The key's partition, -1 while no position of it is known. */
  int partition = -1;
  /** The operation whose position fixed {@link #partition}. */
  Operation partitionWitness;

  private LogRecord[] records = new LogRecord[0]; // by offset, one per offset
  private final Map<String, LogRecord> recordsByValue = new HashMap<>();

  // Deletes that may have landed at a known offset (OK, or UNKNOWN with a position): offsets
  // ascending, and for each index the earliest invoke time among that delete and all later ones.
  private long[] deleteOffsets = new long[0];
  private long[] deleteEarliestInvokeFrom = new long[0];
  // UNKNOWN deletes without a position may have landed anywhere after they were invoked.
  private long unplacedDeleteEarliestInvoke = Long.MAX_VALUE;

  KeyHistory(String key) {
    this.key = key;
  }

  void add(Operation op) {
    ops.add(op);
    if (op.type() == OpType.PUT) {
      Operation other = putsByValue.putIfAbsent(op.value(), op);
      if (other != null) {
        // A value must identify its write, or "which write did this read see" has no answer.
        throw new IllegalArgumentException(
            "history is not checkable: value " + LogRecord.quote(op.value()) + " written to key "
                + key + " twice (#" + other.id() + " and #" + op.id()
                + "); the workload must write unique values");
      }
    }
  }

  /**
   * Why an answered read's value cannot have been in the log, or {@code null} when it can. Absent
   * reads are never phantoms.
   */
  String phantomReason(Operation read) {
    if (read.value() == null) {
      return null;
    }
    Operation put = putsByValue.get(read.value());
    if (put == null) {
      return "no PUT of " + key + " wrote " + LogRecord.quote(read.value());
    }
    if (put.outcome() == Outcome.FAIL) {
      return LogRecord.quote(read.value()) + " was written only by #" + put.id()
          + ", which failed (certainly not applied)";
    }
    if (read.completeNanos() < put.invokeNanos()) {
      return LogRecord.quote(read.value()) + " was returned before its PUT #" + put.id()
          + " was invoked";
    }
    return null;
  }

  void setRecords(List<LogRecord> sortedByOffset) {
    records = sortedByOffset.toArray(new LogRecord[0]);
    for (LogRecord r : records) {
      if (!r.tombstone()) {
        // A resent PUT is several records of one value: the highest stands for it (see Index).
        recordsByValue.put(r.value(), r);
      }
    }
  }

  void setDeletes(List<Operation> placed, long unplacedEarliestInvoke) {
    List<Operation> sorted = new ArrayList<>(placed);
    sorted.sort(Comparator.comparingLong(op -> op.position().offset()));
    int n = sorted.size();
    deleteOffsets = new long[n];
    deleteEarliestInvokeFrom = new long[n];
    long earliest = Long.MAX_VALUE;
    for (int i = n - 1; i >= 0; i--) {
      deleteOffsets[i] = sorted.get(i).position().offset();
      earliest = Math.min(earliest, sorted.get(i).invokeNanos());
      deleteEarliestInvokeFrom[i] = earliest;
    }
    unplacedDeleteEarliestInvoke = unplacedEarliestInvoke;
  }

  /** The known record with the highest offset, {@code null} when none is known. */
  LogRecord highest() {
    return records.length == 0 ? null : records[records.length - 1];
  }

  /** The known record with the highest offset {@code <= offset}, or {@code null}. */
  LogRecord highestAtOrBelow(long offset) {
    int i = upperBound(offset) - 1;
    return i >= 0 ? records[i] : null;
  }

  /** The known records with offset {@code > offset}, ascending. */
  List<LogRecord> above(long offset) {
    int from = upperBound(offset);
    return Arrays.asList(records).subList(from, records.length);
  }

  /** The known record at exactly {@code offset}, or {@code null}. */
  LogRecord at(long offset) {
    LogRecord r = highestAtOrBelow(offset);
    return r != null && r.offset() == offset ? r : null;
  }

  /**
   * The known record that wrote {@code value}, the highest one when a resent PUT wrote it at
   * several positions, or {@code null}.
   */
  LogRecord recordOf(String value) {
    return recordsByValue.get(value);
  }

  /**
   * Whether some DELETE of this key invoked before {@code beforeNanos} could have landed after
   * {@code offset}: an acknowledged one above it, or one of unknown outcome. An unknown delete
   * without a position is given the benefit of the doubt: a timed-out produce can still be
   * committed long after the client gave up, so it may sit anywhere after its invoke, including
   * after the write it would hide.
   */
  boolean deleteCouldFollow(long offset, long beforeNanos) {
    if (unplacedDeleteEarliestInvoke < beforeNanos) {
      return true;
    }
    int i = upperBound(deleteOffsets, offset);
    return i < deleteOffsets.length && deleteEarliestInvokeFrom[i] < beforeNanos;
  }

  private int upperBound(long offset) {
    int lo = 0;
    int hi = records.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (records[mid].offset() <= offset) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static int upperBound(long[] sorted, long value) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= value) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
