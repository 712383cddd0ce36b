package io.logkv.store;

import static io.logkv.store.ReplicationIT.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.logkv.kafkalocal.KafkaBroker;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away: reads go on from memory, writes fail fast with 503 (none hangs), and when
 * the broker is back the node resumes by itself, with every acknowledged write intact.
 */
class BrokerOutageIT {
  private static final long WRITE_TIMEOUT_MILLIS = 2_000;
  private static final long BROKER_SILENCE_MILLIS = 3_000; // the node's default --broker-silence-limit

  @Test
  void brokerDown_readsGoOn_writesFailFast_andTheNodeResumesWhenItIsBack(@TempDir Path dir) throws Exception {
    try (KafkaBroker broker = KafkaBroker.builder(dir.resolve("kafka")).build().start();
        TestNodes nodes = new TestNodes(broker.bootstrapServers(), dir.resolve("nodes"))) {
      Node node = nodes.start("n1", "--write-timeout", WRITE_TIMEOUT_MILLIS + "ms", "--read-wait-timeout", "1s");
      for (int i = 0; i < 20; i++) {
        assertThat(Http.put(node.url() + "/keys/before-" + i, "v" + i).statusCode()).isEqualTo(200);
      }

      broker.kill();

      HttpResponse<String> read = Http.get(node.url() + "/keys/before-3");
      assertThat(read.statusCode()).isEqualTo(200);
      assertThat(read.body()).isEqualTo("v3");
      assertThat(read.headers().firstValue("X-Max-Staleness-Ms")).isPresent();

      // Concurrent writes: each one answers 503 within the write timeout, none hangs.
      ExecutorService clients = Executors.newFixedThreadPool(8);
      try {
        List<CompletableFuture<HttpResponse<String>>> writes = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          String url = node.url() + "/keys/during-" + i;
          writes.add(CompletableFuture.supplyAsync(() -> Http.put(url, "x"), clients));
        }
        for (CompletableFuture<HttpResponse<String>> w : writes) {
          HttpResponse<String> r = w.get(WRITE_TIMEOUT_MILLIS + 10_000, TimeUnit.MILLISECONDS);
          assertThat(r.statusCode()).isEqualTo(503);
          JsonNode body = json(r.body());
          assertThat(body.get("error").asText()).isEqualTo("log_unavailable");
          assertThat(body.get("outcome").asText()).isIn("unknown", "not_applied");
          assertThat(r.headers().firstValue("Retry-After")).contains("1");
        }
      } finally {
        clients.shutdownNow();
      }
      // Once the broker has been silent for a while, writes are refused at once: certainly not applied.
      await().atMost(Duration.ofSeconds(30)).until(
          () -> json(Http.get(node.url() + "/status").body()).get("broker_silence_ms").asLong() > BROKER_SILENCE_MILLIS);
      HttpResponse<String> refused = Http.put(node.url() + "/keys/refused", "x");
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(json(refused.body()).get("outcome").asText()).isEqualTo("not_applied");
      // A TTL change is a write too: refused as not applied, not left to its strong read's timeout
      // (which would answer wait_timed_out).
      HttpResponse<String> ttlRefused = Http.post(node.url() + "/keys/before-1/ttl?ttl=1h", "");
      assertThat(ttlRefused.statusCode()).isEqualTo(503);
      assertThat(json(ttlRefused.body()).get("outcome").asText()).isEqualTo("not_applied");
      assertThat(json(Http.get(node.url() + "/status").body()).get("broker_silence_ms").asLong())
          .isGreaterThan(BROKER_SILENCE_MILLIS);
      assertThat(Http.get(node.url() + "/keys/before-3?consistency=strong").statusCode()).isEqualTo(503);
      assertThat(Http.get(node.url() + "/keys/before-5").body()).isEqualTo("v5");
      long staleness = Long.parseLong(
          Http.get(node.url() + "/keys/before-5").headers().firstValue("X-Max-Staleness-Ms").orElseThrow());
      assertThat(staleness).isGreaterThanOrEqualTo(WRITE_TIMEOUT_MILLIS); // the outage is visible to readers

      broker.start();

      HttpResponse<String> after = awaitWriteAccepted(node.url() + "/keys/after", "back", Duration.ofSeconds(90));
      assertThat(after.statusCode()).isEqualTo(200);
      assertThat(Http.get(node.url() + "/keys/after?consistency=strong").body()).isEqualTo("back");
      for (int i = 0; i < 20; i++) {
        assertThat(Http.get(node.url() + "/keys/before-" + i).body()).isEqualTo("v" + i);
      }
      // A node that replays the log from scratch holds every acknowledged write too.
      Node fresh = nodes.start("fresh");
      for (int i = 0; i < 20; i++) {
        assertThat(Http.get(fresh.url() + "/keys/before-" + i).body()).isEqualTo("v" + i);
      }
      assertThat(Http.get(fresh.url() + "/keys/after").body()).isEqualTo("back");
      assertThat(Http.get(fresh.url() + "/keys/refused").statusCode()).isEqualTo(404);
    }
  }

  private static HttpResponse<String> awaitWriteAccepted(String url, String value, Duration within) {
    return await().atMost(within).until(() -> Http.put(url, value), r -> r.statusCode() == 200);
  }
}
