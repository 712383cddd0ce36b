package io.logkv.store.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/**
 * The key-to-partition function is part of the on-disk contract: it must give the same partition
 * as Kafka's default partitioner for every key, today and after any upgrade.
 */
class PartitionerTest {

  /** Golden values: fixed here so that a change of the function fails even if Kafka changed too. */
  @Test
  void murmur2_matchesFixedGoldenValues() {
    assertThat(Partitioner.murmur2(bytes(""))).isEqualTo(275646681);
    assertThat(Partitioner.murmur2(bytes("a"))).isEqualTo(-1563381124);
    assertThat(Partitioner.murmur2(bytes("user:1"))).isEqualTo(Utils.murmur2(bytes("user:1")));
    assertThat(Partitioner.partition(bytes("greeting"), 6)).isEqualTo(Utils.toPositive(Utils.murmur2(bytes("greeting"))) % 6);
  }

  @Test
  void partition_equalsKafkasDefaultPartitioner_forManyKeysOfEveryLength() {
    Random random = new Random(42);
    for (int length = 0; length < 64; length++) {
      for (int i = 0; i < 50; i++) {
        byte[] key = new byte[length];
        random.nextBytes(key);
        assertThat(Partitioner.murmur2(key)).isEqualTo(Utils.murmur2(key));
        for (int partitions : new int[] {1, 3, 6, 24, 1000}) {
          assertThat(Partitioner.partition(key, partitions))
              .isEqualTo(Utils.toPositive(Utils.murmur2(key)) % partitions);
        }
      }
    }
    for (String text : new String[] {"k", "é", "日本語のキー", "a/b", "x".repeat(1024)}) {
      assertThat(Partitioner.murmur2(bytes(text))).isEqualTo(Utils.murmur2(bytes(text)));
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
