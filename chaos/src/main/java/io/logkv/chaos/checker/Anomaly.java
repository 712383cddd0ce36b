package io.logkv.chaos.checker;

import io.logkv.chaos.history.Operation;
import java.util.List;
import java.util.Objects;

/**
 * One violation.
 *
 * @param type which property it violates
 * @param key the key concerned, {@code null} when it concerns no single key (e.g. digests)
 * @param description what is wrong, in a sentence, naming the nodes and positions involved
 * @param evidence the operations that show it, most telling first (at most a handful)
 */
public record Anomaly(AnomalyType type, String key, String description, List<Operation> evidence) {

  public Anomaly {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(description, "description");
    evidence = List.copyOf(evidence);
  }

  /** The anomaly and its evidence, one operation a line, times in ms since {@code originNanos}. */
  public String describe(long originNanos) {
    StringBuilder sb = new StringBuilder();
    sb.append(type);
    if (key != null) {
      sb.append(" key=").append(key);
    }
    sb.append(": ").append(description);
    for (Operation op : evidence) {
      sb.append("\n    ").append(op.describe(originNanos));
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return describe(0);
  }
}
