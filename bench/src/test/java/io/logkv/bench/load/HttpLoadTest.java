package io.logkv.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The load generator against a real HTTP server on loopback (the JDK's). */
@Timeout(60)
class HttpLoadTest {
  private HttpServer server;
  private final AtomicInteger gets = new AtomicInteger();
  private final AtomicInteger puts = new AtomicInteger();
  private final AtomicBoolean stallOnce = new AtomicBoolean();

  @BeforeEach
  void start() throws Exception {
    // The JDK server writes head and body apart; without TCP_NODELAY Nagle holds the body back
    // for the client's delayed ACK (40 ms), which would measure the kernel, not the load tool.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/", ex -> {
      ex.getRequestBody().readAllBytes();
      if (stallOnce.compareAndSet(true, false)) {
        sleep(300);
      }
      (ex.getRequestMethod().equals("GET") ? gets : puts).incrementAndGet();
      byte[] body = "0123456789".getBytes();
      int status = ex.getRequestURI().getPath().endsWith("/k3") && ex.getRequestMethod().equals("GET") ? 404 : 200;
      ex.sendResponseHeaders(status, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void closedModel_countsEveryAnswer_andFollowsTheMix() {
    HttpLoad load = new HttpLoad("127.0.0.1", server.getAddress().getPort(), 4, new Workload("/keys/k", 10, 100, 80, 20));
    LoadResult r = load.closed(TimeUnit.SECONDS.toNanos(20), 2_000);
    assertThat(r.requests()).isEqualTo(2_000);
    assertThat(r.failures()).isZero(); // a GET answered 404 is a success
    assertThat(gets.get()).isEqualTo(1_600);
    assertThat(puts.get()).isEqualTo(400);
    assertThat(r.statuses()).containsKeys(200, 404);
    assertThat(r.latency().getTotalCount()).isEqualTo(2_000);
  }

  @Test
  void openModel_chargesAServerStallToEveryRequestThatWasDueDuringIt() {
    HttpLoad load = new HttpLoad("127.0.0.1", server.getAddress().getPort(), 1, Workload.fixedGet("/fixed"));
    load.open(1_000, TimeUnit.MILLISECONDS.toNanos(300)); // warm up
    stallOnce.set(true);
    LoadResult r = load.open(1_000, TimeUnit.SECONDS.toNanos(2));
    // One connection, 1,000 requests/s and one 300 ms stall: about 300 requests were due while
    // it lasted, and each waited for it. A client that measured from its own send would see one
    // slow request; this one must see a tail of them.
    long slow = 0;
    for (var v : r.latency().recordedValues()) {
      if (v.getValueIteratedTo() >= TimeUnit.MILLISECONDS.toNanos(100)) {
        slow += v.getCountAtValueIteratedTo();
      }
    }
    assertThat(slow).isGreaterThan(100);
    assertThat(r.latency().getMaxValue()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
    assertThat(r.serviceTime().getValueAtPercentile(50)).isLessThan(TimeUnit.MILLISECONDS.toNanos(100));
    assertThat(r.failures()).isZero();
  }

  @Test
  void workload_visitsEveryKeyOncePerRound() {
    for (int keys : new int[] {1, 7, 10, 1000, 10_000}) {
      Workload w = new Workload("/k", keys, 0, 100, 0);
      Set<Integer> seen = new HashSet<>();
      for (long n = 0; n < keys; n++) {
        seen.add(w.key(n));
      }
      assertThat(seen).as("%d keys", keys).hasSize(keys);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
