package io.logkv.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Three nodes on one topic: every write made through one node is seen through the others. */
@ExtendWith(SharedBroker.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicationIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private TestNodes nodes;
  private Node n1;
  private Node n2;
  private Node n3;

  @BeforeAll
  void startNodes(@TempDir Path dataDir) {
    nodes = new TestNodes(SharedBroker.bootstrapServers(), dataDir);
    n1 = nodes.start("n1");
    n2 = nodes.start("n2");
    n3 = nodes.start("n3");
  }

  @AfterAll
  void stopNodes() {
    nodes.close();
  }

  @Test
  void put_throughOneNode_isReadOnEveryNode_withTheSameVersion() {
    HttpResponse<String> put = Http.put(n1.url() + "/keys/user:1", "alice");
    assertThat(put.statusCode()).isEqualTo(200);
    String position = put.headers().firstValue("X-Log-Position").orElseThrow();
    assertThat(json(put.body()).get("position").asText()).isEqualTo(position);

    for (Node n : new Node[] {n1, n2, n3}) {
      HttpResponse<String> get = Http.get(n.url() + "/keys/user:1", Map.of("X-Min-Position", position));
      assertThat(get.statusCode()).as(n.config().nodeId()).isEqualTo(200);
      assertThat(get.body()).isEqualTo("alice");
      assertThat(get.headers().firstValue("ETag")).contains("\"" + position + "\"");
    }
  }

  @Test
  void delete_throughAnotherNode_removesTheKeyEverywhere() {
    String put = Http.put(n1.url() + "/keys/doomed", "x").headers().firstValue("X-Log-Position").orElseThrow();
    HttpResponse<String> delete = Http.delete(n2.url() + "/keys/doomed");
    assertThat(delete.statusCode()).isEqualTo(204);
    String deletedAt = delete.headers().firstValue("X-Log-Position").orElseThrow();
    assertThat(deletedAt).isNotEqualTo(put);

    for (Node n : new Node[] {n1, n2, n3}) {
      assertThat(Http.get(n.url() + "/keys/doomed", Map.of("X-Min-Position", deletedAt)).statusCode()).isEqualTo(404);
    }
    // Deleting an absent key is not an error.
    assertThat(Http.delete(n3.url() + "/keys/never-was").statusCode()).isEqualTo(204);
  }

  @Test
  void tokenRead_throughAnotherNode_waitsForThePositionItCarries() throws Exception {
    HttpResponse<String> first = Http.put(n1.url() + "/keys/ryw", "v1");
    String p1 = first.headers().firstValue("X-Log-Position").orElseThrow();
    String[] parts = p1.split(":");
    // The next write of this key lands at the next offset of its partition (the topic is ours).
    String next = parts[0] + ":" + (Long.parseLong(parts[1]) + 1);

    CompletableFuture<HttpResponse<String>> waiting =
        Http.getAsync(n2.url() + "/keys/ryw", Map.of("X-Min-Position", next));
    // The read is parked on n2, holding no thread, until the write arrives.
    await().atMost(Duration.ofSeconds(10)).until(() -> ((Number) n2.status().get("position_waiters")).intValue() == 1);
    assertThat(waiting).isNotDone();

    HttpResponse<String> second = Http.put(n1.url() + "/keys/ryw", "v2");
    assertThat(second.headers().firstValue("X-Log-Position")).contains(next);
    HttpResponse<String> read = waiting.get(20, TimeUnit.SECONDS);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.body()).isEqualTo("v2");
  }

  @Test
  void tokenRead_forAPositionNeverWritten_answers503AfterTheReadWaitTimeout() {
    // A token only counts for the partition of the key read: name that one.
    int partition = io.logkv.store.record.Partitioner.partition("anything".getBytes(java.nio.charset.StandardCharsets.UTF_8), 3);
    HttpResponse<String> read = Http.get(n2.url() + "/keys/anything", Map.of("X-Min-Position", partition + ":999999"));
    assertThat(read.statusCode()).isEqualTo(503);
    assertThat(read.headers().firstValue("Retry-After")).contains("1");
    assertThat(json(read.body()).get("error").asText()).isEqualTo("wait_timed_out");
    assertThat(n2.status().get("position_waiters")).isEqualTo(0); // the timed-out waiter is gone
  }

  @Test
  void tokenRead_waitsOnlyForTheKeysOwnPartition() {
    // A session's token names every partition it wrote to; a read waits only for its key's one.
    int partition = io.logkv.store.record.Partitioner.partition("mine".getBytes(java.nio.charset.StandardCharsets.UTF_8), 3);
    int other = (partition + 1) % 3;
    HttpResponse<String> put = Http.put(n1.url() + "/keys/mine", "v");
    String token = put.headers().firstValue("X-Log-Position").orElseThrow() + "," + other + ":999999";
    HttpResponse<String> read = Http.get(n2.url() + "/keys/mine", Map.of("X-Min-Position", token));
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.body()).isEqualTo("v");
  }

  @Test
  void strongRead_seesEveryWriteAcknowledgedBeforeItStarted() {
    for (int i = 0; i < 20; i++) {
      assertThat(Http.put(n1.url() + "/keys/counter", Integer.toString(i)).statusCode()).isEqualTo(200);
      HttpResponse<String> strong = Http.get(n3.url() + "/keys/counter?consistency=strong");
      assertThat(strong.statusCode()).isEqualTo(200);
      assertThat(strong.body()).isEqualTo(Integer.toString(i));
    }
    assertThat(Http.get(n3.url() + "/keys/counter?consistency=eventual").statusCode()).isEqualTo(400);
  }

  @Test
  void everyNode_convergesToTheSameDigest() {
    for (int i = 0; i < 200; i++) {
      Node via = i % 3 == 0 ? n1 : i % 3 == 1 ? n2 : n3;
      assertThat(Http.put(via.url() + "/keys/d-" + i, "value-" + i).statusCode()).as("put d-%d", i).isEqualTo(200);
    }
    for (int i = 0; i < 200; i += 7) {
      assertThat(Http.delete(n2.url() + "/keys/d-" + i).statusCode()).as("delete d-%d", i).isEqualTo(204);
    }
    HttpResponse<String> lastPut = Http.put(n3.url() + "/keys/d-last", "end");
    assertThat(lastPut.statusCode()).isEqualTo(200);
    String last = lastPut.headers().firstValue("X-Log-Position").orElseThrow();
    for (Node n : new Node[] {n1, n2}) {
      assertThat(Http.get(n.url() + "/keys/d-last", Map.of("X-Min-Position", last)).statusCode()).isEqualTo(200);
    }
    // Each node has applied through "d-last"; writes to other partitions were all acknowledged
    // (and applied by the node that took them) before, so strong reads of a key in each
    // partition settle the rest.
    for (Node n : new Node[] {n1, n2, n3}) {
      for (int i = 1; i < 40; i++) {
        assertThat(Http.get(n.url() + "/keys/d-" + i + "?consistency=strong").statusCode()).isIn(200, 404);
      }
    }
    JsonNode d1 = json(Http.get(n1.url() + "/admin/digest").body());
    JsonNode d2 = json(Http.get(n2.url() + "/admin/digest").body());
    JsonNode d3 = json(Http.get(n3.url() + "/admin/digest").body());
    assertThat(d1.get("applied")).isEqualTo(d2.get("applied")).isEqualTo(d3.get("applied"));
    assertThat(d1.get("digest")).isEqualTo(d2.get("digest")).isEqualTo(d3.get("digest"));
    assertThat(d1.get("keys").asLong()).isGreaterThan(150);
  }

  @Test
  void keysListing_pagesInOrder_withACursor() {
    for (String k : new String[] {"list/c", "list/a", "list/b", "list/d", "other"}) {
      Http.put(n1.url() + "/keys/" + k, "x");
    }
    JsonNode page1 = json(Http.get(n1.url() + "/keys?prefix=list/&limit=2").body());
    assertThat(page1.get("keys").toString()).isEqualTo("[\"list/a\",\"list/b\"]");
    String cursor = page1.get("next").asText();
    JsonNode page2 = json(Http.get(n1.url() + "/keys?prefix=list/&limit=2&after=" + cursor).body());
    assertThat(page2.get("keys").toString()).isEqualTo("[\"list/c\",\"list/d\"]");
    JsonNode page3 = json(Http.get(n1.url() + "/keys?prefix=list/&limit=2&after=list/d").body());
    assertThat(page3.get("keys")).isEmpty();
    assertThat(page3.get("next").isNull()).isTrue();
  }

  @Test
  void pythonCompatibleRoutes_shareDataWithTheNativeApi_acrossNodes() {
    HttpResponse<String> set = Http.postJson(n1.url() + "/api/cache/profile/", "{\"name\":\"bob\",\"age\":7}");
    assertThat(set.statusCode()).isEqualTo(201);
    String position = set.headers().firstValue("X-Log-Position").orElseThrow();

    JsonNode got = json(Http.get(n2.url() + "/api/cache/profile/", Map.of("X-Min-Position", position)).body());
    assertThat(got.at("/payload/value/age").asInt()).isEqualTo(7);
    assertThat(json(Http.get(n2.url() + "/keys/profile").body()).get("name").asText()).isEqualTo("bob");

    HttpResponse<String> expired = Http.delete(n3.url() + "/api/cache/profile/");
    assertThat(expired.statusCode()).isEqualTo(200);
    String deletedAt = expired.headers().firstValue("X-Log-Position").orElseThrow();
    assertThat(Http.get(n1.url() + "/keys/profile", Map.of("X-Min-Position", deletedAt)).statusCode()).isEqualTo(404);
  }

  @Test
  void statusAndMetrics_describeTheNode() {
    JsonNode status = json(Http.get(n2.url() + "/status").body());
    assertThat(status.get("node_id").asText()).isEqualTo("n2");
    assertThat(status.get("state").asText()).isEqualTo("ready");
    assertThat(status.at("/replay/done").asBoolean()).isTrue();
    assertThat(status.at("/replay/source").asText()).isEqualTo("log");
    assertThat(Http.get(n2.url() + "/health/ready").statusCode()).isEqualTo(200);
    assertThat(Http.get(n2.url() + "/health/live").statusCode()).isEqualTo(200);

    Http.get(n2.url() + "/keys/metrics-probe");
    String metrics = Http.get(n2.url() + "/metrics").body();
    assertThat(metrics)
        .contains("logkv_http_requests_total{route=\"/keys/{key}\",status=\"404\"}")
        .contains("logkv_http_request_duration_seconds_bucket{route=\"/keys/{key}\",status=\"404\"")
        .contains("logkv_applied_offset{partition=\"0\"}")
        .contains("logkv_lag_records")
        .contains("logkv_keys")
        .contains("logkv_bytes")
        .contains("logkv_replay_seconds")
        .contains("logkv_ready 1.0");
  }

  static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + body, e);
    }
  }
}
