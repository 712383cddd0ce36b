package io.logkv.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** wrk with the report's script, against real servers on loopback: what it sends and what is read from its output. */
@Timeout(60)
class WrkTest {
  private static final Duration RUN = Duration.ofSeconds(1);
  @TempDir Path out;
  private HttpServer server;
  private Wrk wrk;
  private final Set<String> paths = ConcurrentHashMap.newKeySet();
  private final Set<Integer> bodySizes = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void start() throws Exception {
    Path binary = ToolFinder.forThisMachine().find(Tool.WRK).orElse(null);
    assumeTrue(binary != null, Tool.notRun(java.util.List.of(Tool.WRK)));
    wrk = new Wrk(binary, out);
    // The JDK server writes head and body apart; without TCP_NODELAY Nagle would hold the body.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/", ex -> {
      String path = ex.getRequestURI().getPath();
      paths.add(path);
      bodySizes.add(ex.getRequestBody().readAllBytes().length);
      // k3 fails; a PUT of k7 is "durable, not yet applied"
      int status = path.endsWith("/k3") ? 500 : ex.getRequestMethod().equals("PUT") && path.endsWith("/k7") ? 202 : 200;
      byte[] body = "0123456789".getBytes();
      ex.sendResponseHeaders(status, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Test
  void get_answeredWith200_isClean_withThroughputAndLatency() throws Exception {
    Wrk.Result r = wrk.run("get", Wrk.Load.get(url(), "/keys/k", 3, 2), RUN);

    assertThat(r.clean()).as(r.problems()).isTrue();
    assertThat(r.requests()).isPositive();
    assertThat(r.requestsPerSecond()).isPositive();
    assertThat(r.latencyMs("p50")).isPositive().isLessThanOrEqualTo(r.latencyMs("p99"));
    assertThat(r.latencyMs("p99")).isLessThanOrEqualTo(r.latencyMs("max"));
    assertThat(r.curve()).containsKeys(0.0, 50.0, 99.0, 99.9, 100.0);
    assertThat(r.statuses()).isEmpty(); // not counted for GETs
    assertThat(paths).containsExactlyInAnyOrder("/keys/k0", "/keys/k1", "/keys/k2");
    assertThat(Files.readString(out.resolve("wrk-get.txt"))).contains("Requests/sec:", "logkv-wrk ");
  }

  @Test
  void answersOf400OrMore_makeTheRunInvalid_andAreCounted() {
    Wrk.Result r = wrk.run("get-errors", Wrk.Load.get(url(), "/keys/k", 10, 2), RUN);

    assertThat(r.clean()).isFalse();
    assertThat(r.errorAnswers()).isPositive();
    assertThat(r.problems()).contains("answers >= 400");
  }

  @Test
  void put_sendsItsBody_overTheBoundedKeySet_andCountsAnswersByStatus() {
    Wrk.Result r = wrk.run("put", Wrk.Load.put(url(), "/keys/k", 10, 100, 2), RUN);

    assertThat(paths).hasSize(10).allMatch(p -> p.matches("/keys/k[0-9]"));
    assertThat(bodySizes).containsExactly(100);
    assertThat(r.statuses()).containsOnlyKeys(200, 202, 500);
    assertThat(r.answered(202)).isPositive();
    assertThat(r.statuses().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(r.requests());
    assertThat(r.errorAnswers()).isEqualTo(r.answered(500));
  }

  @Test
  void connectionsResetByTheServer_areSocketErrors_andMakeTheRunInvalid() throws Exception {
    AtomicBoolean open = new AtomicBoolean(true);
    try (ServerSocket resetting = new ServerSocket(0, 128, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        while (open.get()) {
          try (Socket s = resetting.accept()) {
            s.getInputStream().read(); // the request has arrived
            s.setSoLinger(true, 0); // close with a reset
          } catch (Exception e) {
            return;
          }
        }
      });
      acceptor.start();
      Wrk.Result r = wrk.run("reset", Wrk.Load.get("http://127.0.0.1:" + resetting.getLocalPort(), "/keys/k", 3, 1), RUN);
      open.set(false);

      assertThat(r.clean()).isFalse();
      assertThat(r.socketErrors().values().stream().mapToLong(Long::longValue).sum()).isPositive();
      assertThat(r.problems()).contains("socket errors");
    }
  }
}
