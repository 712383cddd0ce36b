package io.logkv.client;

/** How fresh a read must be. */
public enum Consistency {
  /**
   * The node's own copy, which may lag the log by a few milliseconds (the default). With a
   * {@link Session}, the node first waits until it has applied the session's writes.
   */
  LOCAL,
  /**
   * Sees every write acknowledged before the read started, whichever node took it: the node asks
   * the broker for the end of the key's partition and waits until it has applied it. Costs a
   * round trip to the broker, and fails (after retries) while the broker is unreachable.
   */
  STRONG
}
