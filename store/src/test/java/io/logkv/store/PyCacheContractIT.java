package io.logkv.store;

import static io.logkv.store.ReplicationIT.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The original Python service's routes answer exactly as it did (checked against its source):
 * JSON only with a JSON Content-Type, its 400 shape, its payloads, its health route.
 */
@ExtendWith(SharedBroker.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PyCacheContractIT {
  private TestNodes nodes;
  private Node node;

  @BeforeAll
  void start(@TempDir Path dataDir) {
    nodes = new TestNodes(SharedBroker.bootstrapServers(), dataDir);
    node = nodes.start("py");
  }

  @AfterAll
  void stop() {
    nodes.close();
  }

  @Test
  void set_andGet_answerTheOriginalsPayload_keyAndValueOnly() {
    HttpResponse<String> set = Http.postJson(url("doc"), "{\"name\":\"bob\",\"tags\":[1,2]}");
    assertThat(set.statusCode()).isEqualTo(201);
    JsonNode created = json(set.body());
    assertThat(created.get("message").asText()).isEqualTo("Cache key set success");
    assertThat(fieldNames(created.get("payload"))).containsExactly("key", "value");
    assertThat(created.at("/payload/key").asText()).isEqualTo("doc");
    assertThat(created.at("/payload/value/tags/1").asInt()).isEqualTo(2);

    JsonNode got = json(Http.get(url("doc")).body());
    assertThat(got.get("message").asText()).isEqualTo("Cache key get success");
    assertThat(fieldNames(got.get("payload"))).containsExactly("key", "value");
    assertThat(got.at("/payload/value/name").asText()).isEqualTo("bob");

    HttpResponse<String> absent = Http.get(url("nobody"));
    assertThat(absent.statusCode()).isEqualTo(200);
    assertThat(json(absent.body()).get("payload")).isEmpty();

    HttpResponse<String> deleted = Http.delete(url("doc"));
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(json(deleted.body()).get("message").asText()).isEqualTo("Cache key expired");
    assertThat(json(deleted.body()).get("payload")).isEmpty();
  }

  @Test
  void everyValueTheOriginalAccepts_isStored() {
    for (String value : List.of("\"text\"", "0", "-1.5", "{}", "{\"a\":null}", "[0]", "[[],{}]")) {
      HttpResponse<String> set = Http.postJson(url("v"), value);
      assertThat(set.statusCode()).as(value).isEqualTo(201);
      assertThat(json(Http.get(url("v")).body()).at("/payload/value")).as(value).isEqualTo(json(value));
    }
  }

  @Test
  void aJsonContentTypeWithParametersOrASuffix_isJson() {
    assertThat(Http.post(url("ct1"), "1", "application/json; charset=utf-8").statusCode()).isEqualTo(201);
    assertThat(Http.post(url("ct2"), "2", "application/vnd.logkv+json").statusCode()).isEqualTo(201);
    assertThat(Http.post(url("ct3"), "3", "Application/JSON").statusCode()).isEqualTo(201);
  }

  @Test
  void badBodies_are400_inTheOriginalsShape_andChangeNothing() {
    assertThat(Http.postJson(url("keep"), "\"original\"").statusCode()).isEqualTo(201);
    String before = digest();
    assertInvalid(Http.post(url("keep"), "\"x\"")); // no Content-Type at all
    assertInvalid(Http.post(url("keep"), "\"x\"", "text/plain"));
    assertInvalid(Http.post(url("keep"), "\"x\"", "application/x-www-form-urlencoded"));
    assertInvalid(Http.post(url("keep"), "\"x\"", "application/jsonx"));
    for (String bad : List.of("", "\"\"", "[]", "true", "false", "null", "{oops", "1 2")) {
      assertInvalid(Http.postJson(url("keep"), bad));
    }
    assertInvalid(Http.get(node.url() + "/api/cache/keep/?consistency=eventual"));
    assertThat(digest()).isEqualTo(before);
    assertThat(json(Http.get(url("keep")).body()).at("/payload/value").asText()).isEqualTo("original");
  }

  @Test
  void health_answersItWorks() {
    for (String path : List.of("/api/health/", "/api/health")) {
      HttpResponse<String> health = Http.get(node.url() + path);
      assertThat(health.statusCode()).as(path).isEqualTo(200);
      assertThat(json(health.body()).get("message").asText()).isEqualTo("It works!!!");
      assertThat(json(health.body()).get("payload").isObject()).isTrue();
    }
  }

  private static void assertInvalid(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    JsonNode body = json(r.body());
    assertThat(fieldNames(body)).containsExactly("message", "payload");
    assertThat(body.get("message").asText()).isEqualTo("Invalid request body");
    assertThat(body.at("/payload/error").asText()).isNotBlank();
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private String url(String key) {
    return node.url() + "/api/cache/" + key + "/";
  }

  private String digest() {
    return json(Http.get(node.url() + "/admin/digest").body()).get("digest").asText();
  }
}
