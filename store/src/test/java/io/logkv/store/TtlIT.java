package io.logkv.store;

import static io.logkv.store.ReplicationIT.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Expiry is a deadline inside the record; a clock the test moves shows it without sleeping. */
@ExtendWith(SharedBroker.class)
class TtlIT {
  private final MutableClock clock = new MutableClock();
  private TestNodes nodes;
  private Node n1;
  private Node n2;

  @BeforeEach
  void start(@TempDir Path dataDir) {
    nodes = new TestNodes(SharedBroker.bootstrapServers(), dataDir);
    n1 = nodes.start("n1", clock);
    n2 = nodes.start("n2", clock);
  }

  @AfterEach
  void stop() {
    nodes.close();
  }

  @Test
  void key_expiresOnEveryReplica_atTheDeadlineSetByTheAcceptingNode() {
    long before = clock.millis();
    HttpResponse<String> put = Http.put(n1.url() + "/keys/session?ttl=30s", "token");
    assertThat(put.statusCode()).isEqualTo(200);
    String position = put.headers().firstValue("X-Log-Position").orElseThrow();

    HttpResponse<String> live = Http.get(n2.url() + "/keys/session", Map.of("X-Min-Position", position));
    assertThat(live.statusCode()).isEqualTo(200);
    long expiresAt = Long.parseLong(live.headers().firstValue("X-Expires-At").orElseThrow());
    assertThat(expiresAt).isEqualTo(before + 30_000);

    clock.advance(Duration.ofSeconds(29));
    assertThat(Http.get(n1.url() + "/keys/session").statusCode()).isEqualTo(200);

    clock.advance(Duration.ofSeconds(1));
    assertThat(Http.get(n1.url() + "/keys/session").statusCode()).isEqualTo(404);
    assertThat(Http.get(n2.url() + "/keys/session").statusCode()).isEqualTo(404);
    assertThat(json(Http.get(n2.url() + "/keys?prefix=session").body()).get("keys")).isEmpty();
  }

  @Test
  void ttl_acceptsEveryDocumentedUnit() {
    long now = clock.millis();
    Map<String, Long> expected =
        Map.of("30", 30_000L, "500ms", 500L, "45s", 45_000L, "5m", 300_000L, "1h", 3_600_000L, "2d", 172_800_000L);
    expected.forEach(
        (ttl, millis) -> {
          HttpResponse<String> put = Http.put(n1.url() + "/keys/unit-" + ttl + "?ttl=" + ttl, "v");
          assertThat(put.statusCode()).as(ttl).isEqualTo(200);
          HttpResponse<String> get = Http.get(n1.url() + "/keys/unit-" + ttl);
          assertThat(Long.parseLong(get.headers().firstValue("X-Expires-At").orElseThrow()))
              .as(ttl)
              .isEqualTo(now + millis);
        });
  }

  @Test
  void changeTtl_rewritesTheWholeValueWithTheNewDeadline() {
    Http.put(n1.url() + "/keys/doc?ttl=10s", "body-bytes");
    HttpResponse<String> change = Http.post(n2.url() + "/keys/doc/ttl?ttl=1h", "");
    assertThat(change.statusCode()).isEqualTo(200);
    assertThat(json(change.body()).get("expires_at").asLong()).isEqualTo(clock.millis() + 3_600_000L);
    String position = change.headers().firstValue("X-Log-Position").orElseThrow();

    clock.advance(Duration.ofSeconds(11)); // past the first deadline, before the second
    HttpResponse<String> get = Http.get(n1.url() + "/keys/doc", Map.of("X-Min-Position", position));
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body()).isEqualTo("body-bytes");

    assertThat(Http.post(n1.url() + "/keys/absent/ttl?ttl=1h", "").statusCode()).isEqualTo(404);
    assertThat(Http.post(n1.url() + "/keys/doc/ttl", "").statusCode()).isEqualTo(400);
  }

  @Test
  void changeTtl_onAnotherNode_neverLogsAValueOlderThanAnAcknowledgedWrite() {
    // The node that changes the deadline logs the value again; a lagging node would log an old one
    // and silently undo an acknowledged write. Repeat so that "right after" happens many times.
    for (int i = 0; i < 30; i++) {
      assertThat(Http.put(n1.url() + "/keys/rmw?ttl=1h", "v" + i).statusCode()).isEqualTo(200);
      HttpResponse<String> change = Http.post(n2.url() + "/keys/rmw/ttl?ttl=2h", "");
      assertThat(change.statusCode()).as("round %d", i).isEqualTo(200);
      String position = change.headers().firstValue("X-Log-Position").orElseThrow();
      HttpResponse<String> get = Http.get(n1.url() + "/keys/rmw", Map.of("X-Min-Position", position));
      assertThat(get.body()).as("round %d", i).isEqualTo("v" + i);
      assertThat(get.headers().firstValue("X-Expires-At")).contains(Long.toString(clock.millis() + 7_200_000L));
    }
  }

  @Test
  void expiredEntries_areSweptFromMemory_andNotLoadedOnReplay() throws Exception {
    for (int i = 0; i < 50; i++) {
      Http.put(n1.url() + "/keys/short-" + i + "?ttl=5s", "v");
    }
    Http.put(n1.url() + "/keys/keeper", "v");
    clock.advance(Duration.ofSeconds(6));

    await().atMost(Duration.ofSeconds(20)).until(() -> ((Number) n1.status().get("keys")).longValue() == 1);
    assertThat(Http.get(n1.url() + "/metrics").body()).contains("logkv_keys_expired_total 50.0");

    Node late = nodes.start("late", clock);
    assertThat(late.status().get("keys")).isEqualTo(1L);
    assertThat(Http.get(late.url() + "/keys/keeper").statusCode()).isEqualTo(200);
  }
}
