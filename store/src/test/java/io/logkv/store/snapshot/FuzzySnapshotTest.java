package io.logkv.store.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.logkv.store.cache.Cache;
import io.logkv.store.cache.Digest;
import io.logkv.store.cache.Entry;
import io.logkv.store.log.AppliedPositions;
import io.logkv.store.log.LogTopic;
import io.logkv.store.record.RecordCodec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot taken while the applier keeps writing, loaded and followed by a replay from its
 * positions, ends in the state of the whole log: no write that raced the snapshot is lost or
 * resurrected. The log is synthetic (puts and deletes over few keys, three partitions) so that
 * the race is hit many times per run.
 */
class FuzzySnapshotTest {
  private static final int PARTITIONS = 3;

  private record Rec(int partition, long offset, String key, byte[] record) {}

  @RepeatedTest(5)
  void snapshotRacingTheApplier_thenTailReplay_equalsTheWholeLog(@TempDir Path dir) throws Exception {
    SplittableRandom random = new SplittableRandom();
    List<Rec> log = new ArrayList<>();
    long[] next = new long[PARTITIONS];
    for (int i = 0; i < 200_000; i++) {
      String key = "k" + random.nextInt(500);
      int p = Math.floorMod(key.hashCode(), PARTITIONS);
      byte[] record = random.nextInt(10) == 0 ? null : RecordCodec.encode(("v" + i).getBytes(), 0, 0);
      log.add(new Rec(p, next[p]++, key, record));
    }
    LogTopic topic = new LogTopic("t", PARTITIONS, Uuid.randomUuid(), (short) 1, 1, Long.MAX_VALUE);
    Cache live = Cache.inMemory();
    AppliedPositions positions = new AppliedPositions(PARTITIONS);
    CountDownLatch halfway = new CountDownLatch(1);
    Thread applier = new Thread(() -> {
      for (int i = 0; i < log.size(); i++) {
        apply(live, log.get(i));
        positions.advance(log.get(i).partition(), log.get(i).offset() + 1);
        if (i == log.size() / 4) {
          halfway.countDown();
        }
      }
    });
    applier.start();
    halfway.await();
    SnapshotStore store = new SnapshotStore(dir);
    store.write(live, positions, topic, 0, java.time.InstantSource.fixed(java.time.Instant.EPOCH), p -> true); // races the applier
    applier.join();

    Optional<Snapshot> loaded = store.loadValid(topic, new long[PARTITIONS], next, 0, p -> true);
    assertThat(loaded).isPresent();
    Snapshot s = loaded.get();
    Cache restored = Cache.inMemory();
    for (int i = 0; i < s.size(); i++) {
      restored.applyPut(s.keys().get(i), s.entries().get(i));
    }
    for (Rec r : log) {
      if (r.offset() >= s.positions()[r.partition()]) {
        apply(restored, r);
      }
    }
    assertThat(Digest.of(restored, 0)).isEqualTo(Digest.of(live, 0));
  }

  private static void apply(Cache cache, Rec r) {
    if (r.record() == null) {
      cache.applyDelete(r.key());
    } else {
      cache.applyPut(r.key(), new Entry(r.record(), r.partition(), r.offset()));
    }
  }
}
