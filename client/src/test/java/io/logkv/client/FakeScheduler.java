package io.logkv.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when the client waits: each wait is recorded and passes at once. */
final class FakeScheduler implements Scheduler {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final List<Duration> waits = new CopyOnWriteArrayList<>();

  @Override
  public long nanoTime() {
    return now.get();
  }

  @Override
  public CompletableFuture<Void> delay(long nanos) {
    if (nanos > 0) {
      waits.add(Duration.ofNanos(nanos));
      now.addAndGet(nanos);
    }
    return CompletableFuture.completedFuture(null);
  }

  /** Every wait the client asked for, in order. */
  List<Duration> waits() {
    return List.copyOf(waits);
  }
}
