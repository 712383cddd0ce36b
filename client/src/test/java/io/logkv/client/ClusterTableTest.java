package io.logkv.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logkv.client.Json.JsonException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

class ClusterTableTest {
  static final String TABLE = """
      {"members":[{"id":"n1","url":"http://127.0.0.1:8081"},{"id":"n2","url":"http://127.0.0.1:8082/"},
                  {"id":"n3","url":"http://127.0.0.1:8083","ready":true}],
       "replicas":2,"partitions":3,"partitioner":"murmur2",
       "owners":[["n1","n2"],["n2","n3"],["n3","n1"]],
       "ready":{"0":["n1"]}}
      """;

  @Test
  void parse_readsMembersAndOwners_ignoringFieldsItDoesNotKnow() {
    ClusterTable t = ClusterTable.parse(TABLE);
    assertThat(t.partitions()).isEqualTo(3);
    assertThat(t.replicas()).isEqualTo(2);
    assertThat(t.memberUrls()).containsExactly(
        URI.create("http://127.0.0.1:8081"), URI.create("http://127.0.0.1:8082"), URI.create("http://127.0.0.1:8083"));
    assertThat(t.owners(1)).containsExactly(URI.create("http://127.0.0.1:8082"), URI.create("http://127.0.0.1:8083"));
    byte[] key = "user:42".getBytes(StandardCharsets.UTF_8);
    assertThat(t.partitionOf(key)).isEqualTo(Utils.toPositive(Utils.murmur2(key)) % 3);
  }

  @Test
  void parse_refusesATableItCannotRouteBy() {
    refused(TABLE.replace("murmur2", "crc32"), "partitioner 'crc32'");
    refused(TABLE.replace("\"partitions\":3", "\"partitions\":4"), "owners lists 3 partitions, but there are 4");
    refused(TABLE.replace("[\"n3\",\"n1\"]", "[\"n3\",\"n9\"]"), "owners of partition 2 name n9");
    refused(TABLE.replace("[\"n3\",\"n1\"]", "[\"n3\",\"n3\"]"), "owners of partition 2 name n3");
    refused(TABLE.replace("[\"n3\",\"n1\"]", "[]"), "owners of partition 2 must be a non-empty array");
    refused(TABLE.replace("\"id\":\"n2\"", "\"id\":\"n1\""), "member 'n1' is listed twice");
    refused(TABLE.replace("http://127.0.0.1:8083", "not a url"), "member n3's url");
    refused(TABLE.replace("\"replicas\":2,", ""), "'replicas' is missing");
    refused(TABLE.replace("\"replicas\":2", "\"replicas\":0"), "replicas must be at least 1");
    refused("{\"members\":[],\"replicas\":1,\"partitions\":1,\"partitioner\":\"murmur2\",\"owners\":[[]]}",
        "member list is empty");
    refused("<html/>", "not valid JSON");
  }

  private static void refused(String body, String why) {
    assertThatThrownBy(() -> ClusterTable.parse(body)).isInstanceOf(JsonException.class).hasMessageContaining(why);
  }

  @Test
  void aDocumentThatSaysFullCopy_isNoTableToRouteBy() {
    String doc = "{\"sharded\":false,\"members\":[{\"id\":\"n1\",\"url\":\"http://127.0.0.1:1\"}],"
        + "\"replicas\":1,\"partitions\":1,\"partitioner\":\"murmur2\",\"owners\":[[\"n1\"]]}";
    org.assertj.core.api.Assertions.assertThat(ClusterTable.fullCopy(doc)).isTrue();
    org.assertj.core.api.Assertions.assertThat(ClusterTable.fullCopy(doc.replace("false", "true"))).isFalse();
    org.assertj.core.api.Assertions.assertThat(ClusterTable.fullCopy(doc.replace("\"sharded\":false,", ""))).isFalse();
  }
}
