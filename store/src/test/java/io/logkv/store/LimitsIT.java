package io.logkv.store;

import static io.logkv.store.ReplicationIT.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.logkv.kafkalocal.ChildProcess;
import io.logkv.kafkalocal.FreePorts;
import io.logkv.kafkalocal.KafkaBroker;
import io.logkv.kafkalocal.TempDirs;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Bad or greedy clients cannot exhaust a node, over real sockets, against node processes with a
 * small heap that exit on OutOfMemoryError: bodies are buffered as they arrive, not as declared;
 * body bytes in flight, open connections and writes awaiting the brokers are capped and refused
 * with 503 beyond the cap; and all the while the node keeps answering other clients' GETs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LimitsIT {
  private static final Path JAR = Path.of(System.getProperty("logkv.store.jar", "target/logkv-store.jar"));
  private final Path dir = TempDirs.create("logkv-limits");
  private KafkaBroker broker;
  private final List<ChildProcess> nodes = new ArrayList<>();

  @BeforeAll
  void startBroker() {
    // A broker of its own: one test pauses it.
    broker = KafkaBroker.builder(dir.resolve("kafka")).build().start();
  }

  @AfterAll
  void stop() {
    nodes.forEach(ChildProcess::kill);
    broker.resume();
    broker.close();
    TempDirs.deleteRecursively(dir);
  }

  /** A node process with a 128 MiB heap that exits on OutOfMemoryError; returns its URL. */
  private String node(String id, String... options) {
    int port = FreePorts.next();
    List<String> args = new ArrayList<>(List.of("--bootstrap-servers", broker.bootstrapServers(), "--topic", "limits",
        "--port", Integer.toString(port), "--node-id", id, "--data-dir", dir.resolve("nodes").toString(),
        "--snapshot-interval", "off"));
    args.addAll(List.of(options));
    ChildProcess node = ChildProcess.java(id, List.of("-Xmx128m", "-XX:+ExitOnOutOfMemoryError"),
        JAR.toAbsolutePath() + java.io.File.pathSeparator + ChildProcess.parentWatchLocation(), Main.class.getName(),
        args, dir.resolve(id + ".log"));
    nodes.add(node);
    node.start();
    String url = "http://127.0.0.1:" + port;
    await(id + " ready").atMost(Duration.ofSeconds(90)).ignoreExceptions()
        .failFast(id + " exited", () -> !node.isAlive())
        .until(() -> Http.get(url + "/health/ready").statusCode() == 200);
    assertThat(Http.put(url + "/keys/existing", "v").statusCode()).isEqualTo(200);
    return url;
  }

  @Test
  @Timeout(180)
  void twoThousandConnectionsDeclaringAMebibyteAndSendingNothing_doNotRunTheHeapOut() {
    String url = node("idle-bodies");
    int port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
    List<RawHttp> greedy = new ArrayList<>();
    try {
      // 2,000 x 1 MiB declared would be 2 GiB if buffers were sized from Content-Length.
      for (int i = 0; i < 2_000; i++) {
        greedy.add(new RawHttp(port).send("PUT /keys/greedy-" + i + " HTTP/1.1\r\nHost: x\r\n"
            + "Content-Length: 1048576\r\n\r\n"));
      }
      for (int i = 0; i < 50; i++) {
        HttpResponse<String> get = Http.get(url + "/keys/existing");
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo("v");
      }
      assertThat(nodes.get(nodes.size() - 1).isAlive()).as("the node is still running").isTrue();
    } finally {
      greedy.forEach(RawHttp::close);
    }
    assertThat(Http.get(url + "/keys/greedy-1").statusCode()).isEqualTo(404); // nothing was written
  }

  @Test
  @Timeout(180)
  void bodyBytesInFlight_areCapped_andTheExcessIsRefusedWith503() {
    String url = node("body-cap", "--max-inflight-body-bytes", "4MiB");
    int port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
    byte[] almostAMebibyte = new byte[1_000_000];
    List<RawHttp> slow = new ArrayList<>();
    try {
      List<Integer> refused = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        // Each declares one byte more than it sends: its body never completes.
        RawHttp c = new RawHttp(port).send("PUT /keys/slow-" + i + " HTTP/1.1\r\nHost: x\r\nContent-Length: "
            + (almostAMebibyte.length + 1) + "\r\n\r\n").send(almostAMebibyte);
        slow.add(c);
        if (i >= 4) {
          String response = c.readResponse(Duration.ofSeconds(10));
          if (RawHttp.status(response) == 503) {
            assertThat(response).contains("\"overloaded\"");
            assertThat(response).as("a refused PUT says it was not applied").contains("\"outcome\":\"not_applied\"");
            refused.add(i);
          }
        }
        assertThat(Http.get(url + "/keys/existing").statusCode()).as("a GET while %d bodies are held", i + 1)
            .isEqualTo(200);
      }
      assertThat(refused).as("bodies past the 4 MiB in flight are refused").isNotEmpty();
      String metrics = Http.get(url + "/metrics").body();
      assertThat(metrics).contains("logkv_http_bodies_refused_total");
      assertThat(inflightBodyBytes(metrics)).isLessThanOrEqualTo(4L << 20);
    } finally {
      slow.forEach(RawHttp::close);
    }
    await("body bytes released when the connections close").atMost(Duration.ofSeconds(10))
        .until(() -> inflightBodyBytes(Http.get(url + "/metrics").body()) == 0);
  }

  @Test
  @Timeout(180)
  void openConnections_areCapped_andTheExcessIsAnswered503() {
    String url = node("conn-cap", "--max-connections", "20");
    int port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
    List<RawHttp> open = new ArrayList<>();
    try {
      int ok = 0;
      int refused = 0;
      for (int i = 0; i < 30; i++) {
        RawHttp c = new RawHttp(port).send("GET /keys/existing HTTP/1.1\r\nHost: x\r\n\r\n");
        open.add(c);
        int status = RawHttp.status(c.readResponse(Duration.ofSeconds(10)));
        if (status == 200) {
          ok++;
        } else {
          assertThat(status).isEqualTo(503);
          refused++;
        }
      }
      // At most 20 connections are served; the test's own HTTP client may hold one of them.
      assertThat(ok).isBetween(18, 20);
      assertThat(ok + refused).isEqualTo(30);
    } finally {
      open.forEach(RawHttp::close);
    }
    await("connections are counted down when they close").atMost(Duration.ofSeconds(10))
        .until(() -> Http.get(url + "/keys/existing").statusCode() == 200);
  }

  @Test
  @Timeout(180)
  void writesAwaitingTheBrokers_areCapped_andTheExcessIsRefusedAtOnce_whileReadsGoOn() throws Exception {
    // Broker silence would refuse the writes first; here it must be the in-flight budget.
    String url = node("write-cap", "--max-inflight-write-bytes", "2MiB", "--broker-silence-limit", "60s",
        "--write-timeout", "5s");
    byte[] value = new byte[400_000];
    broker.pause(); // nothing is acknowledged: admitted writes stay in flight
    ExecutorService clients = Executors.newFixedThreadPool(12);
    try {
      List<CompletableFuture<HttpResponse<String>>> writes = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        String key = url + "/keys/big-" + i;
        writes.add(CompletableFuture.supplyAsync(() -> Http.put(key, value), clients));
      }
      // Refusals come at once, while the admitted writes still wait for the paused broker.
      await("some writes refused at once").atMost(Duration.ofSeconds(4))
          .until(() -> writes.stream().filter(CompletableFuture::isDone).count() >= 6);
      for (int i = 0; i < 20; i++) {
        assertThat(Http.get(url + "/keys/existing").statusCode()).isEqualTo(200);
      }
      int refused = 0;
      for (CompletableFuture<HttpResponse<String>> w : writes) {
        HttpResponse<String> r = w.get(30, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(503);
        var body = json(r.body());
        if (body.get("error").asText().equals("overloaded")) {
          assertThat(body.get("outcome").asText()).isEqualTo("not_applied");
          refused++;
        } else {
          assertThat(body.get("outcome").asText()).isEqualTo("unknown"); // admitted, timed out
        }
      }
      assertThat(refused).as("writes beyond 2 MiB in flight").isBetween(6, 11);
    } finally {
      clients.shutdownNow();
      broker.resume();
    }
    assertThat(Http.get(url + "/metrics").body()).contains("logkv_writes_refused_overloaded_total");
  }

  private static long inflightBodyBytes(String metrics) {
    return metrics.lines().filter(l -> l.startsWith("logkv_http_inflight_body_bytes "))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElse(-1);
  }
}
