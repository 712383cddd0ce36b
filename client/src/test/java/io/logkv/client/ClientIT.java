package io.logkv.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.logkv.cluster.LocalCluster;
import io.logkv.cluster.NodeProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The client against a real cluster: a Kafka broker, three nodes ({@code --write-timeout 2s}) and
 * nginx, as processes. Every test leaves the cluster whole (all nodes ready, writes accepted) for
 * the next.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientIT {
  private static final Duration READY = Duration.ofSeconds(120);
  private static final String KEY_ROUTE = "route=\"/keys/{key}\"";

  private LocalCluster cluster;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() {
    int firstPort = io.logkv.kafkalocal.FreePorts.nextBlock(4);
    // One broker: freezing it is how a test makes a write's outcome unknown (with three, the
    // others would take over, which DurabilityIT and the chaos suite prove).
    cluster = LocalCluster.builder().nodes(3).brokers(1)
        .firstNodePort(firstPort)
        .nginxPort(firstPort + 3)
        .nodeArgs(List.of("--write-timeout", "2s", "--read-wait-timeout", "2s"))
        .nginxReadTimeout(Duration.ofSeconds(3))
        .build().start();
    assertThat(cluster.nginx()).as("nginx must be installed for this test (.ci/run installs it)").isPresent();
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @BeforeEach
  void clusterIsWhole() {
    await().atMost(READY).until(() -> cluster.nodes().stream().allMatch(NodeProcess::isReady));
    try (LogkvClient c = client(nodeUrls())) {
      await().atMost(READY).ignoreExceptions().until(() -> c.put("health", "ok").applied());
    }
  }

  @Test
  @Timeout(120)
  void session_readsItsWritesThroughAnotherNode() {
    try (LogkvClient viaN1 = client(List.of(nodeUrl(0)));
         LogkvClient viaN2 = client(List.of(nodeUrl(1)))) {
      Session session = Session.readYourWrites();
      for (int i = 0; i < 50; i++) {
        Written w = viaN1.put("session-key", "value-" + i, PutOptions.session(session));
        assertThat(session.positions()).contains(w.position());
        Optional<Value> read = viaN2.get("session-key", ReadOptions.session(session));
        assertThat(read).as("read %d through n2", i).map(Value::asString).contains("value-" + i);
        assertThat(read.orElseThrow().version()).isEqualTo(w.position());
      }
      viaN1.delete("session-key", session);
      assertThat(viaN2.get("session-key", ReadOptions.session(session))).isEmpty();
    }
  }

  @Test
  @Timeout(240)
  void aNodeKilledUnderAClientLoop_costsNoError() {
    NodeProcess victim = cluster.node(1);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger ops = new AtomicInteger();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    List<WriteOutcomeUnknownException> unknown = new CopyOnWriteArrayList<>();
    try (LogkvClient client = client(nodeUrls())) {
      Session session = Session.readYourWrites();
      // One thread, bounded by count and time: at most 10,000 operations, 90 s. Each key is written
      // then read back through the next node in turn: with the session, the read must see it.
      CompletableFuture<Void> loop = CompletableFuture.runAsync(() -> {
        Map<String, String> expected = new HashMap<>();
        Set<String> uncertain = new HashSet<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        for (int i = 0; i < 10_000 && !stop.get() && System.nanoTime() < deadline; i++) {
          String key = "loop-" + (i / 2 % 25);
          try {
            if (i % 2 == 0) {
              String value = "v" + i;
              client.put(key, value, PutOptions.session(session));
              expected.put(key, value);
              uncertain.remove(key);
            } else if (!uncertain.contains(key)) {
              Optional<String> read = client.get(key, ReadOptions.session(session)).map(Value::asString);
              if (!read.equals(Optional.ofNullable(expected.get(key)))) {
                errors.add(new AssertionError("read " + key + ": " + read + ", expected " + expected.get(key)));
              }
            }
            ops.incrementAndGet();
          } catch (WriteOutcomeUnknownException e) {
            // The write in flight when the node died: it may or may not be in the log.
            unknown.add(e);
            uncertain.add(key);
          } catch (RuntimeException e) {
            errors.add(e);
          }
        }
      });
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> ops.get() >= 200 || loop.isDone());
        victim.kill();
        int atKill = ops.get();
        await().atMost(Duration.ofSeconds(30)).until(() -> ops.get() >= atKill + 300 || loop.isDone());
        victim.start();
        await().atMost(READY).until(victim::isReady);
        int atReady = ops.get();
        await().atMost(Duration.ofSeconds(30)).until(() -> ops.get() >= atReady + 300 || loop.isDone());
        assertThat(loop).as("the loop ran out of its bounds").isNotDone();
      } finally {
        stop.set(true);
        loop.join();
      }
      assertThat(errors).as("client errors").isEmpty();
      // SIGKILL can cut at most the one write in flight: it is reported as unknown, not retried.
      assertThat(unknown).as("writes of unknown outcome").hasSizeLessThanOrEqualTo(1);
      assertThat(keyRequests(victim)).as("requests the restarted node served").isPositive();
      System.out.printf("kill loop: %d operations, %d unknown outcomes%s%n", ops.get(), unknown.size(),
          unknown.isEmpty() ? "" : " (" + unknown.get(0).getMessage() + ")");
    }
  }

  @Test
  @Timeout(120)
  void aWriteTheBrokerDidNotAcknowledge_isReportedUnknown_andNotRetried() {
    try (LogkvClient client = client(nodeUrls())) {
      client.get("warm-up"); // discovery and connections, before counting
      long before = keyRequestsOnAllNodes();
      cluster.kafka().broker(0).pause();
      try {
        assertThatThrownBy(() -> client.put("unacknowledged", "maybe"))
            .isInstanceOf(WriteOutcomeUnknownException.class)
            .hasMessageContaining("503 log_unavailable (unknown)");
        // A node counts a request once its answer is sent, which the client may see a moment earlier.
        await().atMost(Duration.ofSeconds(10)).until(() -> keyRequestsOnAllNodes() - before >= 1);
        assertThat(keyRequestsOnAllNodes() - before).as("requests the nodes received").isEqualTo(1);
      } finally {
        cluster.kafka().broker(0).resume();
      }
    }
  }

  @Test
  @Timeout(120)
  void everyOperation_throughNginx() {
    try (LogkvClient client = client(List.of(URI.create(cluster.url())))) {
      Session session = Session.monotonicReads();
      Written w = client.put("api/a b", "héllo", PutOptions.session(session));
      assertThat(w.applied()).isTrue();
      Value v = client.get("api/a b", ReadOptions.session(session)).orElseThrow();
      assertThat(v.asString()).isEqualTo("héllo");
      assertThat(v.version()).isEqualTo(w.position());
      assertThat(v.expiresAt()).isEmpty();
      assertThat(client.get("api/a b", ReadOptions.strong())).contains(v);

      Instant beforeTtl = Instant.now();
      client.put("api/ttl", new byte[] {0, (byte) 0xff}, PutOptions.ttl(Duration.ofMinutes(10)));
      Value withTtl = client.get("api/ttl", ReadOptions.strong()).orElseThrow();
      assertThat(withTtl.bytes()).containsExactly(0, 0xff);
      assertThat(withTtl.expiresAt()).hasValueSatisfying(t -> assertThat(t).isAfter(beforeTtl.plusSeconds(500)));
      TtlChanged changed = client.changeTtl("api/ttl", Duration.ofHours(2), session).orElseThrow();
      assertThat(changed.expiresAt()).isAfter(beforeTtl.plusSeconds(7000));
      assertThat(client.get("api/ttl", ReadOptions.session(session)).orElseThrow().expiresAt())
          .contains(changed.expiresAt());
      assertThat(client.changeTtl("api/absent", Duration.ofSeconds(5))).isEmpty();

      for (int i = 0; i < 5; i++) {
        client.put("api/list/" + i, "x", PutOptions.session(session));
      }
      KeyPage first = client.list("api/list/", null, 3);
      assertThat(first.keys()).containsExactly("api/list/0", "api/list/1", "api/list/2");
      KeyPage second = client.list("api/list/", first.next().orElseThrow(), 3);
      assertThat(second.keys()).containsExactly("api/list/3", "api/list/4");
      assertThat(second.next()).isEmpty();

      client.delete("api/a b", session);
      assertThat(client.get("api/a b", ReadOptions.session(session))).isEmpty();
      assertThatThrownBy(() -> client.put("api/big", new byte[2 << 20]))
          .isInstanceOfSatisfying(ClientErrorException.class, e -> {
            assertThat(e.status()).isEqualTo(413);
            assertThat(e.error()).isEqualTo("value_too_large");
          });
      assertThat(client.routesToOwners()).as("this cluster is not sharded").isFalse();
    }
  }

  // ---- helpers

  /**
   * {@code n} consecutive free ports below Linux's ephemeral range (32768 and up). A node killed
   * and started again needs its port back, and nginx binds its port only once the nodes are ready:
   * a port from the ephemeral range may meanwhile be taken by an outgoing connection.
   */
  private static LogkvClient client(List<URI> urls) {
    return LogkvClient.builder().baseUrls(urls).build();
  }

  private URI nodeUrl(int i) {
    return URI.create(cluster.node(i).url());
  }

  private List<URI> nodeUrls() {
    return cluster.nodes().stream().map(n -> URI.create(n.url())).toList();
  }

  private long keyRequestsOnAllNodes() {
    return cluster.nodes().stream().mapToLong(this::keyRequests).sum();
  }

  /** Requests on {@code /keys/{key}} the node has answered, every status, from its /metrics. */
  private long keyRequests(NodeProcess node) {
    try {
      String metrics = http.send(HttpRequest.newBuilder(URI.create(node.url() + "/metrics"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
      return metrics.lines()
          .filter(l -> l.startsWith("logkv_http_requests_total{") && l.contains(KEY_ROUTE))
          .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
          .sum();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
