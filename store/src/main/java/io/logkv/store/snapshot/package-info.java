/**
 * Snapshots of a node's map in its data directory, so that a restart replays only the tail of
 * the log: the file format (versioned, checksummed), atomic writing, the periodic scheduler, and
 * the checks that make a missing, corrupt, foreign or too-old snapshot fall back to a full replay
 * instead of wrong data. It provides the log's {@link io.logkv.store.log.StartingPoint}; the log
 * knows nothing of files.
 */
package io.logkv.store.snapshot;
