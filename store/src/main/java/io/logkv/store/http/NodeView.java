package io.logkv.store.http;

import java.util.Map;

/** What the HTTP layer needs to know about the node as a whole. */
public interface NodeView {

  /** Whether the node has caught up with the log and may serve data. */
  boolean ready();

  /** Whether the node works at all (false once the applier has failed for good). */
  boolean live();

  /**
   * Upper bound, in milliseconds, on how far this copy may be behind the log: the time since the
   * node last confirmed it had applied everything the broker held.
   */
  long maxStalenessMillis();

  /** The /status document. */
  Map<String, Object> status();
}
