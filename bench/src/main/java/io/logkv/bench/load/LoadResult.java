package io.logkv.bench.load;

import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * One run: counts, throughput and latency. In the open model {@code latency} is measured from
 * each request's due time (corrected for coordinated omission) and {@code serviceTime} from when
 * it was actually sent; in the closed model both are from the send.
 *
 * @param statuses answers by HTTP status; connection failures count under status 0
 */
public record LoadResult(
    String mode,
    long requests,
    long successes,
    long failures,
    Map<Integer, Long> statuses,
    double seconds,
    double targetRate,
    Histogram latency,
    Histogram serviceTime) {

  public double throughput() {
    return seconds > 0 ? requests / seconds : 0;
  }

  /** Latency at {@code percentile} (0..100), in milliseconds. */
  public double latencyMillis(double percentile) {
    return latency.getTotalCount() == 0 ? Double.NaN : latency.getValueAtPercentile(percentile) / 1e6;
  }

  static Map<Integer, Long> sorted(Map<Integer, Long> statuses) {
    return new TreeMap<>(statuses);
  }
}
