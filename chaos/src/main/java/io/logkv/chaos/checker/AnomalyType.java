package io.logkv.chaos.checker;

/** The properties the checker proves; each violation is reported under one of these. */
public enum AnomalyType {
  /** After healing, nodes hold different data (different entries, or different digests). */
  DIVERGENCE,
  /**
   * A record that took effect (an acknowledged write, or one a read saw) is missing from a node's
   * final state: the final version is below it, the key is absent with no delete to explain it, or
   * the final version is that record's position with another value.
   */
  LOST_WRITE,
  /**
   * A read (or a final state) returned a value that no PUT of that key wrote, that only a failed
   * PUT wrote, or before its PUT was even invoked.
   */
  PHANTOM_READ,
  /** A TOKEN read missed a record of its key at or below the positions it sent. */
  STALE_TOKEN_READ,
  /**
   * A STRONG read missed a record of its key that was in the log before it was invoked (shown by
   * an acknowledged write or a completed read in the same partition).
   */
  STALE_STRONG_READ,
  /** A client's TOKEN or STRONG read of a key returned an older version than its earlier one. */
  NON_MONOTONIC_READ,
  /**
   * Positions and values disagree: one position seen with two values (or for two keys), or one
   * key seen in two partitions. One value at two positions is not one: a PUT resent by nginx to
   * another node is appended once per attempt.
   */
  VERSION_MISMATCH
}
