package io.logkv.chaos.report;

import io.logkv.chaos.history.History;
import io.logkv.chaos.history.Operation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A history cut into fixed buckets by completion time: operations answered OK per second and the
 * 99th percentile latency of every operation completed in the bucket (OK or not, so a hang shows).
 */
public record Timeline(long bucketMillis, List<Bucket> buckets) {

  /**
   * @param startSeconds the bucket's start, in seconds since the history's origin
   * @param okPerSecond OK operations completed in it, per second
   * @param completed every operation completed in it
   * @param p99Millis the 99th percentile latency of those, NaN when none
   */
  public record Bucket(double startSeconds, double okPerSecond, int completed, double p99Millis) {}

  public Timeline {
    buckets = List.copyOf(buckets);
  }

  public static Timeline of(History history, long bucketMillis) {
    List<Operation> ops = history.operations();
    long origin = history.originNanos();
    long width = bucketMillis * 1_000_000L;
    long last = ops.stream().mapToLong(Operation::completeNanos).max().orElse(origin);
    int n = (int) ((last - origin) / width) + 1;
    List<List<Long>> latencies = new ArrayList<>();
    int[] ok = new int[n];
    for (int i = 0; i < n; i++) {
      latencies.add(new ArrayList<>());
    }
    for (Operation op : ops) {
      int b = (int) Math.max(0, (op.completeNanos() - origin) / width);
      latencies.get(b).add(op.completeNanos() - op.invokeNanos());
      if (op.isOk()) {
        ok[b]++;
      }
    }
    List<Bucket> buckets = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      List<Long> l = latencies.get(i);
      buckets.add(new Bucket(i * bucketMillis / 1000.0, ok[i] * 1000.0 / bucketMillis, l.size(), p99Millis(l)));
    }
    return new Timeline(bucketMillis, buckets);
  }

  /** The 99th percentile (nearest rank) of {@code nanos}, in milliseconds; NaN when empty. */
  static double p99Millis(List<Long> nanos) {
    if (nanos.isEmpty()) {
      return Double.NaN;
    }
    long[] sorted = nanos.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(0.99 * sorted.length) - 1;
    return sorted[Math.max(0, rank)] / 1e6;
  }
}
