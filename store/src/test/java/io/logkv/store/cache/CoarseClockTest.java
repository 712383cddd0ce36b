package io.logkv.store.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class CoarseClockTest {
  @Test
  @Timeout(10)
  void followsItsSource_andStopsWhenClosed() throws Exception {
    AtomicLong source = new AtomicLong(1_000);
    InstantSource s = () -> java.time.Instant.ofEpochMilli(source.get());
    CoarseClock clock = CoarseClock.of(s, "test-clock");
    assertThat(clock.millis()).isEqualTo(1_000);
    source.set(5_000);
    while (clock.millis() != 5_000) {
      Thread.sleep(1);
    }
    assertThat(clock.instant().toEpochMilli()).isEqualTo(5_000);
    clock.close();
    Thread.sleep(50);
    source.set(9_000);
    Thread.sleep(50);
    assertThat(clock.millis()).isEqualTo(5_000);
  }
}
