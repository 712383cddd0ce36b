package io.logkv.bench;

import io.logkv.bench.load.HttpLoad;
import io.logkv.bench.load.LoadResult;
import io.logkv.bench.load.Workload;
import io.logkv.cluster.NodeProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/** One load measurement: a warm-up run that is thrown away, then the measured run. */
final class HttpBench {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

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
    LoadResult r = new HttpLoad(u.getHost(), u.getPort(), 16, puts).closed(Duration.ofMinutes(5).toNanos(), keys);
    if (r.failures() > 0 || r.requests() < keys) {
      throw new IllegalStateException("filling " + keys + " keys at " + url + " failed: " + r.requests() + " requests, "
          + r.failures() + " failures " + r.statuses());
    }
    return r;
  }

  /** Waits until every node holds {@code keys} keys (per its /status); fails after {@code timeout}. */
  static void awaitKeys(List<NodeProcess> nodes, long keys, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (NodeProcess node : nodes) {
      long held = -1;
      while ((held = keys(node)) != keys) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(node.id() + " holds " + held + " keys after " + timeout.toSeconds() + " s, not " + keys);
        }
        LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
      }
    }
  }

  private static long keys(NodeProcess node) {
    try {
      String body = HTTP.send(HttpRequest.newBuilder(URI.create(node.url() + "/status")).timeout(Duration.ofSeconds(5)).GET()
          .build(), HttpResponse.BodyHandlers.ofString()).body();
      return ((Number) Results.JSON.readValue(body, Map.class).get("keys")).longValue();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
