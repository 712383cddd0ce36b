package io.logkv.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** A real broker, three real nodes and real nginx: the cluster users get from `up`. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalClusterIT {
  private LocalCluster cluster;

  @BeforeAll
  void start() {
    cluster = LocalCluster.builder().nodes(3).build().start();
    assertThat(cluster.nginx()).as("nginx must be installed for this test (.ci/run installs it)").isPresent();
  }

  @AfterAll
  void stop() {
    cluster.close();
    assertThat(cluster.dataDir()).doesNotExist();
  }

  @Test
  void putThroughNginx_isReadableOnEveryNodeDirectly() throws Exception {
    HttpResponse<String> put = Client.put(cluster.url() + "/keys/through-nginx", "hello");
    assertThat(put.statusCode()).isEqualTo(200);
    String position = put.headers().firstValue("X-Log-Position").orElseThrow();
    for (NodeProcess node : cluster.nodes()) {
      HttpResponse<String> get = Client.get(node.url() + "/keys/through-nginx", Map.of("X-Min-Position", position));
      assertThat(get.statusCode()).as(node.id()).isEqualTo(200);
      assertThat(get.body()).isEqualTo("hello");
    }
    HttpResponse<String> health = Client.get(cluster.url() + "/nginx-health");
    assertThat(health.statusCode()).isEqualTo(200);
  }

  @Test
  void renderedConfig_leavesNoPlaceholder_andRoundRobinsOverEveryNode() throws Exception {
    String config = java.nio.file.Files.readString(cluster.nginx().orElseThrow().config());
    assertThat(config).doesNotContain("${LOGKV_");
    for (NodeProcess n : cluster.nodes()) {
      assertThat(config).contains("server 127.0.0.1:" + n.port());
    }
    // Six reads through nginx reach more than one node.
    java.util.Set<String> answered = new java.util.HashSet<>();
    for (int i = 0; i < 6; i++) {
      answered.add(Client.get(cluster.url() + "/status").body().replaceAll(".*\"node_id\":\"([^\"]+)\".*", "$1"));
    }
    assertThat(answered).hasSizeGreaterThan(1);
  }

  @Test
  @Timeout(420)
  void sigkillOfOneNode_underLoadThroughNginx_failsNoRequest() throws Exception {
    NodeProcess victim = cluster.node(1);
    ExecutorService clients = Executors.newFixedThreadPool(4);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger ok = new AtomicInteger();
    Map<String, Integer> failures = new ConcurrentHashMap<>();
    List<Future<?>> workers = new ArrayList<>();
    // A safety bound: the test stops the load itself once it has seen enough operations.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    for (int t = 0; t < 4; t++) {
      int thread = t;
      workers.add(clients.submit(() -> {
        // Bounded by count and by time: at most 5,000 operations per thread, 300 s in all.
        for (int i = 0; i < 5_000 && !stop.get() && System.nanoTime() < deadline; i++) {
          String key = cluster.url() + "/keys/load-" + thread + "-" + (i % 50);
          String method = i % 10 == 9 ? "DELETE" : i % 2 == 0 ? "PUT" : "GET";
          try {
            HttpResponse<String> r = Client.send(method, key, method.equals("PUT") ? "v" + i : null, Map.of());
            int s = r.statusCode();
            if (s == 200 || s == 202 || s == 204 || (s == 404 && method.equals("GET"))) {
              ok.incrementAndGet();
            } else {
              failures.merge(method + " " + s + " " + r.body(), 1, Integer::sum);
            }
          } catch (Exception e) {
            failures.merge(method + " " + e, 1, Integer::sum);
          }
        }
      }));
    }
    awaitOk(ok, 300);
    victim.kill();
    int atKill = ok.get();
    awaitOk(ok, atKill + 1_000);
    victim.start().awaitReady(java.time.Duration.ofSeconds(90));
    int atRestart = ok.get();
    awaitOk(ok, atRestart + 300);
    stop.set(true);
    for (Future<?> w : workers) {
      w.get(60, TimeUnit.SECONDS);
    }
    clients.shutdown();

    assertThat(failures).as("client-visible failures").isEmpty();
    assertThat(ok.get()).isGreaterThan(atRestart);
    // The restarted node replayed the log and agrees with the others.
    String lastWrite = Client.put(cluster.url() + "/keys/after-load", "x").headers().firstValue("X-Log-Position").orElseThrow();
    List<String> digests = new ArrayList<>();
    for (NodeProcess n : cluster.nodes()) {
      for (int p = 0; p < 6; p++) {
        Client.get(n.url() + "/keys/load-0-" + p + "?consistency=strong");
      }
      Client.get(n.url() + "/keys/after-load", Map.of("X-Min-Position", lastWrite));
      digests.add(Client.get(n.url() + "/admin/digest").body().replaceAll("\"node_id\":\"[^\"]+\",", ""));
    }
    assertThat(digests).containsOnly(digests.get(0));
  }

  /** Waits until {@code target} operations succeeded; fails the test if they do not within 2 minutes (a loaded 2-core machine has managed only a few per second). */
  private static void awaitOk(AtomicInteger ok, int target) {
    await("at least " + target + " successful operations").atMost(Duration.ofSeconds(120)).until(() -> ok.get() >= target);
  }
}
