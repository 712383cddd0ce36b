package io.logkv.store.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.logkv.store.cache.Entry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
  @Test
  void encode_keepsValueDeadlineAndWriteTime() {
    byte[] value = "hello".getBytes(StandardCharsets.UTF_8);
    byte[] record = RecordCodec.encode(value, 1_700_000_000_123L, 1_699_999_999_000L);
    assertThat(RecordCodec.isReadable(record)).isTrue();
    assertThat(RecordCodec.expiresAtMillis(record)).isEqualTo(1_700_000_000_123L);
    assertThat(RecordCodec.writtenAtMillis(record)).isEqualTo(1_699_999_999_000L);
    assertThat(RecordCodec.valueLength(record)).isEqualTo(5);
    ByteBuffer view = RecordCodec.valueView(record);
    byte[] back = new byte[view.remaining()];
    view.get(back);
    assertThat(back).isEqualTo(value);
  }

  @Test
  void emptyValue_isAValue() {
    byte[] record = RecordCodec.encode(new byte[0], 0, 1);
    assertThat(RecordCodec.valueLength(record)).isZero();
    assertThat(new Entry(record, 0, 0).valueBytes()).isEmpty();
  }

  @Test
  void unknownFormatOrShortRecord_isNotReadable() {
    byte[] record = RecordCodec.encode(new byte[3], 0, 0);
    record[0] = 9;
    assertThat(RecordCodec.isReadable(record)).isFalse();
    assertThat(RecordCodec.isReadable(new byte[5])).isFalse();
  }

  @Test
  void entry_isLiveStrictlyBeforeItsDeadline() {
    Entry e = new Entry(RecordCodec.encode(new byte[1], 1000, 0), 2, 7);
    assertThat(e.isLiveAt(999)).isTrue();
    assertThat(e.isLiveAt(1000)).isFalse();
    assertThat(e.version()).isEqualTo(new Position(2, 7));
    assertThat(new Entry(RecordCodec.encode(new byte[1], 0, 0), 0, 0).isLiveAt(Long.MAX_VALUE)).isTrue();
  }
}
