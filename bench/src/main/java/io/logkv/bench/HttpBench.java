package io.logkv.bench;

import io.logkv.bench.load.HttpLoad;
import io.logkv.bench.load.LoadResult;
import io.logkv.bench.load.Workload;
import java.net.URI;
import java.time.Duration;

/** One load measurement: a warm-up run that is thrown away, then the measured run. */
final class HttpBench {
  private HttpBench() {}

  /**
   * @param rate requests per second for the open model; 0 for the closed model (max throughput)
   */
  static LoadResult measure(String url, Workload w, int connections, double rate, Duration warmup, Duration duration) {
    URI u = URI.create(url);
    HttpLoad load = new HttpLoad(u.getHost(), u.getPort(), connections, w);
    if (!warmup.isZero()) {
      run(load, rate, warmup);
    }
    return run(load, rate, duration);
  }

  static LoadResult run(HttpLoad load, double rate, Duration duration) {
    return rate > 0 ? load.open(rate, duration.toNanos()) : load.closed(duration.toNanos(), Long.MAX_VALUE);
  }

  /**
   * Writes every key of the workload's key space once (closed model, bounded), so that GETs find
   * values. Request n writes key(n), and n from 0 to keys-1 visits every key exactly once.
   */
  static LoadResult fill(String url, int keys, int valueBytes) {
    URI u = URI.create(url);
    Workload puts = new Workload("/keys/k", keys, valueBytes, 0, 100);
    return new HttpLoad(u.getHost(), u.getPort(), 16, puts).closed(Duration.ofMinutes(5).toNanos(), keys);
  }
}
