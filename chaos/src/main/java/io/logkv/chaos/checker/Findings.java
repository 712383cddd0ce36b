package io.logkv.chaos.checker;

import io.logkv.chaos.history.Operation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects anomalies as the checks find them. */
final class Findings {

  /**
   * Evidence kept per anomaly: enough to see the problem; a node that lost a whole partition
   * would otherwise attach thousands of operations to one anomaly.
   */
  static final int MAX_EVIDENCE = 10;

  private final List<Anomaly> anomalies = new ArrayList<>();

  void report(AnomalyType type, String key, String description, List<Operation> evidence) {
    List<Operation> kept = new ArrayList<>();
    for (Operation op : evidence) {
      if (op != null && !kept.contains(op) && kept.size() < MAX_EVIDENCE) {
        kept.add(op);
      }
    }
    anomalies.add(new Anomaly(type, key, description, kept));
  }

  /** By type, in the order found within a type. */
  List<Anomaly> sorted() {
    List<Anomaly> sorted = new ArrayList<>(anomalies);
    sorted.sort(Comparator.comparing(Anomaly::type));
    return sorted;
  }
}
