package io.logkv.chaos.checker;

import io.logkv.chaos.history.FinalState;
import io.logkv.chaos.history.Operation;
import io.logkv.chaos.history.Outcome;
import io.logkv.chaos.history.Position;
import io.logkv.chaos.history.Versioned;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Checks on the nodes' data after healing: DIVERGENCE between nodes, and LOST_WRITE (plus phantom
 * or mismatched final values) against the records the history shows took effect. Nodes that agree
 * on a key are checked once, so one lost write is one anomaly naming every node that lost it.
 */
final class FinalStateChecks {

  private FinalStateChecks() {}

  static void lostWrites(Index index, List<FinalState> finals, Findings findings) {
    if (finals.isEmpty()) {
      return;
    }
    for (KeyHistory k : index.keys.values()) {
      Map<Versioned, List<String>> states = new LinkedHashMap<>(); // null: absent
      for (FinalState s : finals) {
        states.computeIfAbsent(s.get(k.key), x -> new ArrayList<>()).add(s.node());
      }
      states.forEach((state, nodes) -> {
        // "node n1 ends" / "nodes n1, n2 end": the subject of every sentence below.
        String who = nodes.size() == 1
            ? "node " + nodes.get(0) + " ends"
            : "nodes " + String.join(", ", nodes) + " end";
        if (state == null) {
          checkAbsent(k, who, findings);
        } else {
          checkPresent(k, state, who, findings);
        }
      });
    }
  }

  private static void checkAbsent(KeyHistory k, String who, Findings findings) {
    LogRecord last = k.highest();
    if (last == null || last.tombstone()) {
      return;
    }
    // An OK delete has a known position; an unknown one may have landed anywhere after its
    // invoke, so any unknown delete of the key is taken to explain the absence.
    if (k.deleteCouldFollow(last.offset(), Long.MAX_VALUE)) {
      return;
    }
    findings.report(AnomalyType.LOST_WRITE, k.key,
        who + " without the key, but " + last.describe()
            + " took effect and no DELETE of the key could follow it",
        List.of(last.source()));
  }

  private static void checkPresent(KeyHistory k, Versioned state, String who, Findings findings) {
    String value = state.value();
    Position q = state.position();
    String ends = who + " with " + state;
    Operation put = k.putsByValue.get(value);
    if (put == null || put.outcome() == Outcome.FAIL) {
      findings.report(AnomalyType.PHANTOM_READ, k.key,
          ends + ", a value "
              + (put == null ? "no PUT of the key wrote" : "only the failed PUT #" + put.id()
                  + " wrote"),
          put == null ? List.of() : List.of(put));
      return;
    }
    if (k.partition < 0) {
      return; // no record of the key is known: nothing it could have lost
    }
    if (q.partition() != k.partition) {
      findings.report(AnomalyType.VERSION_MISMATCH, k.key,
          ends + " but the key lives in partition " + k.partition,
          List.of(k.partitionWitness));
      return;
    }
    List<LogRecord> above = k.above(q.offset());
    if (!above.isEmpty()) {
      LogRecord highest = above.get(above.size() - 1);
      List<Operation> evidence = new ArrayList<>();
      for (int i = above.size() - 1; i >= 0; i--) {
        evidence.add(above.get(i).source());
      }
      findings.report(AnomalyType.LOST_WRITE, k.key,
          ends + ", below " + above.size() + (above.size() == 1 ? " record" : " records")
              + " that took effect, the highest "
              + highest.describe(),
          evidence);
    }
    LogRecord at = k.at(q.offset());
    if (at != null && !Objects.equals(at.value(), value)) {
      // The brief's "equal position means equal value": an acknowledged write whose position
      // holds something else was lost; a read that disagrees is a version mismatch.
      findings.report(at.source().isWrite() ? AnomalyType.LOST_WRITE : AnomalyType.VERSION_MISMATCH,
          k.key, ends + " but the record at " + q + " is " + at.describe(),
          List.of(at.source(), put));
    }
    // A value at a position no operation returned is legitimate: a PUT resent by nginx is
    // appended once per attempt, so its value may sit at positions its client never saw.
  }

  static void divergence(Index index, List<FinalState> finals, Findings findings) {
    if (finals.size() < 2) {
      return;
    }
    Map<String, List<String>> digests = new LinkedHashMap<>();
    for (FinalState s : finals) {
      if (s.digest() != null) {
        digests.computeIfAbsent(s.digest(), d -> new ArrayList<>()).add(s.node());
      }
    }
    if (digests.size() > 1) {
      StringBuilder sb = new StringBuilder("nodes report different digests:");
      digests.forEach((d, nodes) -> sb.append(' ').append(d).append(" on ")
          .append(String.join(", ", nodes)).append(';'));
      findings.report(AnomalyType.DIVERGENCE, null, sb.substring(0, sb.length() - 1), List.of());
    }
    TreeSet<String> keys = new TreeSet<>();
    finals.forEach(s -> keys.addAll(s.entries().keySet()));
    for (String key : keys) {
      Map<Versioned, List<String>> states = new LinkedHashMap<>();
      for (FinalState s : finals) {
        states.computeIfAbsent(s.get(key), x -> new ArrayList<>()).add(s.node());
      }
      if (states.size() < 2) {
        continue;
      }
      StringBuilder sb = new StringBuilder("nodes disagree:");
      List<Operation> evidence = new ArrayList<>();
      KeyHistory k = index.keys.get(key);
      states.forEach((state, nodes) -> {
        sb.append(' ').append(state == null ? "absent" : state.toString()).append(" on ")
            .append(String.join(", ", nodes)).append(';');
        if (state != null && k != null) {
          evidence.add(k.putsByValue.get(state.value()));
        }
      });
      findings.report(AnomalyType.DIVERGENCE, key, sb.substring(0, sb.length() - 1), evidence);
    }
  }
}
