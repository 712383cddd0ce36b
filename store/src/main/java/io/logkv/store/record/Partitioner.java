package io.logkv.store.record;

/**
 * The partition a key's records go to: murmur2 of the key's UTF-8 bytes, made positive, modulo the
 * partition count. This is the same function as Kafka's default partitioner, written out here
 * because it is part of logkv's on-disk contract: every node, every client that routes by
 * partition, and every existing topic depend on a key landing in the same partition forever, so
 * it must not change with a Kafka upgrade or depend on Kafka's internal {@code Utils}. A golden
 * test pins it to Kafka's own results.
 */
public final class Partitioner {
  private static final int SEED = 0x9747b28c;
  private static final int M = 0x5bd1e995;
  private static final int R = 24;

  private Partitioner() {}

  /** The partition of {@code keyBytes} in a topic of {@code partitions} partitions (at least 1). */
  public static int partition(byte[] keyBytes, int partitions) {
    return toPositive(murmur2(keyBytes)) % partitions;
  }

  /** The 32-bit murmur2 hash with Kafka's seed. */
  public static int murmur2(byte[] data) {
    int length = data.length;
    int h = SEED ^ length;
    int length4 = length / 4;
    for (int i = 0; i < length4; i++) {
      int i4 = i * 4;
      int k = (data[i4] & 0xff) + ((data[i4 + 1] & 0xff) << 8) + ((data[i4 + 2] & 0xff) << 16) + ((data[i4 + 3] & 0xff) << 24);
      k *= M;
      k ^= k >>> R;
      k *= M;
      h *= M;
      h ^= k;
    }
    int tail = length4 * 4;
    switch (length % 4) {
      case 3:
        h ^= (data[tail + 2] & 0xff) << 16;
        // fall through
      case 2:
        h ^= (data[tail + 1] & 0xff) << 8;
        // fall through
      case 1:
        h ^= data[tail] & 0xff;
        h *= M;
        break;
      default:
        break;
    }
    h ^= h >>> 13;
    h *= M;
    h ^= h >>> 15;
    return h;
  }

  /** Kafka's {@code toPositive}: clears the sign bit (not {@code Math.abs}, which fails on MIN_VALUE). */
  public static int toPositive(int n) {
    return n & 0x7fffffff;
  }
}
