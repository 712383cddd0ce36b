package io.logkv.store.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.logkv.store.record.RecordCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryCacheTest {
  private final Cache cache = Cache.inMemory();

  private static Entry entry(String value, long deadline, long offset) {
    return new Entry(RecordCodec.encode(value.getBytes(), deadline, 0), 0, offset);
  }

  @Test
  void put_replace_delete_keepTheByteCountExact() {
    cache.applyPut("a", entry("1234", 0, 1));
    long one = cache.bytes();
    assertThat(one).isPositive();
    cache.applyPut("a", entry("12345678", 0, 2));
    assertThat(cache.bytes()).isEqualTo(one + 4);
    cache.applyDelete("a");
    cache.applyDelete("a");
    assertThat(cache.bytes()).isZero();
    assertThat(cache.size()).isZero();
  }

  @Test
  void expiredEntry_readsAsAbsent_andTheSweepRemovesOnlyExpiredOnes() {
    cache.applyPut("short", entry("x", 1000, 1));
    cache.applyPut("long", entry("y", 5000, 2));
    cache.applyPut("forever", entry("z", 0, 3));
    assertThat(cache.get("short", 999)).isNotNull();
    assertThat(cache.get("short", 1000)).isNull();
    assertThat(cache.removeExpired(1000)).isEqualTo(1);
    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.keys("", null, 10, 1000)).containsExactly("forever", "long");
  }

  @Test
  void keys_pageInOrder_byPrefixAndCursor() {
    for (String k : List.of("b/2", "a/1", "b/1", "b/3", "c/1")) {
      cache.applyPut(k, entry("v", 0, 0));
    }
    assertThat(cache.keys("b/", null, 2, 0)).containsExactly("b/1", "b/2");
    assertThat(cache.keys("b/", "b/2", 2, 0)).containsExactly("b/3");
    assertThat(cache.keys("", "b/3", 10, 0)).containsExactly("c/1");
    assertThat(cache.keys("z", null, 10, 0)).isEmpty();
  }

  @Test
  void digest_dependsOnContentNotInsertionOrder() {
    Cache other = Cache.inMemory();
    cache.applyPut("x", entry("1", 0, 1));
    cache.applyPut("y", entry("2", 0, 2));
    other.applyPut("y", entry("2", 0, 2));
    other.applyPut("x", entry("1", 0, 1));
    assertThat(Digest.of(cache, 0)).isEqualTo(Digest.of(other, 0));
    other.applyPut("x", entry("1", 0, 9)); // same value, other version
    assertThat(Digest.of(cache, 0)).isNotEqualTo(Digest.of(other, 0));
    assertThat(Digest.of(cache, 0).keys()).isEqualTo(2);
  }
}
