package io.logkv.bench;

import io.logkv.store.cache.Cache;
import io.logkv.store.record.Partitioner;
import io.logkv.store.shard.Member;
import io.logkv.store.shard.Membership;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The capacity data set and where it lands. Keys are {@code cap-<i>}; each value's bytes depend on
 * its key, so a value served under the wrong key is caught, not only a missing one. A {@link
 * Placement} predicts, from the cluster's owner table and the node's own size estimate, how many
 * keys and bytes each node will hold, so the data set can be sized against the nodes' caps before
 * a single write, and what the nodes report checked against it after.
 */
final class CapacityDataSet {
  static final String KEY_PREFIX = "cap-";
  /** The node's own estimate of an entry's bytes, the one its cap is checked against. */
  private static final Cache ESTIMATE = Cache.inMemory();

  private CapacityDataSet() {}

  static String key(int i) {
    return KEY_PREFIX + i;
  }

  /** The value of key {@code i}: its index in decimal, then letters in an order that depends on it. */
  static byte[] value(int i, int size) {
    byte[] v = new byte[size];
    byte[] index = (i + ":").getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(index, 0, v, 0, Math.min(index.length, size));
    int step = 1 + i % 25;
    for (int j = index.length; j < size; j++) {
      v[j] = (byte) ('a' + (i + j * step) % 26);
    }
    return v;
  }

  /** Bytes a node counts for {@code key} with a value of {@code valueBytes}, against its cap. */
  static long entryBytes(String key, int valueBytes) {
    return ESTIMATE.estimateBytes(key, valueBytes);
  }

  /**
   * How many keys of {@code valueBytes} to write, after what {@code placement} already holds: as
   * many as keep every node at or below {@code perNodeLimit} bytes and the data set (each key
   * counted once) at or below {@code totalLimit}, but no more than {@code maxKeys}. Adds them to
   * the placement.
   */
  static int size(Placement placement, int valueBytes, long perNodeLimit, long totalLimit, int maxKeys) {
    int n = 0;
    while (n < maxKeys) {
      String key = key(n);
      long bytes = entryBytes(key, valueBytes);
      if (placement.onceBytes() + bytes > totalLimit || !placement.fits(key, bytes, perNodeLimit)) {
        break;
      }
      placement.add(key, bytes);
      n++;
    }
    return n;
  }

  /** Expected keys and bytes on each member, from the owner table. Not thread-safe. */
  static final class Placement {
    private final Membership membership;
    private final List<String> ids;
    private final long[] keys;
    private final long[] bytes;
    private long onceKeys;
    private long onceBytes;

    Placement(Membership membership) {
      this.membership = membership;
      this.ids = membership.members().stream().map(Member::id).toList();
      this.keys = new long[ids.size()];
      this.bytes = new long[ids.size()];
    }

    /** Adds {@code key} with a value of {@code valueBytes}. */
    void add(String key, int valueBytes) {
      add(key, entryBytes(key, valueBytes));
    }

    private void add(String key, long entryBytes) {
      for (int m : owners(key)) {
        keys[m]++;
        bytes[m] += entryBytes;
      }
      onceKeys++;
      onceBytes += entryBytes;
    }

    private boolean fits(String key, long entryBytes, long perNodeLimit) {
      for (int m : owners(key)) {
        if (bytes[m] + entryBytes > perNodeLimit) {
          return false;
        }
      }
      return true;
    }

    private int[] owners(String key) {
      int partition = Partitioner.partition(key.getBytes(StandardCharsets.UTF_8), membership.partitions());
      return membership.owners(partition).stream().mapToInt(o -> ids.indexOf(o.id())).toArray();
    }

    List<String> memberIds() {
      return ids;
    }

    long keys(String memberId) {
      return keys[index(memberId)];
    }

    long bytes(String memberId) {
      return bytes[index(memberId)];
    }

    /** Partitions {@code memberId} owns. */
    long partitions(String memberId) {
      Member m = membership.members().get(index(memberId));
      long n = 0;
      for (int p = 0; p < membership.partitions(); p++) {
        if (membership.owners(p).contains(m)) {
          n++;
        }
      }
      return n;
    }

    /** The most partitions any member owns: the cluster is full when that member is. */
    long mostPartitions() {
      return ids.stream().mapToLong(this::partitions).max().orElse(0);
    }

    /** The member expected to hold the most bytes (the first, on a tie). */
    String fullest() {
      int best = 0;
      for (int m = 1; m < bytes.length; m++) {
        if (bytes[m] > bytes[best]) {
          best = m;
        }
      }
      return ids.get(best);
    }

    /** Keys in the data set, each counted once whatever its number of owners. */
    long onceKeys() {
      return onceKeys;
    }

    /** Bytes of the data set, each key counted once. */
    long onceBytes() {
      return onceBytes;
    }

    private int index(String memberId) {
      int i = ids.indexOf(memberId);
      if (i < 0) {
        throw new IllegalArgumentException(memberId + " is not among " + ids);
      }
      return i;
    }
  }
}
