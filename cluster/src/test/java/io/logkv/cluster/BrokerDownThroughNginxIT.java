package io.logkv.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With the broker gone, writes and strong reads through nginx are refused and plain reads keep
 * being served from memory: the refusals must not make nginx take the nodes out of rotation for
 * plain reads.
 */
class BrokerDownThroughNginxIT {

  @Test
  @Timeout(240)
  void brokerDown_writesGetTheNodes503_andReadsThroughNginxGoOn() throws Exception {
    try (LocalCluster cluster = LocalCluster.builder().nodes(2).brokers(1)
        .nodeArgs(List.of("--write-timeout", "2s", "--read-wait-timeout", "2s"))
        .nginxReadTimeout(Duration.ofSeconds(3))
        .build().start()) {
      for (int i = 0; i < 10; i++) {
        putUntilOk(cluster.url() + "/keys/k" + i, "v" + i);
      }
      String last = putUntilOk(cluster.url() + "/keys/k9", "v9").headers().firstValue("X-Log-Position").orElseThrow();
      // A token read waits only for the key's own partition: the token names k1's partition, far ahead.
      String k1Partition = putUntilOk(cluster.url() + "/keys/k1", "v1").headers().firstValue("X-Log-Position")
          .orElseThrow().split(":")[0];
      String unreachable = k1Partition + ":1000000";
      for (NodeProcess n : cluster.nodes()) {
        assertThat(Client.get(n.url() + "/keys/k9", Map.of("X-Min-Position", last)).statusCode()).isEqualTo(200);
      }

      cluster.kafka().killAll();

      // Requests that need Kafka fail while it is away; three threads keep sending them
      // (bounded: 12 s and 10,000 requests each), so that nginx sees every node fail them again and again.
      Map<Integer, Integer> needLog = new ConcurrentHashMap<>();
      long end = System.nanoTime() + Duration.ofSeconds(12).toNanos();
      ExecutorService background = Executors.newFixedThreadPool(3);
      List<Future<?>> senders = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        int thread = t;
        senders.add(background.submit(() -> {
          for (int i = 0; System.nanoTime() < end && i < 10_000; i++) {
            HttpResponse<String> r = switch ((thread + i) % 3) {
              case 0 -> Client.send("PUT", cluster.url() + "/keys/w" + i, "x", Map.of()); // no retry: the refusal is the point
              case 1 -> Client.get(cluster.url() + "/keys/k1?consistency=strong");
              default -> Client.get(cluster.url() + "/keys/k1", Map.of("X-Min-Position", unreachable));
            };
            needLog.merge(r.statusCode(), 1, Integer::sum);
          }
          return null;
        }));
      }
      Map<Integer, Integer> reads = new HashMap<>();
      for (int i = 0; System.nanoTime() < end && i < 20_000; i++) {
        HttpResponse<String> read = Client.get(cluster.url() + "/keys/k" + (i % 10));
        reads.merge(read.statusCode(), 1, Integer::sum);
        if (read.statusCode() == 200) {
          assertThat(read.body()).isEqualTo("v" + (i % 10));
        }
      }
      for (Future<?> sender : senders) {
        sender.get(60, TimeUnit.SECONDS); // rethrows what a sender threw
      }
      background.shutdown();
      assertThat(reads.values().stream().mapToInt(Integer::intValue).sum()).as("plain reads sent").isGreaterThan(100);
      assertThat(reads).as("plain reads through nginx while the broker is down").containsOnlyKeys(200);
      assertThat(needLog.values().stream().mapToInt(Integer::intValue).sum())
          .as("writes, strong and token reads sent").isGreaterThan(10);
      // A node refuses (503), or nginx, having seen every node refuse within the last 2 s,
      // refuses without trying one (502): never accepted.
      assertThat(needLog.keySet()).as("writes, strong and token reads while the broker is down").isSubsetOf(502, 503);

      cluster.kafka().startStopped();
      await("a write through nginx is accepted again").atMost(Duration.ofSeconds(90))
          .until(() -> Client.put(cluster.url() + "/keys/after", "back").statusCode() == 200);
    }
  }

  /**
   * The setup's writes, made again until one answers 200: on a loaded machine the first writes of
   * a new cluster can time out, and nginx then answers 502 for a while. Writing the same value to
   * the same key again changes nothing the test looks at.
   */
  private static HttpResponse<String> putUntilOk(String url, String body) {
    java.util.concurrent.atomic.AtomicReference<HttpResponse<String>> ok = new java.util.concurrent.atomic.AtomicReference<>();
    await("a 200 for PUT " + url).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
        .until(() -> {
          HttpResponse<String> r = Client.send("PUT", url, body, Map.of());
          ok.set(r);
          return r.statusCode() == 200;
        });
    return ok.get();
  }
}
