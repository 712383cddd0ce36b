package io.logkv.store.cache;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * The node's copy of the data. Reads may come from any thread; writes come only from the applier
 * thread (the methods named {@code apply*}), in log order, so the map never needs a lock that
 * readers wait on.
 */
public interface Cache {

  /** The live entry for {@code key} at {@code nowMillis}, or null when absent or expired. */
  Entry get(String key, long nowMillis);

  /**
   * The live entry for {@code key} now, or null; the clock is read only for an entry that has a
   * deadline, which keeps the read path of keys without expiry at a single map lookup.
   */
  Entry get(String key, java.time.InstantSource clock);

  /** Applier thread only: the record at this position is now the key's state. */
  void applyPut(String key, Entry entry);

  /** Applier thread only: a tombstone. */
  void applyDelete(String key);

  /** Removes entries whose deadline has passed; safe to call from any one housekeeping thread. */
  int removeExpired(long nowMillis);

  /** Keys currently held, expired ones not yet removed included. */
  long size();

  /** Approximate bytes held: keys, records and per-entry overhead. */
  long bytes();

  /** Estimated bytes a new entry would take, for admission against the memory cap. */
  long estimateBytes(String key, int valueLength);

  /** Visits every live entry; concurrent writes may or may not be seen. */
  void forEachLive(long nowMillis, BiConsumer<String, Entry> visitor);

  /**
   * Up to {@code limit} live keys in ascending order that start with {@code prefix} and sort after
   * {@code after} (null: from the start).
   */
  List<String> keys(String prefix, String after, int limit, long nowMillis);

  /** {@link #keys(String, String, int, long)} among the entries of the partitions {@code partitions} accepts. */
  List<String> keys(String prefix, String after, int limit, long nowMillis, java.util.function.IntPredicate partitions);

  /** Removes everything (used before replaying from the start). */
  void clear();

  /**
   * Applier thread only, before replay: sizes an empty map for about {@code expectedKeys} keys so
   * that replay does not resize it again and again. Does nothing if the map holds anything.
   */
  void reserve(long expectedKeys);

  /** A map on a concurrent hash table. */
  static Cache inMemory() {
    return new MemoryCache();
  }
}
