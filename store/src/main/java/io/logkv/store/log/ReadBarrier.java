package io.logkv.store.log;

import io.logkv.store.record.Position;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The waits a read may need before it is served from memory: until positions are applied here (a
 * client's read-your-writes token) and until the end of the key's partition as of now is applied
 * (a strong read). Every wait is bounded and parks no thread: a timed-out waiter is removed at
 * once, and the read fails with {@link WaitTimedOutException}.
 */
public final class ReadBarrier {
  private final AppliedPositions positions;
  private final EndOffsets endOffsets;
  private final long timeoutMillis;

  public ReadBarrier(AppliedPositions positions, EndOffsets endOffsets, long timeoutMillis) {
    this.positions = positions;
    this.endOffsets = endOffsets;
    this.timeoutMillis = timeoutMillis;
  }

  /**
   * Null when the read may be served at once, else a future that completes when it may.
   *
   * @param tokens positions the reader has seen (its X-Min-Position), possibly empty
   * @param strongPartition the key's partition for a strong read, or -1
   * @throws IllegalArgumentException when a token names a partition the topic does not have
   */
  public CompletableFuture<Void> await(List<Position> tokens, int strongPartition) {
    List<CompletableFuture<Void>> waits = new ArrayList<>();
    for (Position p : tokens) {
      if (p.partition() >= positions.partitions()) {
        throw new IllegalArgumentException(
            "X-Min-Position names partition " + p.partition() + " but the log has " + positions.partitions());
      }
      if (!positions.isApplied(p)) {
        waits.add(applied(p, timeoutMillis));
      }
    }
    if (strongPartition >= 0) {
      waits.add(endOfPartition(strongPartition));
    }
    if (waits.isEmpty()) {
      return null;
    }
    return CompletableFuture.allOf(waits.toArray(new CompletableFuture<?>[0]));
  }

  /** Applied here: everything in {@code partition} as of now (its end offset, asked now). */
  public CompletableFuture<Void> endOfPartition(int partition) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    CompletableFuture<Void> strong =
        endOffsets.of(partition).thenCompose(end -> {
          if (end == 0) {
            return CompletableFuture.<Void>completedFuture(null);
          }
          long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
          return applied(new Position(partition, end - 1), Math.max(1, left));
        });
    return bounded(strong, timeoutMillis, "the end of partition " + partition + " (strong read)");
  }

  private CompletableFuture<Void> applied(Position p, long waitMillis) {
    return bounded(positions.whenApplied(p, waitMillis), waitMillis, "position " + p + " to be applied on this node");
  }

  /** {@code future} bounded in time; a timeout becomes a {@link WaitTimedOutException} naming what was awaited. */
  private static <T> CompletableFuture<T> bounded(CompletableFuture<T> future, long timeoutMillis, String what) {
    return future
        .orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .exceptionally(failure -> {
          Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
          if (t instanceof TimeoutException) {
            throw new CompletionException(new WaitTimedOutException("waited " + timeoutMillis + " ms for " + what));
          }
          throw failure instanceof CompletionException c ? c : new CompletionException(failure);
        });
  }
}
