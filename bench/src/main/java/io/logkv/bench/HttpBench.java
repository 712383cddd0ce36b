package io.logkv.bench;

import io.logkv.bench.load.HttpLoad;
import io.logkv.bench.load.LoadResult;
import io.logkv.bench.load.Workload;
import io.logkv.client.LogkvClient;
import io.logkv.cluster.NodeProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
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
   * Writes every key of the workload's key space once ({@code /keys/k0} to {@code k<keys-1>}), so
   * that GETs find values. It goes through the client library, 16 writes in flight: a write the
   * node refused before the log (503 not_applied, e.g. while a broker's follower catches up on a
   * loaded machine) is made again, as any client would; a write whose outcome is unknown fails the
   * fill.
   */
  static void fill(String url, int keys, int valueBytes) {
    byte[] value = new byte[valueBytes];
    Arrays.fill(value, (byte) 'v');
    int inFlight = 16;
    Semaphore slots = new Semaphore(inFlight);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    try (LogkvClient client = LogkvClient.builder().baseUrls(url).retryBudget(Duration.ofSeconds(30)).build()) {
      for (int i = 0; i < keys && failure.get() == null; i++) {
        slots.acquireUninterruptibly();
        client.putAsync("k" + i, value).whenComplete((written, e) -> {
          if (e != null) {
            failure.compareAndSet(null, e);
          }
          slots.release();
        });
      }
      slots.acquireUninterruptibly(inFlight);
    }
    if (failure.get() != null) {
      throw new IllegalStateException("filling " + keys + " keys at " + url + " failed: " + failure.get().getMessage(),
          failure.get());
    }
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
