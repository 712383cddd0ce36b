package io.logkv.store.cache;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An order-independent digest of a cache's live entries: the sum, modulo 2^128, of each entry's
 * SHA-256 (over key, value record and version). Two replicas that applied the same log to the same
 * position give the same digest, whatever their map's iteration order.
 */
public record Digest(long keys, String hex) {

  public static Digest of(Cache cache, long nowMillis) {
    return byPartition(cache, nowMillis, 1).get(0);
  }

  /**
   * One digest per partition, indexed by partition ({@code partitions} of them), so that the
   * owners of one partition can be compared when no two nodes hold the same set (sharded mode).
   * The sum is order-independent, so the whole map's digest is the sum of these; with {@code
   * partitions} 1 every entry counts in index 0 ({@link #of}).
   */
  public static java.util.List<Digest> byPartition(Cache cache, long nowMillis, int partitions) {
    MessageDigest sha = sha256();
    long[][] sum = new long[partitions][2];
    long[] count = new long[partitions];
    ByteBuffer version = ByteBuffer.allocate(12);
    cache.forEachLive(
        nowMillis,
        (key, entry) -> {
          sha.reset();
          byte[] k = key.getBytes(StandardCharsets.UTF_8);
          sha.update(ByteBuffer.allocate(4).putInt(k.length).array());
          sha.update(k);
          sha.update(entry.record());
          version.clear();
          version.putInt(entry.partition()).putLong(entry.offset());
          sha.update(version.array());
          ByteBuffer h = ByteBuffer.wrap(sha.digest());
          long lo = h.getLong();
          long hi = h.getLong();
          int p = partitions == 1 ? 0 : entry.partition();
          long newLo = sum[p][0] + lo;
          long carry = Long.compareUnsigned(newLo, sum[p][0]) < 0 ? 1 : 0;
          sum[p][0] = newLo;
          sum[p][1] += hi + carry;
          count[p]++;
        });
    java.util.List<Digest> digests = new java.util.ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) {
      digests.add(new Digest(count[p], HexFormat.of().formatHex(
          ByteBuffer.allocate(16).putLong(sum[p][1]).putLong(sum[p][0]).array())));
    }
    return digests;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
