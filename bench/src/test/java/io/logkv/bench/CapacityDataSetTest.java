package io.logkv.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logkv.store.record.Partitioner;
import io.logkv.store.shard.Member;
import io.logkv.store.shard.Membership;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The capacity data set's sizing: partition balance, where it stops, what each node is predicted to hold. */
class CapacityDataSetTest {
  private static final long MIB = 1L << 20;

  @Test
  void partitionCount_isTheBestBalancedFrom4To64_andGivesAbout2Caps() {
    int best = 0;
    double bestCaps = 0;
    for (int p = 4; p <= 64; p++) {
      double caps = (double) p / mostPartitions(p);
      if (caps > bestCaps) {
        best = p;
        bestCaps = caps;
      }
    }
    assertThat(best).isEqualTo(CapacityFigures.PARTITIONS);
    assertThat(partitionsPerNode(33)).containsExactly(17L, 16L, 17L, 16L);
    assertThat(bestCaps).isCloseTo(33.0 / 17, org.assertj.core.data.Offset.offset(1e-9));
    // What the first guess gives: the fullest node owns 15 of 24, 1.6 caps.
    assertThat(partitionsPerNode(24)).containsExactly(11L, 11L, 15L, 11L);
  }

  @Test
  void size_stopsWithinOneEntryOfTheFullestOwnersLimit_andNoNodeAboveIt() {
    CapacityDataSet.Placement p = new CapacityDataSet.Placement(membership(2, 33));
    long limit = 4 * MIB;
    long entry = CapacityDataSet.entryBytes(CapacityDataSet.key(0), 4096);

    int keys = CapacityDataSet.size(p, 4096, limit, Long.MAX_VALUE, 1_000_000);

    assertThat(keys).isPositive().isLessThan(1_000_000);
    assertThat(p.onceKeys()).isEqualTo(keys);
    long fullest = p.bytes(p.fullest());
    assertThat(fullest).isLessThanOrEqualTo(limit).isGreaterThan(limit - entry);
    for (String id : p.memberIds()) {
      assertThat(p.bytes(id)).as(id).isLessThanOrEqualTo(limit);
    }
    // The key that was not written would have passed the limit on one of its owners.
    String next = CapacityDataSet.key(keys);
    int partition = Partitioner.partition(next.getBytes(StandardCharsets.UTF_8), 33);
    assertThat(membership(2, 33).owners(partition))
        .anySatisfy(o -> assertThat(p.bytes(o.id()) + CapacityDataSet.entryBytes(next, 4096)).isGreaterThan(limit));
  }

  @Test
  void size_stopsAtTheTotalLimit_whenThatComesFirst() {
    CapacityDataSet.Placement p = new CapacityDataSet.Placement(membership(2, 33));
    long total = MIB;

    int keys = CapacityDataSet.size(p, 1024, Long.MAX_VALUE, total, 1_000_000);

    long entry = CapacityDataSet.entryBytes(CapacityDataSet.key(keys), 1024);
    assertThat(p.onceBytes()).isLessThanOrEqualTo(total).isGreaterThan(total - entry);
  }

  @Test
  void size_stopsAtMaxKeys() {
    CapacityDataSet.Placement p = new CapacityDataSet.Placement(membership(2, 33));

    assertThat(CapacityDataSet.size(p, 100, Long.MAX_VALUE, Long.MAX_VALUE, 250)).isEqualTo(250);
    assertThat(p.onceKeys()).isEqualTo(250);
  }

  @Test
  void placement_holdsEveryKeyRTimes_andAFullCopyEverywhere() {
    CapacityDataSet.Placement sharded = new CapacityDataSet.Placement(membership(2, 33));
    CapacityDataSet.Placement full = new CapacityDataSet.Placement(membership(4, 33));
    for (int i = 0; i < 5_000; i++) {
      sharded.add(CapacityDataSet.key(i), 4096);
      full.add(CapacityDataSet.key(i), 4096);
    }

    long keys = 0;
    long bytes = 0;
    for (String id : sharded.memberIds()) {
      keys += sharded.keys(id);
      bytes += sharded.bytes(id);
      assertThat(full.keys(id)).isEqualTo(5_000);
      assertThat(full.bytes(id)).isEqualTo(full.onceBytes());
      assertThat(full.partitions(id)).isEqualTo(33);
    }
    assertThat(keys).isEqualTo(2 * 5_000);
    assertThat(bytes).isEqualTo(2 * sharded.onceBytes());
    assertThat(sharded.mostPartitions()).isEqualTo(17);
    assertThatThrownBy(() -> sharded.keys("n5")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theReportsDataSet_isAbout2CapsOfOneNode_inBothModes() {
    for (boolean quick : List.of(false, true)) {
      CapacityFigures.Sizes sizes = CapacityFigures.Sizes.of(quick);
      CapacityDataSet.Placement p = CapacityFigures.plan(CapacityFigures.REPLICAS);

      CapacityDataSet.size(p, CapacityFigures.VALUE_BYTES, (long) (CapacityFigures.FULLEST_SHARE * sizes.capBytes()),
          (long) (CapacityFigures.MAX_TIMES_CAP * sizes.capBytes()), 10_000_000);

      double caps = (double) p.onceBytes() / sizes.capBytes();
      assertThat(caps).as("quick " + quick).isBetween(1.85, 33.0 / 17);
      assertThat(sizes.fullCopyCapBytes()).as("a full copy holds the whole data set").isGreaterThan(p.onceBytes());
    }
  }

  @Test
  void heap_isTheCapTwiceAnd128MiB() {
    assertThat(CapacityFigures.Sizes.heap(32 * MIB)).isEqualTo("192m");
    assertThat(CapacityFigures.Sizes.heap(4 * MIB)).isEqualTo("136m");
  }

  @Test
  void value_dependsOnItsKey_andHasItsSize() {
    assertThat(CapacityDataSet.value(7, 4096)).hasSize(4096).isEqualTo(CapacityDataSet.value(7, 4096));
    assertThat(CapacityDataSet.value(7, 4096)).isNotEqualTo(CapacityDataSet.value(8, 4096));
    // Same step (i mod 25), another index: still another value.
    assertThat(CapacityDataSet.value(1, 64)).isNotEqualTo(CapacityDataSet.value(26, 64));
    assertThat(new String(CapacityDataSet.value(12, 16), StandardCharsets.US_ASCII)).startsWith("12:");
    assertThat(new String(CapacityDataSet.value(123456, 3), StandardCharsets.US_ASCII)).isEqualTo("123");
  }

  private static Membership membership(int replicas, int partitions) {
    List<Member> members = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      members.add(new Member("n" + i, URI.create("http://127.0.0.1:" + (8080 + i))));
    }
    return Membership.of(members, "n1", replicas, partitions);
  }

  private static List<Long> partitionsPerNode(int partitions) {
    CapacityDataSet.Placement p = new CapacityDataSet.Placement(membership(2, partitions));
    return p.memberIds().stream().map(p::partitions).toList();
  }

  private static long mostPartitions(int partitions) {
    return new CapacityDataSet.Placement(membership(2, partitions)).mostPartitions();
  }
}
