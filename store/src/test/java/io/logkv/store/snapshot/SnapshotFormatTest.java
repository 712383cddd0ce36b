package io.logkv.store.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logkv.store.cache.Entry;
import io.logkv.store.log.LogTopic;
import io.logkv.store.log.RecordCodec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class SnapshotFormatTest {
  private static final Uuid ID = Uuid.randomUuid();
  private static final LogTopic TOPIC = new LogTopic("logkv", 2, ID, 86_400_000L);

  private static byte[] sample(long createdAt) throws IOException {
    List<String> keys = new ArrayList<>();
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      keys.add("key-" + i);
      entries.add(new Entry(RecordCodec.encode(("value-" + i).getBytes(), i == 3 ? 1000 : 0, 5), i % 2, i));
    }
    return SnapshotFormat.toBytes("logkv", ID.getMostSignificantBits(), ID.getLeastSignificantBits(),
        new long[] {10, 11}, createdAt, keys, entries);
  }

  @Test
  void roundTrip_keepsEveryLiveEntry_andSkipsExpiredOnes() throws IOException {
    Snapshot s = SnapshotFormat.read(new ByteArrayInputStream(sample(7)), 2000);
    assertThat(s.topic()).isEqualTo("logkv");
    assertThat(s.positions()).containsExactly(10, 11);
    assertThat(s.createdAtMillis()).isEqualTo(7);
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
    assertThat(SnapshotStore.problem(s, TOPIC, start, end, now)).isNull();
    assertThat(SnapshotStore.problem(s, new LogTopic("other", 2, ID, 86_400_000L), start, end, now)).contains("topic logkv, not other");
    assertThat(SnapshotStore.problem(s, new LogTopic("logkv", 2, Uuid.randomUuid(), 86_400_000L), start, end, now))
        .contains("recreated");
    assertThat(SnapshotStore.problem(s, new LogTopic("logkv", 3, ID, 86_400_000L), new long[3], new long[] {20, 20, 20}, now))
        .contains("partitions");
    assertThat(SnapshotStore.problem(s, TOPIC, new long[] {0, 12}, end, now)).contains("below the log start");
    assertThat(SnapshotStore.problem(s, TOPIC, start, new long[] {9, 20}, now)).contains("beyond the log end");
    assertThat(SnapshotStore.problem(s, new LogTopic("logkv", 2, ID, 500L), start, end, now)).contains("delete.retention.ms");
  }
}
