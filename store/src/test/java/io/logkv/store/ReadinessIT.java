package io.logkv.store;

import static io.logkv.store.ReplicationIT.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A node serves no data before it has caught up, and a restart replays to the same state. */
@ExtendWith(SharedBroker.class)
class ReadinessIT {
  // Large enough that replay outlasts the node's start-up (HTTP comes up while replay runs).
  private static final int RECORDS = 1_000_000;
  private static final int KEYS = 200_000;

  @Test
  void node_answers503_untilItHasCaughtUp_thenServesIdenticalData(@TempDir Path dataDir) {
    try (TestNodes nodes = new TestNodes(SharedBroker.bootstrapServers(), dataDir)) {
      Node first = nodes.start("first");
      for (int round = 0; round < RECORDS / KEYS; round++) {
        LogFill.puts(nodes.topic(), "k-", KEYS);
      }
      String lastWrite = Http.put(first.url() + "/keys/last", "end").headers().firstValue("X-Log-Position").orElseThrow();

      Node late = nodes.startNotReady("late", InstantSource.system());
      HttpResponse<String> early = Http.get(late.url() + "/keys/k-1");
      assertThat(early.statusCode()).isEqualTo(503);
      assertThat(early.headers().firstValue("Retry-After")).contains("1");
      assertThat(json(early.body()).get("error").asText()).isEqualTo("not_ready");
      assertThat(json(early.body()).has("outcome")).as("a refused read has no write outcome").isFalse();
      HttpResponse<String> earlyWrite = Http.put(late.url() + "/keys/k-1", "x");
      assertThat(earlyWrite.statusCode()).isEqualTo(503);
      assertThat(json(earlyWrite.body()).get("outcome").asText()).as("a write refused before the log").isEqualTo("not_applied");
      assertThat(Http.get(late.url() + "/health/ready").statusCode()).isEqualTo(503);
      assertThat(Http.get(late.url() + "/health/live").statusCode()).isEqualTo(200);
      assertThat(json(Http.get(late.url() + "/status").body()).get("state").asText()).isEqualTo("replaying");

      late.awaitReady(120_000);
      assertThat(Http.get(late.url() + "/health/ready").statusCode()).isEqualTo(200);
      assertThat(Http.get(late.url() + "/keys/last").body()).isEqualTo("end");
      JsonNode status = json(Http.get(late.url() + "/status").body());
      assertThat(status.at("/replay/records").asLong()).isGreaterThanOrEqualTo(RECORDS);
      assertThat(status.at("/replay/percent").asDouble()).isEqualTo(100.0);
      assertThat(status.at("/replay/rate").asLong()).isPositive();
      assertThat(Http.get(late.url() + "/metrics").body()).contains("logkv_replay_records " + (double) status.at("/replay/records").asLong());

      assertThat(Http.get(first.url() + "/keys/last", java.util.Map.of("X-Min-Position", lastWrite)).statusCode()).isEqualTo(200);
      assertThat(digest(late)).isEqualTo(digest(first));
      assertThat(digest(late).get("keys").asLong()).isEqualTo(KEYS + 1);

      // Restart: a node closed and started again replays the same log to the same state.
      JsonNode before = digest(first);
      first.close();
      Node restarted = nodes.start("first");
      assertThat(digest(restarted)).isEqualTo(before);
    }
  }

  private static JsonNode digest(Node node) {
    JsonNode d = json(Http.get(node.url() + "/admin/digest").body());
    ((com.fasterxml.jackson.databind.node.ObjectNode) d).remove("node_id");
    return d;
  }
}
