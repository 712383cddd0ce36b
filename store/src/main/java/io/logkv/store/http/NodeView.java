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

  /**
   * Milliseconds since the broker last answered this node (an end-offset probe or a write's
   * acknowledgement). Past {@link #BROKER_SILENCE_MILLIS} writes are refused at once, so that a
   * node cut off from Kafka fails fast instead of making every write wait out its timeout.
   */
  long brokerSilenceMillis();

  /** Records that the broker answered just now (a write was acknowledged). */
  void brokerHeard();

  /** Broker silence after which writes fail fast. */
  long BROKER_SILENCE_MILLIS = 3_000;

  /** The /status document. */
  Map<String, Object> status();
}
