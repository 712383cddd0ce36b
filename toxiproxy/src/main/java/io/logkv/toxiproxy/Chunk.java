package io.logkv.toxiproxy;

import java.util.Arrays;

/**
 * Bytes read from one socket in one read, with the time they arrived ({@link System#nanoTime()}),
 * which latency is counted from. {@link #END} marks the end of the stream.
 */
record Chunk(byte[] data, long arrivedNanos) {

  static final Chunk END = new Chunk(new byte[0], 0);

  boolean isEnd() {
    return this == END;
  }

  int size() {
    return data.length;
  }

  Chunk slice(int from, int to) {
    return new Chunk(Arrays.copyOfRange(data, from, to), arrivedNanos);
  }

  Chunk arrivedAt(long nanos) {
    return new Chunk(data, nanos);
  }
}
