package io.logkv.store.snapshot;

import io.logkv.store.cache.Entry;
import java.util.List;

/**
 * A snapshot as read back: where it came from and what it holds.
 *
 * @param topic the topic's name
 * @param topicIdHigh high 64 bits of the topic's id (a recreated topic has another id)
 * @param topicIdLow low 64 bits of the topic's id
 * @param positions per partition, the next offset to apply: replay restarts there
 * @param createdAtMillis wall-clock time the snapshot was started
 * @param caughtUpAtMillis wall-clock time the node had last applied the whole log before the
 *     snapshot was taken; -1 when unknown (format 1)
 * @param keys the keys, in the same order as {@code entries}
 * @param entries each key's state, with the position that wrote it
 */
public record Snapshot(
    String topic,
    long topicIdHigh,
    long topicIdLow,
    long[] positions,
    long createdAtMillis,
    long caughtUpAtMillis,
    List<String> keys,
    List<Entry> entries) {

  public int size() {
    return entries.size();
  }
}
