package io.logkv.chaos.history;

import java.util.Objects;

/**
 * A fault window, kept in the history so reports can mark it next to the operations it disturbed.
 *
 * @param name short label, e.g. {@code "partition-n2"} or {@code "kill-broker"}
 * @param startNanos monotonic time the fault was injected
 * @param stopNanos monotonic time it was healed, {@code >= startNanos}
 * @param description what was done, for the report
 */
public record FaultEvent(String name, long startNanos, long stopNanos, String description) {

  public FaultEvent {
    Objects.requireNonNull(name, "name");
    description = description == null ? "" : description;
    if (stopNanos < startNanos) {
      throw new IllegalArgumentException(
          "fault " + name + " stops (" + stopNanos + ") before it starts (" + startNanos + ")");
    }
  }

  public String describe(long originNanos) {
    return name
        + " ["
        + Operation.millis(startNanos - originNanos)
        + ".."
        + Operation.millis(stopNanos - originNanos)
        + " ms] "
        + description;
  }
}
