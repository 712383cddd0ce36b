package io.logkv.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    try (LocalCluster cluster = LocalCluster.builder().nodes(2)
        .nodeArgs(List.of("--write-timeout", "2s", "--read-wait-timeout", "2s"))
        .nginxReadTimeout(Duration.ofSeconds(3))
        .build().start()) {
      for (int i = 0; i < 10; i++) {
        assertThat(Client.put(cluster.url() + "/keys/k" + i, "v" + i).statusCode()).isEqualTo(200);
      }
      String last = Client.put(cluster.url() + "/keys/k9", "v9").headers().firstValue("X-Log-Position").orElseThrow();
      for (NodeProcess n : cluster.nodes()) {
        Client.get(n.url() + "/keys/k9", Map.of("X-Min-Position", last));
      }

      cluster.broker().kill();

      // Requests that need Kafka fail while it is away; three threads keep sending them
      // (bounded: 12 s), so that nginx sees every node fail them again and again.
      Map<Integer, Integer> needLog = new java.util.concurrent.ConcurrentHashMap<>();
      long end = System.nanoTime() + Duration.ofSeconds(12).toNanos();
      java.util.concurrent.ExecutorService background = java.util.concurrent.Executors.newFixedThreadPool(3);
      for (int t = 0; t < 3; t++) {
        int thread = t;
        background.submit(() -> {
          for (int i = 0; System.nanoTime() < end && i < 10_000; i++) {
            HttpResponse<String> r = switch ((thread + i) % 3) {
              case 0 -> Client.put(cluster.url() + "/keys/w" + i, "x");
              case 1 -> Client.get(cluster.url() + "/keys/k1?consistency=strong");
              default -> Client.get(cluster.url() + "/keys/k1", Map.of("X-Min-Position", "0:1000000"));
            };
            needLog.merge(r.statusCode(), 1, Integer::sum);
          }
          return null;
        });
      }
      Map<Integer, Integer> reads = new HashMap<>();
      for (int i = 0; System.nanoTime() < end && i < 20_000; i++) {
        HttpResponse<String> read = Client.get(cluster.url() + "/keys/k" + (i % 10));
        reads.merge(read.statusCode(), 1, Integer::sum);
        if (read.statusCode() == 200) {
          assertThat(read.body()).isEqualTo("v" + (i % 10));
        }
        Thread.sleep(5);
      }
      background.shutdown();
      assertThat(background.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(reads).as("plain reads through nginx while the broker is down").containsOnlyKeys(200);
      // A node refuses (503), or nginx, having seen every node refuse within the last 2 s,
      // refuses without trying one (502): never accepted.
      assertThat(needLog.keySet()).as("writes, strong and token reads while the broker is down").isSubsetOf(502, 503);

      cluster.broker().start();
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      int status = 0;
      while (status != 200 && System.nanoTime() < deadline) {
        status = Client.put(cluster.url() + "/keys/after", "back").statusCode();
        Thread.sleep(200);
      }
      assertThat(status).isEqualTo(200);
    }
  }
}
