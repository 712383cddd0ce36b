package io.logkv.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.logkv.client.ScriptedServer.Answer;
import io.logkv.client.ScriptedServer.Received;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Routing by the owner table of a sharded cluster. The nodes' {@code GET /cluster} does not exist
 * yet, so three {@link ScriptedServer}s play the members and serve the table in the agreed form
 * (see {@link ClusterTable}); the expected partition of each key comes from Kafka's own
 * partitioner, not the client's.
 */
class ShardedRoutingTest {
  private static final int PARTITIONS = 12;

  private final List<ScriptedServer> members = new ArrayList<>();
  private final List<LogkvClient> clients = new ArrayList<>();

  @AfterEach
  void closeAll() {
    clients.forEach(LogkvClient::close);
    members.forEach(ScriptedServer::close);
  }

  @Test
  void eachKey_goesToTheFirstOwnerOfItsPartition() {
    startMembers(3);
    serveTable(p -> List.of(p % 3, (p + 1) % 3));
    LogkvClient client = client();

    for (int i = 0; i < 60; i++) {
      String key = "key-" + i;
      assertThat(client.get(key)).map(Value::asString).contains("n" + (owner(key, 0) + 1));
    }
    assertThat(client.routesToOwners()).isTrue();
    for (int m = 0; m < 3; m++) {
      int member = m;
      assertThat(members.get(m).dataRequests()).allSatisfy(r -> assertThat(owner(key(r), 0)).isEqualTo(member));
    }
  }

  @Test
  void anOwnerThatRefusesConnections_isSkipped_andTheTableFetchedAgain() {
    startMembers(3);
    serveTable(p -> List.of(p % 3, (p + 1) % 3));
    LogkvClient client = client();
    client.get("warm-up");
    long fetchesBefore = clusterFetches();

    members.get(1).stop();
    for (int i = 0; i < 60; i++) {
      String key = "key-" + i;
      int expected = owner(key, 0) == 1 ? owner(key, 1) : owner(key, 0);
      assertThat(client.get(key)).as(key).map(Value::asString).contains("n" + (expected + 1));
    }
    // A refusal right after a fetch starts none (the table is fresh); later ones do.
    String ownedByTheStoppedMember = "key-" + java.util.stream.IntStream.range(0, 60)
        .filter(i -> owner("key-" + i, 0) == 1).findFirst().orElseThrow();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      client.get(ownedByTheStoppedMember);
      return clusterFetches() > fetchesBefore;
    });
  }

  @Test
  void aStaleTable_isFetchedAgain_whenANodeSaysSo() {
    startMembers(2);
    serveTable(p -> List.of(0, 1));
    LogkvClient client = client();
    assertThat(client.get("k")).map(Value::asString).contains("n1");

    // The table moves every partition to n2; n1 still serves, but flags its answers stale.
    serveTable(p -> List.of(1, 0));
    members.get(0).script(r -> value("n1").header("X-Cluster-Stale", "true"));
    client.get("k");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(
        () -> assertThat(client.get("k")).map(Value::asString).contains("n2"));
  }

  @Test
  void a421_fetchesTheTable_andTriesTheNewOwner() {
    startMembers(2);
    serveTable(p -> List.of(0));
    LogkvClient client = client();
    assertThat(client.get("k")).map(Value::asString).contains("n1");

    serveTable(p -> List.of(1));
    members.get(0).script(r -> Answer.json(421, "{\"error\":\"not_owner\",\"detail\":\"n1 does not own it\"}"));
    int before = members.get(0).dataRequests().size();
    assertThat(client.put("k", "v").position()).isEqualTo(new Position(0, 1));
    assertThat(members.get(0).dataRequests()).hasSize(before + 1);
    assertThat(members.get(1).dataRequests()).extracting(Received::method).containsExactly("PUT");
  }

  @Test
  void listing_goesToAnyMember() {
    startMembers(3);
    serveTable(p -> List.of(p % 3));
    members.forEach(m -> m.script(r -> Answer.json(200, "{\"keys\":[\"a\"],\"next\":null}")));
    LogkvClient client = client();

    for (int i = 0; i < 6; i++) {
      assertThat(client.list("", null, 10).keys()).containsExactly("a");
    }
    assertThat(members).allSatisfy(m -> assertThat(m.dataRequests()).isNotEmpty());
  }

  @Test
  void aClusterThatIsNotSharded_isUsedRoundRobin() {
    startMembers(3);
    LogkvClient client = LogkvClient.builder()
        .baseUrls(members.stream().map(ScriptedServer::url).toList())
        .build();
    clients.add(client);

    for (int i = 0; i < 30; i++) {
      client.get("key-" + i);
    }
    assertThat(client.routesToOwners()).isFalse();
    assertThat(members).allSatisfy(m -> assertThat(m.dataRequests()).hasSize(10));
  }

  @Test
  void aTableThisClientCannotUse_isIgnored_andTheBaseUrlsServe() {
    startMembers(2);
    serveTable(p -> List.of(1));
    members.forEach(m -> m.onCluster(r -> Answer.json(200, table(p -> List.of(1)).replace("murmur2", "crc32"))));
    LogkvClient client = client();

    assertThat(client.get("k")).map(Value::asString).contains("n1");
    assertThat(client.routesToOwners()).isFalse();
  }

  // ---- fixtures

  private void startMembers(int n) {
    for (int i = 0; i < n; i++) {
      String id = "n" + (i + 1);
      members.add(ScriptedServer.start(r -> r.method().equals("GET")
          ? value(id)
          : Answer.json(200, "{\"position\":\"0:1\",\"applied\":true}").header("X-Log-Position", "0:1")));
    }
  }

  /** Every member serves a table whose owners of partition p are the member indexes {@code owners(p)}. */
  private void serveTable(IntFunction<List<Integer>> owners) {
    String json = table(owners);
    members.forEach(m -> m.onCluster(r -> Answer.json(200, json)));
  }

  private String table(IntFunction<List<Integer>> owners) {
    StringBuilder b = new StringBuilder("{\"members\":[");
    for (int i = 0; i < members.size(); i++) {
      b.append(i == 0 ? "" : ",").append("{\"id\":\"n").append(i + 1).append("\",\"url\":\"")
          .append(members.get(i).url()).append("\"}");
    }
    b.append("],\"replicas\":2,\"partitions\":").append(PARTITIONS).append(",\"partitioner\":\"murmur2\",\"owners\":[");
    for (int p = 0; p < PARTITIONS; p++) {
      b.append(p == 0 ? "[" : ",[");
      List<Integer> o = owners.apply(p);
      for (int j = 0; j < o.size(); j++) {
        b.append(j == 0 ? "" : ",").append("\"n").append(o.get(j) + 1).append('"');
      }
      b.append(']');
    }
    return b.append("]}").toString();
  }

  /** The client knows only the first member: the table tells it the rest. */
  private LogkvClient client() {
    LogkvClient c = LogkvClient.builder().baseUrls(List.of(members.get(0).url())).build();
    clients.add(c);
    return c;
  }

  private static Answer value(String servedBy) {
    return Answer.text(200, servedBy).header("X-Log-Position", "0:1");
  }

  /** The index of the {@code rank}-th owner of {@code key} in the table p -> [p % 3, (p + 1) % 3]. */
  private static int owner(String key, int rank) {
    int p = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    return (p + rank) % 3;
  }

  private static String key(Received r) {
    return java.net.URLDecoder.decode(r.rawPath().substring("/keys/".length()), StandardCharsets.UTF_8);
  }

  private long clusterFetches() {
    return members.stream().mapToLong(ScriptedServer::clusterRequests).sum();
  }
}
