package io.logkv.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * {@code up --nodes 4 --replicas 2}: nginx (with its njs module) sends each key straight to an
 * owner, so no node has to forward; every node is killed in turn under load with no client error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShardedClusterIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private LocalCluster cluster;

  @BeforeAll
  void start() {
    cluster = LocalCluster.builder().nodes(4).replicas(2).partitions(24).brokers(1).build().start();
    assertThat(cluster.nginx()).as("nginx must be installed (.ci/run installs it)").isPresent();
    assertThat(Nginx.njsModule()).as("the njs module (libnginx-mod-http-js, .ci/run installs it)").isPresent();
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  @Test
  @Order(1)
  void nginxRoutesEveryKeyToAnOwner_soNoNodeForwards() throws Exception {
    long before = forwarded();
    for (int i = 0; i < 200; i++) {
      String key = cluster.url() + "/keys/routed-" + i + (i % 3 == 0 ? "%2Fslash" : "");
      HttpResponse<String> put = Client.put(key, "v" + i);
      assertThat(put.statusCode()).isEqualTo(200);
      // Either owner may serve the read: ask for this write's position (read-your-writes).
      HttpResponse<String> get =
          Client.get(key, Map.of("X-Min-Position", put.headers().firstValue("X-Log-Position").orElseThrow()));
      assertThat(get.body()).isEqualTo("v" + i);
      assertThat(get.headers().firstValue("X-Forwarded-By")).as("served by an owner, not forwarded").isEmpty();
    }
    assertThat(forwarded() - before).as("requests the nodes had to forward").isZero();
    // Each node holds about half of the keys (R 2 of 4), not all of them.
    for (NodeProcess n : cluster.nodes()) {
      long keys = json(Client.get(n.url() + "/status", Map.of()).body()).get("keys").asLong();
      assertThat(keys).isBetween(40L, 170L);
    }
  }

  @Test
  @Order(2)
  @Timeout(300)
  void sigkillOfAnyNode_underLoadThroughNginx_costsNoClientError() throws Exception {
    // Two of the four, one at a time: every node holds, forwards and restarts the same way, and
    // killing the other two as well (about 40 s more) pushed mvn verify towards its 20 minutes.
    for (int victim : new int[] {0, 2}) {
      NodeProcess node = cluster.node(victim);
      ExecutorService clients = Executors.newFixedThreadPool(3);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger ok = new AtomicInteger();
      Map<String, Integer> failures = new ConcurrentHashMap<>();
      List<Future<?>> workers = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      for (int t = 0; t < 3; t++) {
        int thread = t;
        workers.add(clients.submit(() -> {
          for (int i = 0; i < 3_000 && !stop.get() && System.nanoTime() < deadline; i++) {
            String url = cluster.url() + "/keys/load-" + thread + "-" + (i % 40);
            boolean put = i % 2 == 0;
            try {
              HttpResponse<String> r = put ? Client.put(url, "v" + i) : Client.get(url, Map.of());
              int s = r.statusCode();
              if (s == 200 || (!put && s == 404)) {
                ok.incrementAndGet();
              } else {
                failures.merge((put ? "PUT " : "GET ") + s + " " + r.body(), 1, Integer::sum);
              }
            } catch (Exception e) {
              failures.merge(e.toString(), 1, Integer::sum);
            }
          }
        }));
      }
      int target = ok.get() + 100;
      await().atMost(Duration.ofSeconds(60)).until(() -> ok.get() >= target);
      node.kill();
      int atKill = ok.get();
      await().atMost(Duration.ofSeconds(60)).until(() -> ok.get() >= atKill + 300);
      node.start().awaitReady(Duration.ofSeconds(90));
      stop.set(true);
      for (Future<?> w : workers) {
        w.get(60, TimeUnit.SECONDS);
      }
      clients.shutdown();
      assertThat(failures).as("client errors while n%d was killed", victim + 1).isEmpty();
    }
  }

  private long forwarded() throws Exception {
    long sum = 0;
    for (NodeProcess n : cluster.nodes()) {
      sum += json(Client.get(n.url() + "/status", Map.of()).body()).at("/cluster/forwarded_requests").asLong();
    }
    return sum;
  }

  private static JsonNode json(String body) throws Exception {
    return JSON.readTree(body);
  }
}
