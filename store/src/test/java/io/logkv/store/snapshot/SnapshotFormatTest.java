package io.logkv.store.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logkv.store.cache.Entry;
import io.logkv.store.log.LogTopic;
import io.logkv.store.record.RecordCodec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class SnapshotFormatTest {
  private static final Uuid ID = Uuid.randomUuid();
  private static final java.util.function.IntPredicate ALL = p -> true;
  private static final LogTopic TOPIC = topic("logkv", 2, ID, 86_400_000L);

  static LogTopic topic(String name, int partitions, Uuid id, long deleteRetentionMillis) {
    return new LogTopic(name, partitions, id, (short) 1, 1, deleteRetentionMillis);
  }

  private static byte[] sample(long createdAt) throws IOException {
    return sample(createdAt, createdAt);
  }

  private static byte[] sample(long createdAt, long caughtUpAt) throws IOException {
    List<String> keys = new ArrayList<>();
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      keys.add("key-" + i);
      entries.add(new Entry(RecordCodec.encode(("value-" + i).getBytes(), i == 3 ? 1000 : 0, 5), i % 2, i));
    }
    return SnapshotFormat.toBytes("logkv", ID.getMostSignificantBits(), ID.getLeastSignificantBits(),
        new long[] {10, 11}, createdAt, caughtUpAt, keys, entries);
  }

  @Test
  void roundTrip_keepsEveryLiveEntry_andSkipsExpiredOnes() throws IOException {
    Snapshot s = SnapshotFormat.read(new ByteArrayInputStream(sample(7)), 2000);
    assertThat(s.topic()).isEqualTo("logkv");
    assertThat(s.positions()).containsExactly(10, 11);
    assertThat(s.createdAtMillis()).isEqualTo(7);
    assertThat(s.caughtUpAtMillis()).isEqualTo(7);
    assertThat(s.size()).isEqualTo(19); // key-3 expired at 1000
    assertThat(s.keys()).doesNotContain("key-3").contains("key-19");
    assertThat(s.entries().get(0).valueBytes()).isEqualTo("value-0".getBytes());
  }

  @Test
  void everySingleByteCorruption_isDetected() throws IOException {
    byte[] good = sample(7);
    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= 0x5A;
      int at = i;
      assertThatThrownBy(() -> SnapshotFormat.read(new ByteArrayInputStream(bad), 0))
          .as("byte %d of %d flipped", at, good.length)
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void everyTruncation_andTrailingGarbage_isDetected() throws IOException {
    byte[] good = sample(7);
    for (int length = 0; length < good.length; length++) {
      byte[] cut = Arrays.copyOf(good, length);
      assertThatThrownBy(() -> SnapshotFormat.read(new ByteArrayInputStream(cut), 0))
          .as("cut to %d bytes", length)
          .isInstanceOf(IOException.class);
    }
    byte[] longer = Arrays.copyOf(good, good.length + 1);
    assertThatThrownBy(() -> SnapshotFormat.read(new ByteArrayInputStream(longer), 0)).isInstanceOf(SnapshotException.class);
  }

  @Test
  void foreignOrOutOfRangeSnapshots_areRefused_withTheReason() throws IOException {
    Snapshot s = SnapshotFormat.read(new ByteArrayInputStream(sample(1_000)), 0);
    long now = 2_000;
    long[] start = {0, 0};
    long[] end = {20, 20};
    assertThat(SnapshotStore.problem(s, TOPIC, start, end, now, ALL)).isNull();
    assertThat(SnapshotStore.problem(s, topic("other", 2, ID, 86_400_000L), start, end, now, ALL)).contains("topic logkv, not other");
    assertThat(SnapshotStore.problem(s, topic("logkv", 2, Uuid.randomUuid(), 86_400_000L), start, end, now, ALL))
        .contains("recreated");
    assertThat(SnapshotStore.problem(s, topic("logkv", 3, ID, 86_400_000L), new long[3], new long[] {20, 20, 20}, now, ALL))
        .contains("partitions");
    assertThat(SnapshotStore.problem(s, TOPIC, new long[] {0, 12}, end, now, ALL)).contains("below the log start");
    assertThat(SnapshotStore.problem(s, TOPIC, start, new long[] {9, 20}, now, ALL)).contains("beyond the log end");
    assertThat(SnapshotStore.problem(s, topic("logkv", 2, ID, 500L), start, end, now, ALL)).contains("delete.retention.ms");
  }

  @Test
  void aSnapshotIsJudgedByWhenItsNodeWasLastCaughtUp_notByWhenItWasWritten() throws IOException {
    long[] start = {0, 0};
    long[] end = {20, 20};
    // Written just now by a node that had been cut off for 10 s: too old for a 4 s retention.
    Snapshot cutOff = SnapshotFormat.read(new ByteArrayInputStream(sample(20_000, 10_000)), 0);
    assertThat(SnapshotStore.problem(cutOff, topic("logkv", 2, ID, 4_000L), start, end, 20_500, ALL))
        .contains("last caught up with the log 10500 ms ago");
    // Written long ago, but its node was caught up at that moment and retention is long: usable.
    Snapshot old = SnapshotFormat.read(new ByteArrayInputStream(sample(10_000, 10_000)), 0);
    assertThat(SnapshotStore.problem(old, topic("logkv", 2, ID, 86_400_000L), start, end, 3_600_000, ALL)).isNull();
  }

  @Test
  void aFormat1Snapshot_isReadButNotUsed_becauseItDoesNotSayWhenItsNodeWasCaughtUp() throws IOException {
    byte[] v2 = sample(7);
    // The same snapshot in format 1: version 1 and no "caught up at" field (8 bytes after "created at").
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(v2);
    int createdAtEnd = 8 + 4 + 2 + "logkv".length() + 16 + 4 + 2 * 8 + 8;
    byte[] v1 = new byte[v2.length - 8];
    System.arraycopy(v2, 0, v1, 0, createdAtEnd);
    System.arraycopy(v2, createdAtEnd + 8, v1, createdAtEnd, v2.length - createdAtEnd - 8);
    java.nio.ByteBuffer.wrap(v1).putInt(8, 1);
    // Its trailer checksum covered the version-2 bytes: recompute it over the version-1 bytes.
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(v1, 0, v1.length - 8);
    java.nio.ByteBuffer.wrap(v1).putLong(v1.length - 8, crc.getValue());
    Snapshot s = SnapshotFormat.read(new ByteArrayInputStream(v1), 0);
    assertThat(s.caughtUpAtMillis()).isEqualTo(-1);
    assertThat(s.size()).isEqualTo(20);
    assertThat(SnapshotStore.problem(s, TOPIC, new long[] {0, 0}, new long[] {20, 20}, 8, ALL)).contains("format (1)");
  }
}
