package io.logkv.store;

import static io.logkv.store.ReplicationIT.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.logkv.kafkalocal.FreePorts;
import io.logkv.store.record.Partitioner;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes, each partition on two of them: every node holds only its partitions, and any node
 * answers for any key (forwarding to an owner), with the whole HTTP API and its consistency.
 */
@ExtendWith(SharedBroker.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShardingIT {
  private static final int PARTITIONS = 12;
  private TestNodes nodes;
  private final List<Node> n = new ArrayList<>();
  private final int[] ports = {FreePorts.next(), FreePorts.next(), FreePorts.next()};
  private String members;

  @BeforeAll
  void start(@TempDir Path dataDir) {
    nodes = new TestNodes(SharedBroker.bootstrapServers(), dataDir, "sharded-" + System.nanoTime(), PARTITIONS);
    members = "n1=http://127.0.0.1:" + ports[0] + ",n2=http://127.0.0.1:" + ports[1] + ",n3=http://127.0.0.1:" + ports[2];
    for (int i = 0; i < 3; i++) {
      n.add(nodes.start("n" + (i + 1), "--port", Integer.toString(ports[i]), "--members", members, "--replicas", "2"));
    }
  }

  @AfterAll
  void stop() {
    nodes.close();
  }

  @Test
  @Order(1)
  void clusterDocument_namesEveryPartitionsTwoOwners_andEachNodeHoldsOnlyItsOwn() {
    JsonNode cluster = json(Http.get(n.get(0).url() + "/cluster").body());
    assertThat(cluster.get("sharded").asBoolean()).isTrue();
    assertThat(cluster.get("replicas").asInt()).isEqualTo(2);
    assertThat(cluster.get("partitions").asInt()).isEqualTo(PARTITIONS);
    assertThat(cluster.get("partitioner").asText()).isEqualTo("murmur2");
    assertThat(cluster.get("owners")).hasSize(PARTITIONS);
    int[] held = new int[3];
    for (JsonNode owners : cluster.get("owners")) {
      assertThat(owners).hasSize(2);
      owners.forEach(o -> held[Integer.parseInt(o.asText().substring(1)) - 1]++);
    }
    for (int i = 0; i < 3; i++) {
      JsonNode status = json(Http.get(n.get(i).url() + "/status").body());
      assertThat(status.at("/cluster/owned_partitions")).hasSize(held[i]);
      assertThat(held[i]).as("each node holds some, not all").isBetween(1, PARTITIONS - 1);
    }
    // Every node serves the same table.
    assertThat(json(Http.get(n.get(2).url() + "/cluster").body()).get("owners")).isEqualTo(cluster.get("owners"));
  }

  @Test
  @Order(2)
  void anyNode_writesAndReadsAnyKey_forwardingToAnOwner_withReadYourWrites() {
    for (int i = 0; i < 60; i++) {
      Node via = n.get(i % 3);
      HttpResponse<String> put = Http.put(via.url() + "/keys/k" + i, "v" + i);
      assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
      String position = put.headers().firstValue("X-Log-Position").orElseThrow();
      Node other = n.get((i + 1) % 3);
      HttpResponse<String> get = Http.get(other.url() + "/keys/k" + i, Map.of("X-Min-Position", position));
      assertThat(get.statusCode()).isEqualTo(200);
      assertThat(get.body()).isEqualTo("v" + i);
      assertThat(Http.get(other.url() + "/keys/k" + i + "?consistency=strong").body()).isEqualTo("v" + i);
    }
    // A node holds the keys of its partitions only; together they hold each key twice.
    long held = 0;
    for (Node node : n) {
      long keys = json(Http.get(node.url() + "/status").body()).get("keys").asLong();
      assertThat(keys).isLessThan(60);
      held += keys;
    }
    assertThat(held).isEqualTo(120);
    long forwarded = n.stream().mapToLong(node -> json(Http.get(node.url() + "/status").body())
        .at("/cluster/forwarded_requests").asLong()).sum();
    assertThat(forwarded).isPositive();
  }

  @Test
  @Order(3)
  void forwardedAnswers_nameTheOwner_andDeletesTtlAndPyCacheRoutesWorkThroughAnyNode() {
    String key = keyNotOwnedBy("n1");
    HttpResponse<String> put = Http.put(n.get(0).url() + "/keys/" + key + "?ttl=1h", "forwarded");
    assertThat(put.statusCode()).isEqualTo(200);
    assertThat(put.headers().firstValue("X-Served-By")).isPresent().get().isNotEqualTo("n1");
    assertThat(put.headers().firstValue("X-Forwarded-By")).contains("n1");
    String owned = keyOwnedBy("n1");
    HttpResponse<String> local = Http.put(n.get(0).url() + "/keys/" + owned, "served here");
    assertThat(local.headers().firstValue("X-Served-By")).contains("n1");
    assertThat(local.headers().firstValue("X-Forwarded-By")).isEmpty();
    HttpResponse<String> ttl = Http.post(n.get(0).url() + "/keys/" + key + "/ttl?ttl=2h", "");
    assertThat(ttl.statusCode()).as(ttl.body()).isEqualTo(200);
    assertThat(Http.get(n.get(0).url() + "/keys/" + key).headers().firstValue("X-Expires-At")).isPresent();
    HttpResponse<String> delete = Http.delete(n.get(0).url() + "/keys/" + key);
    assertThat(delete.statusCode()).isEqualTo(204);
    String at = delete.headers().firstValue("X-Log-Position").orElseThrow();
    assertThat(Http.get(n.get(0).url() + "/keys/" + key, Map.of("X-Min-Position", at)).statusCode()).isEqualTo(404);

    HttpResponse<String> set = Http.postJson(n.get(0).url() + "/api/cache/" + key + "/", "{\"a\":1}");
    assertThat(set.statusCode()).isEqualTo(201);
    assertThat(json(Http.get(n.get(0).url() + "/api/cache/" + key + "/").body()).at("/payload/value/a").asInt())
        .isEqualTo(1);
  }

  @Test
  @Order(4)
  void listing_spansEveryPartition_inKeyOrder_withACursor_throughAnyNode() {
    TreeSet<String> expected = new TreeSet<>();
    for (int i = 0; i < 25; i++) {
      String key = "list/" + String.format("%02d", i);
      assertThat(Http.put(n.get(i % 3).url() + "/keys/" + key.replace("/", "%2F"), "x").statusCode()).isEqualTo(200);
      expected.add(key);
    }
    for (Node via : n) {
      List<String> seen = new ArrayList<>();
      String after = null;
      for (int page = 0; page < 10; page++) {
        String url = via.url() + "/keys?prefix=list/&limit=7" + (after == null ? "" : "&after=" + after.replace("/", "%2F"));
        JsonNode body = json(Http.get(url).body());
        body.get("keys").forEach(k -> seen.add(k.asText()));
        if (body.get("next").isNull()) {
          break;
        }
        after = body.get("next").asText();
      }
      assertThat(seen).as("through %s", via.config().nodeId()).containsExactlyElementsOf(expected);
    }
  }

  @Test
  @Order(5)
  void theOwnersOfEachPartition_holdTheSameData() {
    assertThat(Http.put(n.get(0).url() + "/keys/converge", "x").statusCode()).isEqualTo(200);
    String end = LogFill.endToken(nodes.topic(), PARTITIONS);
    Map<String, Set<String>> digests = new java.util.HashMap<>();
    for (Node node : n) {
      TestNodes.awaitApplied(node.url(), end); // everything there is, in the partitions it holds
      JsonNode d = json(Http.get(node.url() + "/admin/digest").body());
      d.get("partitions").fields().forEachRemaining(e ->
          digests.computeIfAbsent(e.getKey(), k -> new HashSet<>()).add(e.getValue().get("digest").asText()));
    }
    assertThat(end).isNotEmpty();
    assertThat(digests).hasSize(PARTITIONS);
    digests.forEach((p, set) -> assertThat(set).as("partition %s", p).hasSize(1));
  }

  @Test
  @Order(6)
  void aRequestAlreadyForwarded_toANodeThatDoesNotOwnTheKey_is421_notForwardedAgain() {
    String key = keyNotOwnedBy("n1");
    HttpResponse<String> r = Http.get(n.get(0).url() + "/keys/" + key, Map.of("X-Logkv-Hop", "n9"));
    assertThat(r.statusCode()).isEqualTo(421);
    assertThat(json(r.body()).get("error").asText()).isEqualTo("not_owner");
    assertThat(r.headers().firstValue("X-Cluster-Stale")).contains("true");
  }

  @Test
  @Order(7)
  void aNodeStartedWithAnotherMemberList_refusesToStart_sayingWhich() {
    String other = members + ",n4=http://127.0.0.1:" + FreePorts.next();
    assertThatThrownBy(() -> nodes.start("n4", "--port", "0", "--members", other, "--replicas", "2"))
        .hasMessageContaining("runs with another cluster")
        .hasMessageContaining("member n1");
  }

  @Test
  @Order(8)
  void whenAnOwnerIsDown_theNextOwnerServes() {
    // Stop n3; every partition it owned has another owner.
    n.get(2).close();
    for (int i = 0; i < 30; i++) {
      String key = "after-n3-" + i;
      HttpResponse<String> put = Http.put(n.get(i % 2).url() + "/keys/" + key, "v");
      assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
      assertThat(Http.get(n.get((i + 1) % 2).url() + "/keys/" + key + "?consistency=strong").body()).isEqualTo("v");
    }
  }

  /** A key whose partition {@code nodeId} does not own. */
  private String keyNotOwnedBy(String nodeId) {
    return probeKey(nodeId, false);
  }

  /** A key whose partition {@code nodeId} owns. */
  private String keyOwnedBy(String nodeId) {
    return probeKey(nodeId, true);
  }

  private String probeKey(String nodeId, boolean ownedByIt) {
    JsonNode owners = json(Http.get(n.get(0).url() + "/cluster").body()).get("owners");
    for (int i = 0; ; i++) {
      String key = "probe-" + i;
      int p = Partitioner.partition(key.getBytes(StandardCharsets.UTF_8), PARTITIONS);
      boolean owned = false;
      for (JsonNode o : owners.get(p)) {
        owned |= o.asText().equals(nodeId);
      }
      if (owned == ownedByIt) {
        return key;
      }
    }
  }
}
