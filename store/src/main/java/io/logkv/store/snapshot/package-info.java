/**
 * Snapshots of a node's map in its data directory, so that a restart replays only the tail of
 * the log: the file format (versioned, checksummed), atomic writing, and the checks that make a
 * missing, corrupt or foreign snapshot fall back to a full replay instead of wrong data.
 */
package io.logkv.store.snapshot;
