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
 * With the broker gone, writes through nginx are refused by the nodes (503, with their outcome)
 * and reads keep being served from memory: refused writes must not make nginx take the nodes out
 * of rotation for reads.
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

      Map<Integer, Integer> writes = new HashMap<>();
      Map<Integer, Integer> reads = new HashMap<>();
      long end = System.nanoTime() + Duration.ofSeconds(12).toNanos();
      for (int i = 0; System.nanoTime() < end && i < 2_000; i++) {
        writes.merge(Client.put(cluster.url() + "/keys/w" + i, "x").statusCode(), 1, Integer::sum);
        HttpResponse<String> read = Client.get(cluster.url() + "/keys/k" + (i % 10));
        reads.merge(read.statusCode(), 1, Integer::sum);
        if (read.statusCode() == 200) {
          assertThat(read.body()).isEqualTo("v" + (i % 10));
        }
      }
      assertThat(reads).as("reads through nginx while the broker is down").containsOnlyKeys(200);
      assertThat(writes).as("writes through nginx while the broker is down").containsOnlyKeys(503);

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
