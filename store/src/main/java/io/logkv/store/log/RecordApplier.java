package io.logkv.store.log;

import io.logkv.store.cache.Cache;
import io.logkv.store.cache.Entry;
import io.logkv.store.record.RecordCodec;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Applies one log record to the cache: a put, a tombstone, or a put whose deadline has already
 * passed (the key's state is then "absent"). Allocates the key's String and the Entry, nothing
 * else: the record's value array becomes the entry as it is. Only the applier thread calls it.
 */
public final class RecordApplier {
  /** What happened to a record. */
  public enum Result { APPLIED, SKIPPED_NO_KEY, SKIPPED_UNKNOWN_FORMAT }

  private final Cache cache;

  public RecordApplier(Cache cache) {
    this.cache = cache;
  }

  public Result apply(ConsumerRecord<byte[], byte[]> r, long nowMillis) {
    if (r.key() == null) {
      return Result.SKIPPED_NO_KEY;
    }
    String key = new String(r.key(), StandardCharsets.UTF_8);
    byte[] value = r.value();
    if (value == null) {
      cache.applyDelete(key);
    } else if (!RecordCodec.isReadable(value)) {
      return Result.SKIPPED_UNKNOWN_FORMAT;
    } else {
      Entry entry = new Entry(value, r.partition(), r.offset());
      if (entry.isLiveAt(nowMillis)) {
        cache.applyPut(key, entry);
      } else {
        // Already expired: keeping it would only cost memory.
        cache.applyDelete(key);
      }
    }
    return Result.APPLIED;
  }
}
