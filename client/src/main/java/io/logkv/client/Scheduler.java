package io.logkv.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Time as the client sees it: a monotonic clock and delayed continuations. Injected, so tests of
 * the retry rules run on a clock of their own and never sleep.
 */
interface Scheduler {
  /** Monotonic nanoseconds, as {@link System#nanoTime()}. */
  long nanoTime();

  /** Completes after {@code nanos} (at once for 0 or less); never blocks the caller. */
  CompletableFuture<Void> delay(long nanos);

  /**
   * The wall clock's scheduler: {@link System#nanoTime()}, and delayed continuations that run on
   * {@code executor}.
   */
  static Scheduler system(Executor executor) {
    return new Scheduler() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public CompletableFuture<Void> delay(long nanos) {
        if (nanos <= 0) {
          return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(nanos, TimeUnit.NANOSECONDS, executor));
      }
    };
  }
}
