package io.logkv.store.http;

import io.logkv.store.log.AppliedPositions;
import io.logkv.store.log.EndOffsets;
import io.logkv.store.log.Position;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The waits a read or write may need before it answers: until positions are applied here (a
 * client's read-your-writes token, a write's own position) or until the end of a partition as of
 * now is applied (a strong read). Every wait is bounded and parks no thread: a timed-out waiter is
 * removed at once.
 */
final class Waits {
  private final AppliedPositions positions;
  private final EndOffsets endOffsets;

  Waits(AppliedPositions positions, EndOffsets endOffsets) {
    this.positions = positions;
    this.endOffsets = endOffsets;
  }

  /** Applied here within {@code timeoutMillis}, else a 503 wait_timed_out. */
  CompletableFuture<Void> applied(Position p, long timeoutMillis) {
    return bounded(positions.whenApplied(p, timeoutMillis), timeoutMillis, "position " + p + " to be applied on this node");
  }

  /**
   * The read barrier of a GET: null when the read may be served at once, else a future that
   * completes when it may.
   *
   * @param minPositions the X-Min-Position header, or null
   * @param strongPartition the key's partition for a strong read, or -1
   */
  CompletableFuture<Void> readBarrier(String minPositions, int strongPartition, long timeoutMillis) {
    List<CompletableFuture<Void>> waits = new ArrayList<>();
    if (minPositions != null) {
      List<Position> tokens;
      try {
        tokens = Position.parseList(minPositions);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("bad_position", "X-Min-Position: " + e.getMessage());
      }
      for (Position p : tokens) {
        if (p.partition() >= positions.partitions()) {
          throw ApiException.badRequest(
              "bad_position", "X-Min-Position names partition " + p.partition() + " but the log has "
                  + positions.partitions());
        }
        if (!positions.isApplied(p)) {
          waits.add(applied(p, timeoutMillis));
        }
      }
    }
    if (strongPartition >= 0) {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
      CompletableFuture<Void> strong =
          endOffsets
              .of(strongPartition)
              .thenCompose(
                  end -> {
                    if (end == 0) {
                      return CompletableFuture.<Void>completedFuture(null);
                    }
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    return applied(new Position(strongPartition, end - 1), Math.max(1, left));
                  });
      waits.add(bounded(strong, timeoutMillis, "the end of partition " + strongPartition + " (strong read)"));
    }
    if (waits.isEmpty()) {
      return null;
    }
    return CompletableFuture.allOf(waits.toArray(new CompletableFuture<?>[0]));
  }

  /** {@code future} bounded in time; a timeout becomes a 503 that names what was awaited. */
  static <T> CompletableFuture<T> bounded(CompletableFuture<T> future, long timeoutMillis, String what) {
    return future
        .orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .exceptionally(
            failure -> {
              Throwable t = Responses.unwrap(failure);
              if (t instanceof TimeoutException) {
                throw new CompletionException(
                    ApiException.unavailable("wait_timed_out", "waited " + timeoutMillis + " ms for " + what));
              }
              throw failure instanceof CompletionException c ? c : new CompletionException(failure);
            });
  }
}
