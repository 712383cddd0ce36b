/**
 * The replication log: record format, positions, the producer side ({@code LogWriter}), the single
 * applier that consumes every partition in log order, and the waiters that let requests wait,
 * without parking a thread, until a position has been applied.
 */
package io.logkv.store.log;
