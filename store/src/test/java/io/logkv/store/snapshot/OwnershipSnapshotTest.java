package io.logkv.store.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.logkv.store.cache.Cache;
import io.logkv.store.cache.Entry;
import io.logkv.store.log.AppliedPositions;
import io.logkv.store.log.LogTopic;
import io.logkv.store.log.StartingPoint;
import io.logkv.store.record.RecordCodec;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sharded mode: a snapshot holds only the partitions its node owned, and a node that owns other
 * partitions now reuses it for the partitions in common and replays the rest from the log start.
 */
class OwnershipSnapshotTest {
  private static final InstantSource CLOCK = InstantSource.fixed(Instant.ofEpochMilli(1_000_000));

  @Test
  void aSnapshotUnderAnotherOwnership_servesThePartitionsInCommon_andTheRestReplayFromTheStart(@TempDir Path dir)
      throws Exception {
    LogTopic topic = new LogTopic("t", 3, Uuid.randomUuid(), (short) 1, 1, 86_400_000L);
    Cache before = Cache.inMemory();
    AppliedPositions positions = new AppliedPositions(3);
    for (int p = 0; p < 2; p++) { // owned then: partitions 0 and 1
      before.applyPut("k" + p, new Entry(RecordCodec.encode(("v" + p).getBytes(), 0, 0), p, 4));
      positions.advance(p, 5);
    }
    SnapshotStore store = new SnapshotStore(dir);
    Set<Integer> ownedThen = Set.of(0, 1);
    store.write(before, positions, topic, CLOCK.millis(), CLOCK, ownedThen::contains);

    Set<Integer> ownedNow = Set.of(1, 2);
    Cache after = Cache.inMemory();
    Optional<StartingPoint.Restored> restored = store.startingPoint(topic, CLOCK)
        .restore(after, new long[] {0, 0, 0}, new long[] {5, 5, 5}, ownedNow::contains);
    assertThat(restored).isPresent();
    assertThat(restored.get().positions()).containsExactly(0, 5, 0); // 1 from the snapshot, 2 from the start
    assertThat(restored.get().entries()).isEqualTo(1);
    assertThat(after.get("k1", 0)).isNotNull();
    assertThat(after.get("k0", 0)).as("a partition no longer owned is not loaded").isNull();
  }

  @Test
  void aPartitionOutsideTheLog_onlyMattersWhenItIsOwnedNow(@TempDir Path dir) throws Exception {
    LogTopic topic = new LogTopic("t", 2, Uuid.randomUuid(), (short) 1, 1, 86_400_000L);
    AppliedPositions positions = new AppliedPositions(2);
    positions.advance(0, 9);
    positions.advance(1, 9);
    SnapshotStore store = new SnapshotStore(dir);
    store.write(Cache.inMemory(), positions, topic, CLOCK.millis(), CLOCK, p -> true);
    // Partition 0's log now ends below the snapshot's position (the topic was truncated): a node
    // that owns only partition 1 can still use the snapshot; one that owns 0 cannot.
    long[] start = {0, 0};
    long[] end = {3, 9};
    assertThat(store.loadValid(topic, start, end, CLOCK.millis(), p -> p == 1)).isPresent();
    assertThat(store.loadValid(topic, start, end, CLOCK.millis(), p -> true)).isEmpty();
  }
}
