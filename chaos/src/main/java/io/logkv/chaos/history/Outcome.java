package io.logkv.chaos.history;

/** How an operation ended, as far as the client can tell. */
public enum Outcome {
  /** Answered successfully: a write was committed at its returned position; a read answered. */
  OK,
  /** Certainly had no effect (rejected, or the node said the write was certainly not applied). */
  FAIL,
  /**
   * Timed out, connection dropped, or never completed: a write may or may not take effect, at any
   * later time. A read that did not answer carries no information either way.
   */
  UNKNOWN
}
