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
    MessageDigest sha = sha256();
    long[] sum = new long[2];
    long[] count = new long[1];
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
          long newLo = sum[0] + lo;
          long carry = Long.compareUnsigned(newLo, sum[0]) < 0 ? 1 : 0;
          sum[0] = newLo;
          sum[1] += hi + carry;
          count[0]++;
        });
    return new Digest(count[0], HexFormat.of().formatHex(
        ByteBuffer.allocate(16).putLong(sum[1]).putLong(sum[0]).array()));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
