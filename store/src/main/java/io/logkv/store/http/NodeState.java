package io.logkv.store.http;

/** What the HTTP layer needs to know about the node as a whole; read-only. */
public interface NodeState {

  /** Whether the node has caught up with the log and may serve data. */
  boolean ready();

  /** Whether the node works at all (false once its applier has failed for good). */
  boolean live();
}
