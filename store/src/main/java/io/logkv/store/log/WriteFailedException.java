package io.logkv.store.log;

/**
 * A write that was not acknowledged by the broker. {@link #outcome()} says whether it may still
 * appear in the log: a timed-out produce may have been appended and only its answer lost.
 */
public final class WriteFailedException extends LogException {
  private static final long serialVersionUID = 1L;

  /** What the client may assume about a failed write. */
  public enum Outcome {
    /** Certainly not in the log: it never left this node, or the broker rejected it. */
    NOT_APPLIED,
    /** May be in the log: treat as "may appear later". */
    UNKNOWN
  }

  private final Outcome outcome;

  public WriteFailedException(String message, Outcome outcome, Throwable cause) {
    super(message, cause);
    this.outcome = outcome;
  }

  public Outcome outcome() {
    return outcome;
  }
}
