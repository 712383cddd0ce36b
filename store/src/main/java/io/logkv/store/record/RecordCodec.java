package io.logkv.store.record;

import java.nio.ByteBuffer;

/**
 * The record value format: a 17-byte header, then the value bytes.
 *
 * <pre>
 * byte 0      format version (1)
 * bytes 1-8   expiry deadline, epoch milliseconds, big-endian; 0 = never expires
 * bytes 9-16  time the accepting node took the write, epoch milliseconds
 * bytes 17-   the value, opaque
 * </pre>
 *
 * A delete is a tombstone (a null record value), so compaction can drop the key. The header keeps
 * the deadline inside the record, so every replica expires a key at the same moment. The whole
 * encoded array is kept in the cache, which lets a read send the value without copying it.
 */
public final class RecordCodec {
  public static final byte FORMAT_V1 = 1;
  public static final int HEADER_BYTES = 17;

  private RecordCodec() {}

  /** Encodes a put; copies {@code value} once, into the record. */
  public static byte[] encode(byte[] value, long expiresAtMillis, long writtenAtMillis) {
    return encode(value, 0, value.length, expiresAtMillis, writtenAtMillis);
  }

  public static byte[] encode(
      byte[] value, int offset, int length, long expiresAtMillis, long writtenAtMillis) {
    byte[] record = new byte[HEADER_BYTES + length];
    ByteBuffer.wrap(record).put(FORMAT_V1).putLong(expiresAtMillis).putLong(writtenAtMillis);
    System.arraycopy(value, offset, record, HEADER_BYTES, length);
    return record;
  }

  /** Whether {@code record} is a value this version can read. */
  public static boolean isReadable(byte[] record) {
    return record.length >= HEADER_BYTES && record[0] == FORMAT_V1;
  }

  public static long expiresAtMillis(byte[] record) {
    return readLong(record, 1);
  }

  public static long writtenAtMillis(byte[] record) {
    return readLong(record, 9);
  }

  public static int valueLength(byte[] record) {
    return record.length - HEADER_BYTES;
  }

  /** A read-only view of the value inside the record; no copy. */
  public static ByteBuffer valueView(byte[] record) {
    return ByteBuffer.wrap(record, HEADER_BYTES, record.length - HEADER_BYTES).slice().asReadOnlyBuffer();
  }

  private static final java.lang.invoke.VarHandle LONG_BE =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

  private static long readLong(byte[] b, int at) {
    return (long) LONG_BE.get(b, at);
  }
}
