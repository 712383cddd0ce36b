/**
 * What a log record is, shared by the cache, the log and snapshots: its binary format, its
 * position in the log and the partition a key belongs to. Everything here is part of the on-disk
 * contract; it depends on nothing else in the node.
 */
package io.logkv.store.record;
