package io.logkv.store.log;

/**
 * A source of elapsed time in nanoseconds (Caffeine's {@code Ticker}): the node measures how long
 * it has not heard from the broker and how stale its copy may be with it, apart from the wall
 * clock that decides expiry, so that a test can move one without the other.
 */
@FunctionalInterface
public interface Ticker {
  long nanos();

  static Ticker system() {
    return System::nanoTime;
  }
}
