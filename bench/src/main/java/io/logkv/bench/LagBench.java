package io.logkv.bench;

import io.logkv.bench.load.HttpLoad;
import io.logkv.bench.load.LoadResult;
import io.logkv.bench.load.Workload;
import io.logkv.cluster.LocalCluster;
import io.logkv.cluster.NodeProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Replication lag: from a write's acknowledgement by one node to its visibility on every other
 * node. Writes go to n1 at a constant rate; for one write in {@code sampleEvery}, as soon as n1
 * acknowledges it, a read carrying its position (X-Min-Position, which waits until the position is
 * applied) is sent to every other node, and the lag is when the last of them answers. That read's
 * own round trip is in the figure, so the figure is an upper bound; the report gives the round
 * trip of the same read for a position already applied, measured just before.
 */
final class LagBench {
  private static final Pattern POSITION = Pattern.compile("X-Log-Position: ([0-9]+:[0-9]+)");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

  record Result(LoadResult writes, Histogram lag, Histogram probeRoundTrip, long samples, long probeFailures) {}

  private LagBench() {}

  static Result run(LocalCluster cluster, double rate, Duration warmup, Duration duration, int sampleEvery) throws Exception {
    NodeProcess writer = cluster.node(0);
    List<NodeProcess> readers = cluster.nodes().subList(1, cluster.nodes().size());
    URI target = URI.create(writer.url());
    Workload puts = new Workload("/keys/lag-", 10_000, 100, 0, 100);
    HttpLoad load = new HttpLoad(target.getHost(), target.getPort(), 64, puts);
    load.open(rate, warmup.toNanos()); // also puts a record in every partition, for the baseline
    Histogram roundTrip = probeRoundTrip(readers, 2_000);

    Recorder lag = new Recorder(3);
    AtomicLong samples = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    load.onAnswer((n, status, head, due, done) -> {
      if (n % sampleEvery != 0 || status != 200) {
        return;
      }
      Matcher m = POSITION.matcher(head);
      if (!m.find()) {
        return;
      }
      String position = m.group(1);
      CompletableFuture<?>[] probes = readers.stream()
          .map(r -> HTTP.sendAsync(HttpRequest.newBuilder(URI.create(r.url() + "/keys/lag-probe"))
                  .header("X-Min-Position", position).timeout(Duration.ofSeconds(10)).GET().build(),
              HttpResponse.BodyHandlers.discarding()))
          .toArray(CompletableFuture[]::new);
      CompletableFuture.allOf(probes).whenComplete((ok, failure) -> {
        if (failure != null) {
          failures.incrementAndGet();
          return;
        }
        lag.recordValue(Math.max(1, System.nanoTime() - done));
        samples.incrementAndGet();
      });
    });
    LoadResult writes = load.open(rate, duration.toNanos());
    Thread.sleep(1_000); // the last probes
    return new Result(writes, lag.getIntervalHistogram(), roundTrip, samples.get(), failures.get());
  }

  /** The round trip of a position read that does not wait: the floor under every lag sample. */
  private static Histogram probeRoundTrip(List<NodeProcess> readers, int count) throws Exception {
    Histogram h = new Histogram(3);
    for (int i = 0; i < count; i++) {
      long start = System.nanoTime();
      CompletableFuture.allOf(readers.stream()
              .map(r -> HTTP.sendAsync(HttpRequest.newBuilder(URI.create(r.url() + "/keys/lag-probe"))
                      .header("X-Min-Position", "0:0").timeout(Duration.ofSeconds(10)).GET().build(),
                  HttpResponse.BodyHandlers.discarding()))
              .toArray(CompletableFuture[]::new))
          .get();
      if (i >= count / 4) {
        h.recordValue(System.nanoTime() - start);
      }
    }
    return h;
  }
}
