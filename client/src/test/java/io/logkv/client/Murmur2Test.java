package io.logkv.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/** The client's partitioner against Kafka's own, on keys of every tail length and alphabet. */
class Murmur2Test {

  @Test
  void hash_andPartition_matchKafkasUtils() {
    List<byte[]> keys = new ArrayList<>();
    Random random = new Random(20260101);
    String alphabet = "abcXYZ019:/-_ éüß中文😀";
    for (int i = 0; i < 500; i++) {
      int length = i < 40 ? i : random.nextInt(300);
      StringBuilder b = new StringBuilder();
      while (b.length() < length) {
        b.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, random.nextInt(alphabet.codePointCount(0,
            alphabet.length())))));
      }
      keys.add(b.toString().getBytes(StandardCharsets.UTF_8));
    }
    for (int i = 0; i < 100; i++) {
      byte[] raw = new byte[random.nextInt(64)];
      random.nextBytes(raw); // every byte value, the high bit included
      keys.add(raw);
    }
    keys.add("user:42".getBytes(StandardCharsets.UTF_8));
    for (byte[] key : keys) {
      assertThat(Murmur2.hash(key)).isEqualTo(Utils.murmur2(key));
      for (int partitions : new int[] {1, 6, 24, 25, 1000}) {
        assertThat(Murmur2.partition(key, partitions))
            .isEqualTo(Utils.toPositive(Utils.murmur2(key)) % partitions);
      }
    }
    assertThat(Murmur2.toPositive(Integer.MIN_VALUE)).isEqualTo(Utils.toPositive(Integer.MIN_VALUE)).isZero();
  }
}
