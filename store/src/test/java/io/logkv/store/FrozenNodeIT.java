package io.logkv.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write that reached a node's socket while the node was frozen, and that its sender gave up on,
 * must not be applied when the node thaws: by then the sender (nginx after its timeout) may have
 * sent it elsewhere, and later writes to the key may have followed, which the stale copy would undo.
 * The chaos suite's node-pause-sharded caught this once: a DELETE stuck in the frozen n3 landed
 * after a newer PUT of the same key, so a token read answered 404 after having seen the value.
 */
@ExtendWith(SharedBroker.class)
class FrozenNodeIT {

  @Test
  @Timeout(180)
  void aWriteThatWaitedInAFrozenNodesSocket_isRefusedWhenItThaws_andCannotUndoALaterWrite(@TempDir Path dir)
      throws Exception {
    String topic = "frozen-" + UUID.randomUUID().toString().substring(0, 8);
    try (TestNodes nodes = new TestNodes(SharedBroker.bootstrapServers(), dir, topic, 1)) {
      Node other = nodes.start("other");
      // A long broker-silence limit, so that only the freeze watch stands between the stale request
      // and the log (after a short freeze the brokers are heard again within milliseconds).
      try (ProcessNode victim = ProcessNode.startReady("victim", topic, dir, "--broker-silence-limit", "60s",
          "--freeze-limit", "2s")) {
        check(other, victim, topic);
      }
    }
  }

  private static void check(Node other, ProcessNode victim, String topic) throws Exception {
    String victimUrl = victim.url();
    var before = Http.put(other.url() + "/keys/k", "before");
    assertThat(before.statusCode()).isEqualTo(200);
    String beforeAt = before.headers().firstValue("X-Log-Position").orElseThrow();
    assertThat(Http.get(victimUrl + "/keys/k", Map.of("X-Min-Position", beforeAt)).body()).isEqualTo("before");

    victim.pause(); // SIGSTOP: its sockets stay open and the kernel keeps accepting bytes
    try (RawHttp stale = new RawHttp(victim.port())) {
      stale.send("DELETE /keys/k HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
    } // the sender gives up, as nginx does after its timeout, and sends the write elsewhere
    var after = Http.put(other.url() + "/keys/k", "after");
    assertThat(after.statusCode()).isEqualTo(200);
    String afterAt = after.headers().firstValue("X-Log-Position").orElseThrow();
    // The fault itself: frozen for longer than --freeze-limit (2 s), with a margin.
    long frozenAt = System.nanoTime();
    await("the victim has been frozen for longer than --freeze-limit").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> System.nanoTime() - frozenAt > TimeUnit.SECONDS.toNanos(3));
    victim.resume();

    await("the victim handled the request that waited in its socket").atMost(Duration.ofSeconds(30))
        .until(() -> deleteAnswered(Http.get(victimUrl + "/metrics").body()));
    String metrics = Http.get(victimUrl + "/metrics").body();
    assertThat(metrics).contains("logkv_http_requests_total{route=\"/keys/{key}\",status=\"503\"} 1.0")
        .doesNotContain("status=\"204\"")
        .containsPattern("logkv_freezes_total [1-9]");
    // Nothing was appended after "after": the stale DELETE never reached the log.
    assertThat(LogFill.endToken(topic, 1)).isEqualTo(afterAt);
    assertThat(Http.get(other.url() + "/keys/k?consistency=strong").body()).isEqualTo("after");
    assertThat(Http.get(victimUrl + "/keys/k", Map.of("X-Min-Position", afterAt)).body()).isEqualTo("after");
    // The refusal lasts a moment only: once it is over, the victim takes writes again.
    await("the victim takes writes again").atMost(Duration.ofSeconds(30))
        .until(() -> Http.put(victimUrl + "/keys/k2", "v").statusCode() == 200);
  }

  /** Whether the key route answered the stale DELETE: refused (503) or, wrongly, applied (204). */
  private static boolean deleteAnswered(String metrics) {
    return metrics.contains("logkv_http_requests_total{route=\"/keys/{key}\",status=\"503\"}")
        || metrics.contains("logkv_http_requests_total{route=\"/keys/{key}\",status=\"204\"}");
  }
}
