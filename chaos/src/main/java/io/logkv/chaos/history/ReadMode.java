package io.logkv.chaos.history;

/** How a GET asked to be served, which fixes what it promises to reflect. */
public enum ReadMode {
  /** The answering node's local copy; may be arbitrarily stale. */
  DEFAULT,
  /**
   * Sent {@code X-Min-Position}: reflects at least the records at or below those positions (the
   * positions the client's own writes returned, and, for a session client, the versions its reads
   * returned).
   */
  TOKEN,
  /** {@code ?consistency=strong}: reflects every write acknowledged before the read was invoked. */
  STRONG
}
