package io.logkv.store.snapshot;

import io.logkv.store.cache.Entry;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * The snapshot file, version 2. Big-endian throughout:
 *
 * <pre>
 * "LOGKVSNP"                     8 bytes magic
 * version                        int (2)
 * topic                          short length + UTF-8
 * topic id                       2 longs
 * partitions                     int, then one long per partition: the next offset to apply,
 *                                or -1 for a partition the node did not hold (sharded mode)
 * created at                     long, epoch ms
 * caught up at                   long, epoch ms: when the node last had applied the whole log
 * then per entry:                byte 1, key (short length + UTF-8), partition int,
 *                                offset long, record (int length + bytes, as in the log)
 * end                            byte 0, entry count long, CRC32C of every byte before it (long)
 * </pre>
 *
 * Version 1 lacked "caught up at"; it is still read, with that time unknown (-1), and such a
 * snapshot is not used (see {@link SnapshotStore}).
 *
 * <p>Reading checks everything: magic, version, lengths against the remaining bytes, the count, and
 * the checksum; any failure is a {@link SnapshotException} and the caller replays the whole log.
 */
public final class SnapshotFormat {
  static final byte[] MAGIC = "LOGKVSNP".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 2;
  private static final int MAX_RECORD_BYTES = 256 << 20;

  private SnapshotFormat() {}

  /** Streams a snapshot out; {@link #finish} writes the trailer. Not thread-safe. */
  public static final class Writer {
    private final CheckedOutputStream checked;
    private final DataOutputStream out;
    private long count;

    public Writer(OutputStream sink, String topic, long topicIdHigh, long topicIdLow, long[] positions,
        long createdAtMillis, long caughtUpAtMillis) throws IOException {
      this.checked = new CheckedOutputStream(sink, new CRC32C());
      this.out = new DataOutputStream(checked);
      out.write(MAGIC);
      out.writeInt(VERSION);
      writeString(out, topic);
      out.writeLong(topicIdHigh);
      out.writeLong(topicIdLow);
      out.writeInt(positions.length);
      for (long p : positions) {
        out.writeLong(p);
      }
      out.writeLong(createdAtMillis);
      out.writeLong(caughtUpAtMillis);
    }

    public void entry(String key, Entry entry) throws IOException {
      out.writeByte(1);
      writeString(out, key);
      out.writeInt(entry.partition());
      out.writeLong(entry.offset());
      out.writeInt(entry.record().length);
      out.write(entry.record());
      count++;
    }

    /** Writes the trailer and flushes; the caller syncs and closes the file. */
    public long finish() throws IOException {
      out.writeByte(0);
      out.writeLong(count);
      out.flush();
      long crc = checked.getChecksum().getValue();
      out.writeLong(crc);
      out.flush();
      return count;
    }
  }

  /**
   * Reads a whole snapshot from a stream (tests, small files); see {@link #read(ByteBuffer, long)}.
   */
  public static Snapshot read(InputStream source, long nowMillis) throws IOException {
    return read(ByteBuffer.wrap(source.readAllBytes()), nowMillis);
  }

  /**
   * Reads a whole snapshot from {@code buf} (position 0 to limit, e.g. a mapped file); entries
   * whose deadline is at or before {@code nowMillis} are skipped. Bulk getters on a buffer, not
   * a stream's byte-at-a-time reads: a restart parses the snapshot before the JIT has warmed up.
   *
   * @throws SnapshotException when the bytes are not a complete, intact snapshot of a known version
   */
  public static Snapshot read(ByteBuffer buf, long nowMillis) throws SnapshotException {
    ByteBuffer in = buf.duplicate().order(java.nio.ByteOrder.BIG_ENDIAN);
    in.position(0);
    try {
      byte[] magic = new byte[MAGIC.length];
      in.get(magic);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new SnapshotException("not a logkv snapshot (bad magic)");
      }
      int version = in.getInt();
      if (version != VERSION && version != 1) {
        throw new SnapshotException("unknown snapshot format version " + version);
      }
      String topic = readString(in);
      long idHigh = in.getLong();
      long idLow = in.getLong();
      int partitions = in.getInt();
      if (partitions < 1 || partitions > 100_000) {
        throw new SnapshotException("bad partition count " + partitions);
      }
      long[] positions = new long[partitions];
      for (int p = 0; p < partitions; p++) {
        positions[p] = in.getLong();
        if (positions[p] < -1) {
          throw new SnapshotException("bad position " + positions[p] + " for partition " + p);
        }
      }
      long createdAt = in.getLong();
      long caughtUpAt = version >= 2 ? in.getLong() : -1;
      List<String> keys = new ArrayList<>();
      List<Entry> entries = new ArrayList<>();
      long count = 0;
      while (true) {
        byte tag = in.get();
        if (tag == 0) {
          break;
        }
        if (tag != 1) {
          throw new SnapshotException("bad entry tag " + tag);
        }
        String key = readString(in);
        int partition = in.getInt();
        long offset = in.getLong();
        int length = in.getInt();
        // An entry's offset may lie beyond the snapshot's positions: the map was copied while the
        // applier went on. Replay from the positions re-applies those records, harmlessly.
        if (partition < 0 || partition >= partitions || positions[partition] < 0 || offset < 0 || length < 17
            || length > MAX_RECORD_BYTES
            || length > in.remaining()) {
          throw new SnapshotException("bad entry for key of " + key.length() + " chars at " + partition + ":" + offset);
        }
        byte[] record = new byte[length];
        in.get(record);
        count++;
        Entry e = new Entry(record, partition, offset);
        if (e.isLiveAt(nowMillis)) {
          keys.add(key);
          entries.add(e);
        }
      }
      long declared = in.getLong();
      if (declared != count) {
        throw new SnapshotException("entry count " + count + " does not match the trailer's " + declared);
      }
      int checked = in.position();
      long crc = in.getLong();
      if (in.hasRemaining()) {
        throw new SnapshotException("bytes after the end of the snapshot");
      }
      CRC32C expected = new CRC32C();
      expected.update(buf.duplicate().position(0).limit(checked));
      if (crc != expected.getValue()) {
        throw new SnapshotException("checksum mismatch");
      }
      return new Snapshot(topic, idHigh, idLow, positions, createdAt, caughtUpAt, keys, entries);
    } catch (java.nio.BufferUnderflowException e) {
      throw new SnapshotException("truncated snapshot", e);
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > Short.MAX_VALUE) {
      throw new IllegalArgumentException("string too long for a snapshot: " + b.length + " bytes");
    }
    out.writeShort(b.length);
    out.write(b);
  }

  private static String readString(ByteBuffer in) throws SnapshotException {
    int length = in.getShort();
    if (length < 0 || length > in.remaining()) {
      throw new SnapshotException("bad string length " + length);
    }
    byte[] b = new byte[length];
    in.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  /** Encodes a snapshot to bytes (tests and small tools). */
  static byte[] toBytes(String topic, long idHigh, long idLow, long[] positions, long createdAt, long caughtUpAt,
      List<String> keys, List<Entry> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Writer w = new Writer(bytes, topic, idHigh, idLow, positions, createdAt, caughtUpAt);
    for (int i = 0; i < keys.size(); i++) {
      w.entry(keys.get(i), entries.get(i));
    }
    w.finish();
    return bytes.toByteArray();
  }

}
