package io.logkv.store.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FreezeWatchTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final FreezeWatch watch = new FreezeWatch(nanos::get, Duration.ofSeconds(2), Duration.ofSeconds(2));

  @Test
  void aProcessThatKeepsTicking_refusesNothing() {
    for (int i = 0; i < 100; i++) {
      advance(200);
      watch.tick();
      assertThat(watch.refusal()).isNull();
    }
    assertThat(watch.freezes()).isZero();
  }

  @Test
  void writesAreRefused_beforeTheWatchHasTickedAgain_andForTheGracePeriodAfter() {
    watch.tick();
    advance(5_000); // frozen: nothing ran, the watch included
    assertThat(watch.refusal()).contains("did not run for the last 5000 ms");

    watch.tick(); // thawed: the watch notices the gap
    assertThat(watch.freezes()).isEqualTo(1);
    advance(1_900);
    assertThat(watch.refusal()).contains("frozen or stalled until 1900 ms ago");
    watch.tick();
    advance(200);
    watch.tick();
    assertThat(watch.refusal()).isNull();
    assertThat(watch.freezes()).isEqualTo(1);
  }

  @Test
  void theTimeBeforeStart_isNoFreeze() throws Exception {
    advance(10_000); // built, then a slow start-up before the thread runs
    watch.start();
    try {
      assertThat(watch.refusal()).isNull();
      watch.tick();
      assertThat(watch.freezes()).isZero();
    } finally {
      watch.close();
    }
  }

  @Test
  void aGapBelowTheLimit_isNoFreeze() {
    watch.tick();
    advance(1_900);
    assertThat(watch.refusal()).isNull();
    watch.tick();
    assertThat(watch.freezes()).isZero();
  }

  private void advance(long millis) {
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
  }
}
