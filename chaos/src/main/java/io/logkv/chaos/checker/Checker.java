package io.logkv.chaos.checker;

import io.logkv.chaos.history.FinalState;
import io.logkv.chaos.history.History;
import io.logkv.chaos.history.OpType;
import io.logkv.chaos.history.Operation;
import io.logkv.chaos.history.Outcome;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a history and the nodes' final states against the promises of logkv.
 *
 * <p>Model: every write is a whole-state record of one key, and one key lives in one partition,
 * so the records of a key are totally ordered by offset and a key's state is its highest record.
 * Values are unique per key, so a value read names the write that produced it. From the history
 * the checker learns which records are in the log (acknowledged writes, and versions returned by
 * reads) and when each partition was surely committed up to some offset (operations that
 * completed). Writes of unknown outcome are neither required nor forbidden: they may appear at any
 * later time, and when a read or a final state shows them they become known records.
 *
 * <p>Cost: indexing sorts per key and per partition, and every read or final state costs a few
 * binary searches, so a check is O(n log n) in the operations plus linear in the final states.
 *
 * <p>Assumptions: one history comes from one JVM (its monotonic times are comparable); a process
 * issues one operation at a time; the workload writes unique values per key (enforced) and no TTL
 * (an expired key would look like a lost write).
 */
public final class Checker {

  private Checker() {}

  /**
   * Checks {@code history} and, when given, the nodes' final states.
   *
   * @param finals one per node, taken after healing; empty to check the history alone
   * @throws IllegalArgumentException when the history cannot be checked: a value written twice to
   *     one key
   */
  public static CheckResult check(History history, List<FinalState> finals) {
    List<Operation> ops = history.operations();
    Findings findings = new Findings();
    Index index = Index.build(ops, findings);
    ReadChecks.run(index, findings);
    FinalStateChecks.lostWrites(index, finals, findings);
    FinalStateChecks.divergence(index, finals, findings);
    return new CheckResult(
        history.originNanos(),
        ops.size(),
        finals.size(),
        outcomes(ops),
        unknownPutsSeen(index, finals),
        findings.sorted());
  }

  private static Map<OpType, Map<Outcome, Integer>> outcomes(List<Operation> ops) {
    Map<OpType, Map<Outcome, Integer>> counts = new EnumMap<>(OpType.class);
    for (OpType t : OpType.values()) {
      Map<Outcome, Integer> byOutcome = new EnumMap<>(Outcome.class);
      for (Outcome o : Outcome.values()) {
        byOutcome.put(o, 0);
      }
      counts.put(t, byOutcome);
    }
    for (Operation op : ops) {
      counts.get(op.type()).merge(op.outcome(), 1, Integer::sum);
    }
    return counts;
  }

  private static int unknownPutsSeen(Index index, List<FinalState> finals) {
    int seen = 0;
    for (KeyHistory k : index.keys.values()) {
      Set<String> observed = new HashSet<>();
      for (Operation op : k.ops) {
        if (op.isRead() && op.isOk() && op.value() != null) {
          observed.add(op.value());
        }
      }
      for (FinalState s : finals) {
        if (s.get(k.key) != null) {
          observed.add(s.get(k.key).value());
        }
      }
      for (Operation put : k.putsByValue.values()) {
        if (put.outcome() == Outcome.UNKNOWN && observed.contains(put.value())) {
          seen++;
        }
      }
    }
    return seen;
  }
}
