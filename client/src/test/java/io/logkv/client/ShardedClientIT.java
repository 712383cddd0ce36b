package io.logkv.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.logkv.cluster.LocalCluster;
import io.logkv.cluster.NodeProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Against a real sharded cluster (3 nodes, each partition on 2): the client reads the owner table
 * from {@code GET /cluster} and sends each key straight to an owner, so no node has to forward,
 * though it was given one node's URL only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShardedClientIT {
  private LocalCluster cluster;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() {
    cluster = LocalCluster.builder().nodes(3).replicas(2).partitions(12).brokers(1).nginx(null).build().start();
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  @Test
  void eachKeyGoesStraightToAnOwner_andASessionReadsItsWrites() throws Exception {
    long before = forwarded();
    try (LogkvClient client = LogkvClient.builder().baseUrls(cluster.node(0).url()).build()) {
      Session session = Session.readYourWrites();
      for (int i = 0; i < 100; i++) {
        client.put("routed-" + i, "v" + i, PutOptions.session(session));
        assertThat(client.get("routed-" + i, ReadOptions.session(session)).orElseThrow().asString()).isEqualTo("v" + i);
      }
      assertThat(client.list("routed-", null, 1000).keys()).hasSize(100);
    }
    assertThat(forwarded() - before).as("requests a node had to forward").isZero();
  }

  private long forwarded() throws Exception {
    long sum = 0;
    for (NodeProcess n : cluster.nodes()) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(n.url() + "/status")).build(),
          HttpResponse.BodyHandlers.ofString());
      sum += new ObjectMapper().readTree(r.body()).at("/cluster/forwarded_requests").asLong();
    }
    return sum;
  }
}
