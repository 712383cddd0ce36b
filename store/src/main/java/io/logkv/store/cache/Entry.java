package io.logkv.store.cache;

import io.logkv.store.record.Position;
import io.logkv.store.record.RecordCodec;
import java.nio.ByteBuffer;

/**
 * A key's current state: the encoded record as it came from the log and the position that wrote
 * it. The record array is never modified after construction. The deadline is also kept decoded,
 * because every read checks it.
 *
 * @param expiresAtMillis the deadline from the record's header; 0 = never
 */
public record Entry(byte[] record, int partition, long offset, long expiresAtMillis) {

  public Entry(byte[] record, int partition, long offset) {
    this(record, partition, offset, RecordCodec.expiresAtMillis(record));
  }

  public long writtenAtMillis() {
    return RecordCodec.writtenAtMillis(record);
  }

  public boolean hasExpiry() {
    return expiresAtMillis != 0;
  }

  /** Whether the entry is still live at {@code nowMillis}; an expired entry reads as absent. */
  public boolean isLiveAt(long nowMillis) {
    return expiresAtMillis == 0 || nowMillis < expiresAtMillis;
  }

  public Position version() {
    return new Position(partition, offset);
  }

  public int valueLength() {
    return RecordCodec.valueLength(record);
  }

  /** The value, as a read-only view of the record: no copy. */
  public ByteBuffer value() {
    return RecordCodec.valueView(record);
  }

  /** A copy of the value's bytes. */
  public byte[] valueBytes() {
    byte[] copy = new byte[valueLength()];
    value().get(copy);
    return copy;
  }
}
