package io.logkv.store.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
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
    await().atMost(Duration.ofSeconds(5)).until(clock::millis, t -> t == 5_000);
    assertThat(clock.instant().toEpochMilli()).isEqualTo(5_000);
    clock.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> !tickerAlive());
    source.set(9_000);
    assertThat(clock.millis()).isEqualTo(5_000); // its thread is gone: nothing updates it any more
  }

  private static boolean tickerAlive() {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("test-clock") && t.isAlive());
  }
}
