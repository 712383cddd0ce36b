/**
 * The replication log and the node's two paths through it. The write path ({@link
 * io.logkv.store.log.Replicator}): admission, an acks=all append through {@link
 * io.logkv.store.log.LogWriter}, and the wait until this node applied it. The replay and apply
 * paths ({@link io.logkv.store.log.Applier}): the single thread that consumes every partition in
 * log order into the cache, after restoring a {@link io.logkv.store.log.StartingPoint}. Around them:
 * the topic's creation and checks, the applied positions that requests wait on without parking a
 * thread, read barriers for token and strong reads, and the probe that says how current the copy is.
 */
package io.logkv.store.log;
