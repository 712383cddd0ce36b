package io.logkv.client;

/**
 * The partition function of a sharded cluster: Kafka's default partitioner for keyed records,
 * {@code toPositive(murmur2(utf8(key))) % partitions}. Written out here (the same arithmetic as
 * Kafka's {@code org.apache.kafka.common.utils.Utils.murmur2}, checked against it by a test) so
 * the client needs no Kafka jar.
 */
final class Murmur2 {
  private static final int SEED = 0x9747b28c;
  private static final int M = 0x5bd1e995;
  private static final int R = 24;

  private Murmur2() {}

  /** The partition, 0 to {@code partitions - 1}, that Kafka's default partitioner picks for {@code key}. */
  static int partition(byte[] key, int partitions) {
    return toPositive(hash(key)) % partitions;
  }

  /** Kafka's {@code Utils.toPositive}: clears the sign bit (not {@code Math.abs}, which fails for MIN_VALUE). */
  static int toPositive(int n) {
    return n & 0x7fffffff;
  }

  /** The 32-bit murmur2 hash of {@code data} with Kafka's seed. */
  @SuppressWarnings("fallthrough")
  static int hash(byte[] data) {
    int length = data.length;
    int h = SEED ^ length;
    int length4 = length / 4;
    for (int i = 0; i < length4; i++) {
      int i4 = i * 4;
      int k = (data[i4] & 0xff)
          + ((data[i4 + 1] & 0xff) << 8)
          + ((data[i4 + 2] & 0xff) << 16)
          + ((data[i4 + 3] & 0xff) << 24);
      k *= M;
      k ^= k >>> R;
      k *= M;
      h *= M;
      h ^= k;
    }
    int tail = length & ~3;
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
}
