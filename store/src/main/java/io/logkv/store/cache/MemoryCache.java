package io.logkv.store.cache;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * {@link Cache} on a {@link ConcurrentHashMap}: gets take no lock. The applier is the only writer
 * of new state; the expiry sweep removes an entry only if it is still the same expired entry
 * ({@code remove(key, entry)}), so it can never undo a newer write.
 */
final class MemoryCache implements Cache {
  /** Map node, entry record, key object and array headers: a rough, stable per-entry cost. */
  private static final int ENTRY_OVERHEAD_BYTES = 112;

  /** At most this many keys are reserved ahead: a log with much history would oversize the map. */
  private static final long MAX_RESERVED_KEYS = 4L << 20;

  /** Replaced only by {@link #reserve}, while empty and before the node serves anything. */
  private volatile ConcurrentHashMap<String, Entry> map = new ConcurrentHashMap<>(1 << 16);
  private final AtomicLong bytes = new AtomicLong();

  @Override
  public Entry get(String key, long nowMillis) {
    Entry e = map.get(key);
    return e != null && e.isLiveAt(nowMillis) ? e : null;
  }

  @Override
  public Entry get(String key, java.time.InstantSource clock) {
    Entry e = map.get(key);
    return e == null || (e.hasExpiry() && !e.isLiveAt(clock.millis())) ? null : e;
  }

  @Override
  public void applyPut(String key, Entry entry) {
    Entry previous = map.put(key, entry);
    long delta = weight(key, entry) - (previous == null ? 0 : weight(key, previous));
    bytes.addAndGet(delta);
  }

  @Override
  public void applyDelete(String key) {
    Entry previous = map.remove(key);
    if (previous != null) {
      bytes.addAndGet(-weight(key, previous));
    }
  }

  @Override
  public int removeExpired(long nowMillis) {
    int removed = 0;
    for (var it : map.entrySet()) {
      Entry e = it.getValue();
      if (!e.isLiveAt(nowMillis) && map.remove(it.getKey(), e)) {
        bytes.addAndGet(-weight(it.getKey(), e));
        removed++;
      }
    }
    return removed;
  }

  @Override
  public long size() {
    return map.mappingCount();
  }

  @Override
  public long bytes() {
    return bytes.get();
  }

  @Override
  public long estimateBytes(String key, int valueLength) {
    return 2L * key.length() + valueLength + 17 + ENTRY_OVERHEAD_BYTES;
  }

  @Override
  public void forEachLive(long nowMillis, BiConsumer<String, Entry> visitor) {
    map.forEach(
        (k, e) -> {
          if (e.isLiveAt(nowMillis)) {
            visitor.accept(k, e);
          }
        });
  }

  @Override
  public List<String> keys(String prefix, String after, int limit, long nowMillis) {
    return keys(prefix, after, limit, nowMillis, p -> true);
  }

  @Override
  public List<String> keys(String prefix, String after, int limit, long nowMillis,
      java.util.function.IntPredicate partitions) {
    // Keep the `limit` smallest matching keys in a max-heap: one pass, O(n log limit), no sort of
    // the whole map.
    PriorityQueue<String> smallest = new PriorityQueue<>(limit + 1, Collections.reverseOrder());
    map.forEach(
        (k, e) -> {
          if (k.startsWith(prefix)
              && (after == null || k.compareTo(after) > 0)
              && e.isLiveAt(nowMillis)
              && partitions.test(e.partition())) {
            if (smallest.size() < limit) {
              smallest.add(k);
            } else if (k.compareTo(smallest.peek()) < 0) {
              smallest.poll();
              smallest.add(k);
            }
          }
        });
    List<String> page = new ArrayList<>(smallest);
    Collections.sort(page);
    return page;
  }

  @Override
  public void reserve(long expectedKeys) {
    if (map.isEmpty() && expectedKeys > (1 << 16)) {
      map = new ConcurrentHashMap<>((int) Math.min(expectedKeys, MAX_RESERVED_KEYS));
    }
  }

  @Override
  public void clear() {
    map.clear();
    bytes.set(0);
  }

  private long weight(String key, Entry e) {
    return 2L * key.length() + e.record().length + ENTRY_OVERHEAD_BYTES;
  }

}
