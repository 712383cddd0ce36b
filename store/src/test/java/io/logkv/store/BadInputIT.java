package io.logkv.store;

import static io.logkv.store.ReplicationIT.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input gets a clear error, changes nothing and never stalls the node. After every test the
 * node's digest is what it was before, and the node still answers.
 */
@ExtendWith(SharedBroker.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputIT {
  private TestNodes nodes;
  private Node node;
  private Node capped;
  private String digestBefore;

  @BeforeAll
  void start(@TempDir Path dataDir) {
    nodes = new TestNodes(SharedBroker.bootstrapServers(), dataDir);
    node = nodes.start("strict", "--max-value-bytes", "1KiB", "--request-timeout", "1s", "--idle-timeout", "1s");
    capped = nodes.start("capped", "--max-memory-bytes", "16KiB");
    Http.put(node.url() + "/keys/existing", "v");
  }

  @AfterAll
  void stop() {
    nodes.close();
  }

  @BeforeEach
  void rememberState() {
    digestBefore = digest();
  }

  @AfterEach
  void stateIsUnchanged_andNodeStillServes() {
    assertThat(digest()).isEqualTo(digestBefore);
    assertThat(Http.get(node.url() + "/keys/existing").body()).isEqualTo("v");
  }

  @Test
  void emptyKey_is400() {
    assertError(Http.put(node.url() + "/keys/", "v"), 400, "bad_key");
    assertError(Http.get(node.url() + "/keys/"), 400, "bad_key");
    // The original service's routes answer its own 400 shape (PyCacheContractIT has the rest).
    HttpResponse<String> compat = Http.get(node.url() + "/api/cache//");
    assertThat(compat.statusCode()).isEqualTo(400);
    assertThat(json(compat.body()).get("message").asText()).isEqualTo("Invalid request body");
    assertThat(json(compat.body()).at("/payload/error").asText()).contains("the key is empty");
  }

  @Test
  void keyOver1024Bytes_is400_and1024BytesIsTheLimit() {
    String tooLong = "k".repeat(1025);
    assertError(Http.put(node.url() + "/keys/" + tooLong, "v"), 400, "bad_key");
    // Two bytes per character once decoded: 513 x "é" is 1026 bytes.
    assertError(Http.get(node.url() + "/keys/" + "%C3%A9".repeat(513)), 400, "bad_key");
    assertThat(Http.get(node.url() + "/keys/" + "k".repeat(1024)).statusCode()).isEqualTo(404);
  }

  @Test
  void badPercentEncoding_is400() {
    assertError(Http.get(node.url() + "/keys/%FF%FE"), 400, "bad_encoding"); // not UTF-8
    assertError(Http.get(node.url() + "/keys?prefix=%C3"), 400, "bad_encoding");
    for (String path : new String[] {"/keys/%zz", "/keys/abc%4", "/keys/%"}) {
      try (RawHttp raw = new RawHttp(node.port())) {
        String response = raw.send("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .readUntilClosed(Duration.ofSeconds(10));
        assertThat(RawHttp.status(response)).as(path).isEqualTo(400);
      }
    }
  }

  @Test
  void badTtl_is400() {
    for (String ttl : new String[] {"abc", "0", "-5", "10x", "1.5s", "", "99999999999999d", "36501d"}) {
      assertError(Http.put(node.url() + "/keys/ttl-key?ttl=" + ttl, "v"), 400, "bad_ttl");
    }
    assertThat(Http.get(node.url() + "/keys/ttl-key").statusCode()).isEqualTo(404);
  }

  @Test
  void bodyOverTheLimit_is413_withoutReadingIt() {
    assertError(Http.put(node.url() + "/keys/big", new byte[1025]), 413, "value_too_large");
    assertThat(Http.put(node.url() + "/keys/max", new byte[1024]).statusCode()).isEqualTo(200);
    Http.delete(node.url() + "/keys/max");
    digestBefore = digest(); // the two lines above changed state on purpose

    // A declared length far over the limit is answered before a byte of the body is sent.
    try (RawHttp raw = new RawHttp(node.port())) {
      String response = raw.send("PUT /keys/big HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600\r\n\r\n")
          .readUntilClosed(Duration.ofSeconds(10));
      assertThat(RawHttp.status(response)).isEqualTo(413);
    }
    // A chunked body is cut off as soon as it grows past the limit.
    try (RawHttp raw = new RawHttp(node.port())) {
      raw.send("PUT /keys/big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
      String chunk = "400\r\n" + "a".repeat(1024) + "\r\n";
      raw.send(chunk).send(chunk);
      String response = raw.readUntilClosed(Duration.ofSeconds(10));
      assertThat(RawHttp.status(response)).isEqualTo(413);
    }
    assertThat(Http.get(node.url() + "/keys/big").statusCode()).isEqualTo(404);
  }

  @Test
  void unknownRoute_is404Json() {
    HttpResponse<String> r = Http.get(node.url() + "/nope");
    assertError(r, 404, "not_found");
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    assertError(Http.get(node.url() + "/health"), 404, "not_found");
  }

  @Test
  void wrongMethod_is405_withAllow() {
    HttpResponse<String> patch = Http.method("PATCH", node.url() + "/keys/existing");
    assertError(patch, 405, "method_not_allowed");
    assertThat(patch.headers().firstValue("Allow")).contains("GET, PUT, DELETE");
    HttpResponse<String> post = Http.post(node.url() + "/keys/existing", "x");
    assertError(post, 405, "method_not_allowed");
    HttpResponse<String> putStatus = Http.put(node.url() + "/status", "x");
    assertError(putStatus, 405, "method_not_allowed");
    assertThat(putStatus.headers().firstValue("Allow")).contains("GET");
    assertError(Http.delete(node.url() + "/keys"), 405, "method_not_allowed");
    assertError(Http.method("PUT", node.url() + "/api/cache/existing/"), 405, "method_not_allowed");
  }

  @Test
  void badQueryAndTokens_are400() {
    assertError(Http.get(node.url() + "/keys?limit=0"), 400, "bad_query");
    assertError(Http.get(node.url() + "/keys?limit=5000"), 400, "bad_query");
    assertError(Http.get(node.url() + "/keys?limit=1&limit=2"), 400, "bad_query");
    assertError(Http.get(node.url() + "/keys/existing", Map.of("X-Min-Position", "nonsense")), 400, "bad_position");
    assertError(Http.get(node.url() + "/keys/existing", Map.of("X-Min-Position", "99:1")), 400, "bad_position");
    assertError(Http.get(node.url() + "/keys/existing", Map.of("X-Min-Position", "-1:5")), 400, "bad_position");
  }

  @Test
  void oversizedHeaders_areRefused_andTheNodeKeepsServing() {
    try (RawHttp raw = new RawHttp(node.port())) {
      String response = raw.send("GET /keys/existing HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(64 * 1024) + "\r\n\r\n")
          .readUntilClosed(Duration.ofSeconds(10));
      int status = RawHttp.status(response);
      assertThat(status == -1 || status >= 400).as("answer to a 64 KiB header: " + status).isTrue();
    }
  }

  @Test
  void slowHead_isCutOffByTheRequestTimeout() {
    try (RawHttp raw = new RawHttp(node.port())) {
      raw.send("GET /keys/existing HTTP/1.1\r\nHost: x\r\n"); // and never the blank line
      raw.readUntilClosed(Duration.ofSeconds(10));
    }
  }

  @Test
  void slowBody_isCutOffByTheRequestTimeout_andNothingIsWritten() {
    try (RawHttp raw = new RawHttp(node.port())) {
      raw.send("PUT /keys/slow HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789");
      raw.readUntilClosed(Duration.ofSeconds(10));
    }
    assertThat(Http.get(node.url() + "/keys/slow").statusCode()).isEqualTo(404);
  }

  @Test
  void idleConnection_isClosedByTheIdleTimeout() {
    try (RawHttp raw = new RawHttp(node.port())) {
      raw.readUntilClosed(Duration.ofSeconds(10));
    }
  }

  @Test
  void memoryCapReached_is507_andADeleteMakesRoomAgain() {
    byte[] value = new byte[1024];
    int accepted = 0;
    HttpResponse<String> refused = null;
    for (int i = 0; i < 64 && refused == null; i++) {
      HttpResponse<String> r = Http.put(capped.url() + "/keys/fill-" + i, value);
      if (r.statusCode() == 200) {
        accepted++;
      } else {
        refused = r;
      }
    }
    assertThat(accepted).isBetween(5, 16);
    assertThat(refused).isNotNull();
    assertError(refused, 507, "memory_cap");
    assertThat(Http.get(capped.url() + "/keys/fill-" + accepted).statusCode()).isEqualTo(404);

    assertThat(Http.delete(capped.url() + "/keys/fill-0").statusCode()).isEqualTo(204);
    assertThat(Http.put(capped.url() + "/keys/fill-again", value).statusCode()).isEqualTo(200);
    // The accepted writes share the topic and changed state on purpose: let `node` apply them.
    TestNodes.awaitApplied(node.url(), appliedToken(capped));
    digestBefore = digest();
  }

  private static void assertError(HttpResponse<String> r, int status, String code) {
    assertThat(r.statusCode()).as(r.uri() + " -> " + r.body()).isEqualTo(status);
    JsonNode body = json(r.body());
    assertThat(body.get("error").asText()).isEqualTo(code);
    assertThat(body.get("detail").asText()).isNotBlank();
  }

  /** A position token for everything {@code n} has applied. */
  static String appliedToken(Node n) {
    StringBuilder token = new StringBuilder();
    for (String part : json(Http.get(n.url() + "/admin/digest").body()).get("applied").asText().split(",")) {
      String[] po = part.split(":");
      long next = Long.parseLong(po[1]);
      if (next > 0) {
        token.append(token.length() == 0 ? "" : ",").append(po[0]).append(':').append(next - 1);
      }
    }
    return token.toString();
  }

  private String digest() {
    return json(Http.get(node.url() + "/admin/digest").body()).get("digest").asText();
  }
}
