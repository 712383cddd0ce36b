package io.logkv.store.cache;

import io.logkv.store.log.Position;
import io.logkv.store.log.RecordCodec;
import java.nio.ByteBuffer;

/**
 * A key's current state: the encoded record as it came from the log and the position that wrote
 * it. The record array is never modified after construction.
 */
public record Entry(byte[] record, int partition, long offset) {

  public long expiresAtMillis() {
    return RecordCodec.expiresAtMillis(record);
  }

  public long writtenAtMillis() {
    return RecordCodec.writtenAtMillis(record);
  }

  public boolean hasExpiry() {
    return expiresAtMillis() != 0;
  }

  /** Whether the entry is still live at {@code nowMillis}; an expired entry reads as absent. */
  public boolean isLiveAt(long nowMillis) {
    long deadline = expiresAtMillis();
    return deadline == 0 || nowMillis < deadline;
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
