package io.logkv.store.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StalenessProbeTest {
  /**
   * A node whose start takes longer than the silence limit (a loaded machine) must not turn ready
   * refusing every write as "Kafka has not answered": catching up to the brokers' end offsets is
   * hearing from them.
   */
  @Test
  void catchingUp_countsAsHearingFromTheBrokers() {
    AtomicLong nanos = new AtomicLong();
    Ticker ticker = nanos::get;
    BrokerContact broker = new BrokerContact(ticker, 3_000);
    StalenessProbe probe = new StalenessProbe(null, new AppliedPositions(1), broker, ticker, InstantSource.system(), 1);
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(10)); // a slow start: replay, producer warm-up, HTTP
    assertThat(broker.tooSilent()).isTrue();

    probe.markCaughtUp();

    assertThat(broker.tooSilent()).isFalse();
    assertThat(probe.maxStalenessMillis()).isZero();
  }
}
