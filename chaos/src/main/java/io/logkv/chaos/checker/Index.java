package io.logkv.chaos.checker;

import io.logkv.chaos.history.OpType;
import io.logkv.chaos.history.Operation;
import io.logkv.chaos.history.Outcome;
import io.logkv.chaos.history.Position;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The history indexed for the checks: per key, and per partition for visibility bounds.
 *
 * <p>Building it also checks that positions and values agree (VERSION_MISMATCH): a key lives in
 * one partition and a position is one record (one key, one value). Positions that fail these are
 * kept out of the ordering checks, which would otherwise compare unrelated offsets and report noise
 * on top of the real anomaly.
 *
 * <p>One value may be several records: nginx resends a write to the next node when the first one
 * died or timed out after receiving it, so a single PUT can be appended twice, at two positions,
 * with the same value. Every such record is that PUT's; the position the client got back is one of
 * them.
 */
final class Index {

  /** In order of each key's first invoke. */
  final Map<String, KeyHistory> keys;
  final VisibilityBounds bounds;

  private Index(Map<String, KeyHistory> keys, VisibilityBounds bounds) {
    this.keys = keys;
    this.bounds = bounds;
  }

  /** Expects {@code ops} in invoke order. */
  static Index build(List<Operation> ops, Findings findings) {
    Map<String, KeyHistory> keys = new LinkedHashMap<>();
    for (Operation op : ops) {
      keys.computeIfAbsent(op.key(), KeyHistory::new).add(op);
    }

    Map<Position, LogRecord> byPosition = new HashMap<>();
    Set<Position> conflicted = new HashSet<>();
    List<Operation> okPositioned = new ArrayList<>();
    for (KeyHistory k : keys.values()) {
      for (Operation op : placed(k, findings)) {
        if (op.isOk()) {
          okPositioned.add(op);
        }
        LogRecord rec = new LogRecord(
            op.position(), k.key, op.type() == OpType.DELETE ? null : op.value(), op);
        LogRecord prev = byPosition.putIfAbsent(rec.position(), rec);
        if (prev == null) {
          continue;
        }
        if (prev.key().equals(rec.key()) && Objects.equals(prev.value(), rec.value())) {
          if (!prev.source().isWrite() && rec.source().isWrite()) {
            byPosition.put(rec.position(), rec); // the write is the better witness
          }
        } else if (conflicted.add(rec.position())) {
          findings.report(AnomalyType.VERSION_MISMATCH, k.key,
              "position " + rec.position() + " is seen as two records: " + of(prev) + " and "
                  + of(rec) + "; one position is one record",
              List.of(prev.source(), rec.source()));
        }
      }
      indexDeletes(k);
    }

    Map<String, List<LogRecord>> perKey = new HashMap<>();
    for (LogRecord r : byPosition.values()) {
      perKey.computeIfAbsent(r.key(), x -> new ArrayList<>()).add(r);
    }
    for (KeyHistory k : keys.values()) {
      List<LogRecord> records = perKey.getOrDefault(k.key, new ArrayList<>());
      records.sort(Comparator.comparingLong(LogRecord::offset));
      k.setRecords(records);
    }
    return new Index(keys, VisibilityBounds.of(okPositioned));
  }

  /**
   * The key's operations that place a record in its partition: writes that returned a position
   * (not failed ones) and answered non-phantom reads of a value with its version. Sets the key's
   * partition from the first of them; the others in another partition are reported and left out.
   */
  private static List<Operation> placed(KeyHistory k, Findings findings) {
    List<Operation> placed = new ArrayList<>();
    List<Operation> elsewhere = new ArrayList<>();
    Operation witness = null;
    for (Operation op : k.ops) {
      if (op.position() == null) {
        continue;
      }
      boolean places = op.isWrite()
          ? op.outcome() != Outcome.FAIL
          : op.isOk() && op.value() != null && k.phantomReason(op) == null;
      if (!places) {
        continue;
      }
      if (witness == null) {
        witness = op;
        k.partition = op.position().partition();
        k.partitionWitness = op;
      }
      (op.position().partition() == k.partition ? placed : elsewhere).add(op);
    }
    if (!elsewhere.isEmpty()) {
      List<Operation> evidence = new ArrayList<>();
      evidence.add(witness);
      evidence.addAll(elsewhere);
      findings.report(AnomalyType.VERSION_MISMATCH, k.key,
          "key is seen in partition " + k.partition + " (#" + witness.id() + ") and in partition "
              + elsewhere.get(0).position().partition() + " (" + elsewhere.size()
              + " operations); one key lives in one partition",
          evidence);
    }
    return placed;
  }

  private static void indexDeletes(KeyHistory k) {
    List<Operation> placed = new ArrayList<>();
    long unplacedEarliestInvoke = Long.MAX_VALUE;
    for (Operation op : k.ops) {
      if (op.type() != OpType.DELETE || op.outcome() == Outcome.FAIL) {
        continue;
      }
      if (op.position() != null && op.position().partition() == k.partition) {
        placed.add(op);
      } else if (op.outcome() == Outcome.UNKNOWN) {
        unplacedEarliestInvoke = Math.min(unplacedEarliestInvoke, op.invokeNanos());
      }
    }
    k.setDeletes(placed, unplacedEarliestInvoke);
  }

  private static String of(LogRecord r) {
    return r.describe() + " of key " + r.key();
  }
}
