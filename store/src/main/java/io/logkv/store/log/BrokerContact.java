package io.logkv.store.log;

import java.util.concurrent.TimeUnit;

/**
 * When the brokers last answered this node (a write's acknowledgement or an end-offset probe).
 * Past the silence limit, writes are refused at once as not applied, so that a node cut off from
 * Kafka fails fast instead of making every write wait out its timeout. Thread-safe.
 */
public final class BrokerContact {
  private final Ticker ticker;
  private final long silenceLimitNanos;
  private volatile long lastHeardNanos;

  public BrokerContact(Ticker ticker, long silenceLimitMillis) {
    this.ticker = ticker;
    this.silenceLimitNanos = TimeUnit.MILLISECONDS.toNanos(silenceLimitMillis);
    this.lastHeardNanos = ticker.nanos();
  }

  /** The brokers answered just now. */
  public void heard() {
    lastHeardNanos = ticker.nanos();
  }

  /** Milliseconds since the brokers last answered. */
  public long silenceMillis() {
    return Math.max(0, TimeUnit.NANOSECONDS.toMillis(ticker.nanos() - lastHeardNanos));
  }

  /** Whether the brokers have been silent longer than the limit. */
  public boolean tooSilent() {
    return ticker.nanos() - lastHeardNanos > silenceLimitNanos;
  }

  public long silenceLimitMillis() {
    return TimeUnit.NANOSECONDS.toMillis(silenceLimitNanos);
  }
}
