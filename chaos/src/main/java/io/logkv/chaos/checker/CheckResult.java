package io.logkv.chaos.checker;

import io.logkv.chaos.history.OpType;
import io.logkv.chaos.history.Outcome;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What the checker found.
 *
 * @param originNanos the history's origin, so {@link #describe()} prints the same times as the
 *     history's report
 * @param operations how many operations were checked
 * @param finalStates how many nodes' final states were checked
 * @param outcomes operation counts by type and outcome
 * @param unknownPutsSeen how many PUTs of unknown outcome were seen to take effect (by a read or in
 *     a final state); the others may or may not have
 * @param anomalies every violation, grouped by type
 */
public record CheckResult(
    long originNanos,
    int operations,
    int finalStates,
    Map<OpType, Map<Outcome, Integer>> outcomes,
    int unknownPutsSeen,
    List<Anomaly> anomalies) {

  /** How many anomalies of each type {@link #describe()} prints before summarizing the rest. */
  static final int PRINTED_PER_TYPE = 20;

  public CheckResult {
    Map<OpType, Map<Outcome, Integer>> copy = new EnumMap<>(OpType.class);
    outcomes.forEach((t, byOutcome) -> copy.put(t, Map.copyOf(byOutcome)));
    outcomes = Map.copyOf(copy);
    anomalies = List.copyOf(anomalies);
  }

  /** Whether the history shows no anomaly. */
  public boolean ok() {
    return anomalies.isEmpty();
  }

  public int count(AnomalyType type) {
    return (int) anomalies.stream().filter(a -> a.type() == type).count();
  }

  public List<Anomaly> anomalies(AnomalyType type) {
    return anomalies.stream().filter(a -> a.type() == type).toList();
  }

  /** Anomaly counts by type, every type present (zero when clean). */
  public Map<AnomalyType, Integer> anomalyCounts() {
    Map<AnomalyType, Integer> counts = new EnumMap<>(AnomalyType.class);
    for (AnomalyType t : AnomalyType.values()) {
      counts.put(t, 0);
    }
    anomalies.forEach(a -> counts.merge(a.type(), 1, Integer::sum));
    return counts;
  }

  public int count(OpType type, Outcome outcome) {
    return outcomes.getOrDefault(type, Map.of()).getOrDefault(outcome, 0);
  }

  /** A readable report: the counts, then each anomaly with its evidence. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append("checked ").append(operations).append(" operations");
    for (OpType t : OpType.values()) {
      sb.append(t == OpType.PUT ? " (" : ", ").append(t);
      for (Outcome o : Outcome.values()) {
        sb.append(' ').append(o.name().toLowerCase()).append('=').append(count(t, o));
      }
    }
    sb.append(") and ").append(finalStates).append(" final states; ");
    sb.append(unknownPutsSeen).append(" unknown PUTs took effect; ");
    if (ok()) {
      return sb.append("no anomaly").toString();
    }
    sb.append(anomalies.size()).append(" anomalies:");
    anomalyCounts().forEach((t, n) -> {
      if (n > 0) {
        sb.append(' ').append(t).append('=').append(n);
      }
    });
    for (AnomalyType t : AnomalyType.values()) {
      List<Anomaly> ofType = anomalies(t);
      for (int i = 0; i < Math.min(ofType.size(), PRINTED_PER_TYPE); i++) {
        sb.append("\n  ").append(ofType.get(i).describe(originNanos).replace("\n", "\n  "));
      }
      if (ofType.size() > PRINTED_PER_TYPE) {
        sb.append("\n  ... and ").append(ofType.size() - PRINTED_PER_TYPE).append(" more ")
            .append(t);
      }
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return describe();
  }
}
