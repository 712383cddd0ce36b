package io.logkv.store.cache;

import java.time.Instant;
import java.time.InstantSource;

/**
 * The system clock read once a millisecond by a daemon thread, so that reads pay a volatile load
 * instead of a clock call. Expiry seen through it is at most about a millisecond late, well below
 * the clock skew between machines that expiry is subject to anyway. {@link #close()} stops the
 * thread.
 */
public final class CoarseClock implements InstantSource, AutoCloseable {
  private final InstantSource source;
  private final Thread ticker;
  private volatile long millis;
  private volatile boolean closed;

  private CoarseClock(InstantSource source, String name) {
    this.source = source;
    this.millis = source.millis();
    this.ticker = new Thread(this::tick, name);
    this.ticker.setDaemon(true);
    this.ticker.start();
  }

  /** A coarse view of {@code source}; the thread is named {@code name}. */
  public static CoarseClock of(InstantSource source, String name) {
    return new CoarseClock(source, name);
  }

  private void tick() {
    while (!closed) {
      millis = source.millis();
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public long millis() {
    return millis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis);
  }

  @Override
  public void close() {
    closed = true;
    ticker.interrupt();
  }
}
