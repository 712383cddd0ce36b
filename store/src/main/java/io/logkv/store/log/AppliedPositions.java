package io.logkv.store.log;

import io.logkv.store.record.Position;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How far this node has applied each partition, and the requests waiting for a position.
 *
 * <p>Concurrency: one writer (the applier thread calls {@link #advance}) and any number of
 * waiters. A waiter is registered in a lock-free sorted set and then re-checks the applied offset,
 * so an advance that races the registration is never missed: either the advance sees the waiter in
 * the set, or the waiter sees the advance. Completing a waiter only completes its future; the
 * caller decides on which thread to continue, so the applier never runs request code.
 */
public final class AppliedPositions {
  private final AtomicLongArray nextOffset;
  private final ConcurrentSkipListSet<Waiter>[] waiters;
  private final AtomicLong sequence = new AtomicLong();

  @SuppressWarnings("unchecked")
  public AppliedPositions(int partitions) {
    this.nextOffset = new AtomicLongArray(partitions);
    this.waiters = new ConcurrentSkipListSet[partitions];
    for (int p = 0; p < partitions; p++) {
      waiters[p] = new ConcurrentSkipListSet<>();
    }
  }

  public int partitions() {
    return nextOffset.length();
  }

  /** The next offset to apply in {@code partition}: every record below it has been applied. */
  public long nextOffset(int partition) {
    return nextOffset.get(partition);
  }

  public boolean isApplied(Position p) {
    return p.partition() < partitions() && nextOffset.get(p.partition()) > p.offset();
  }

  /**
   * Applier thread only: records below {@code next} in {@code partition} are applied. Wakes the
   * waiters that this satisfies. Never moves backwards.
   */
  public void advance(int partition, long next) {
    if (next <= nextOffset.get(partition)) {
      return;
    }
    nextOffset.set(partition, next);
    ConcurrentSkipListSet<Waiter> set = waiters[partition];
    Waiter first;
    while ((first = firstOrNull(set)) != null && first.offset < next) {
      if (set.remove(first)) {
        first.future.complete(null);
      }
    }
  }

  /**
   * Applier thread only: sets every partition's offset without waking anyone, also backwards. At
   * start-up (before any waiter exists) and before a rebuild, when the node has turned unready
   * and replays the log again; waiters stay registered and are woken as replay passes them.
   */
  public void reset(long[] next) {
    for (int p = 0; p < next.length; p++) {
      nextOffset.set(p, next[p]);
    }
  }

  /**
   * A future completed once {@code position} is applied, or failed with a {@link TimeoutException}
   * after {@code timeoutMillis}. A timed-out waiter leaves the set before the failure is visible to
   * anything chained on the returned future, so a request answered "timed out" holds no waiter.
   *
   * @throws IllegalArgumentException if the partition does not exist in this topic
   */
  public CompletableFuture<Void> whenApplied(Position position, long timeoutMillis) {
    if (position.partition() >= partitions()) {
      throw new IllegalArgumentException(
          "partition " + position.partition() + " does not exist (the topic has " + partitions() + ")");
    }
    if (isApplied(position)) {
      return CompletableFuture.completedFuture(null);
    }
    Waiter w = new Waiter(position.offset(), sequence.incrementAndGet(), new CompletableFuture<>());
    ConcurrentSkipListSet<Waiter> set = waiters[position.partition()];
    set.add(w);
    if (isApplied(position) && set.remove(w)) {
      w.future.complete(null);
    }
    // whenComplete returns a new stage that completes only after the removal has run.
    return w.future
        .orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .whenComplete(
            (ok, failure) -> {
              if (failure != null) {
                set.remove(w);
              }
            });
  }

  /** Waiters registered and not yet woken or timed out, for metrics. */
  public int pendingWaiters() {
    int n = 0;
    for (ConcurrentSkipListSet<Waiter> set : waiters) {
      n += set.size();
    }
    return n;
  }

  public long[] snapshot() {
    long[] copy = new long[partitions()];
    for (int p = 0; p < copy.length; p++) {
      copy[p] = nextOffset.get(p);
    }
    return copy;
  }

  /** {@code 0:12,1:7,...}: the next offset to apply in each partition. */
  public String describe() {
    return describe(snapshot());
  }

  public static String describe(long[] offsets) {
    StringBuilder s = new StringBuilder();
    for (int p = 0; p < offsets.length; p++) {
      s.append(p == 0 ? "" : ",").append(p).append(':').append(offsets[p]);
    }
    return s.toString();
  }

  private static Waiter firstOrNull(ConcurrentSkipListSet<Waiter> set) {
    try {
      return set.first();
    } catch (java.util.NoSuchElementException e) {
      return null;
    }
  }

  private record Waiter(long offset, long seq, CompletableFuture<Void> future)
      implements Comparable<Waiter> {
    @Override
    public int compareTo(Waiter o) {
      int c = Long.compare(offset, o.offset);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
