package io.logkv.store;

import static io.logkv.store.ReplicationIT.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node with an auth file: each role reaches its routes and only those, every refusal has its
 * status, challenge and JSON shape and changes nothing, health checks stay open, and edits of
 * the file take effect without a restart.
 */
@ExtendWith(SharedBroker.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthIT {
  private static final String READER = "reader-6f1c0e5a9b2d4c8e";
  private static final String WRITER = "writer-0a7d3b9c1e5f2a6d";
  private static final String ADMIN = "admin-4e8b2f6a0c9d1e3b7";
  private static final String READ_WRITE = "readwrite-9c3e7a1b5d0f";
  private static final String LATE = "late-token-2b6f0a4c8e1d";

  /** One request of each route, with the role it needs. */
  private record Route(String method, String path, String body, String role) {}

  private static final List<Route> ROUTES = List.of(
      new Route("GET", "/keys/seeded", null, "read"),
      new Route("GET", "/keys?prefix=s", null, "read"),
      new Route("GET", "/api/cache/seeded/", null, "read"),
      new Route("GET", "/status", null, "read"),
      new Route("PUT", "/keys/written", "v", "write"),
      new Route("DELETE", "/keys/written", null, "write"),
      new Route("POST", "/keys/seeded/ttl?ttl=1h", null, "write"),
      new Route("POST", "/api/cache/compat/", "\"json\"", "write"),
      new Route("DELETE", "/api/cache/compat/", null, "write"),
      new Route("GET", "/metrics", null, "admin"),
      new Route("GET", "/admin/digest", null, "admin"));

  private Path tokens;
  private TestNodes nodes;
  private Node node;
  private String digestBefore;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    tokens = dir.resolve("tokens");
    writeTokens(READER + " read\n" + WRITER + " write\n" + ADMIN + " admin\n" + READ_WRITE + " read,write\n");
    nodes = new TestNodes(SharedBroker.bootstrapServers(), dir.resolve("data"));
    node = nodes.start("auth", "--auth-file", tokens.toString());
    assertThat(call("PUT", "/keys/seeded", "v", WRITER).statusCode()).isEqualTo(200);
  }

  @AfterAll
  void stop() {
    nodes.close();
  }

  @BeforeEach
  void rememberState() {
    digestBefore = digest();
  }

  @Test
  void eachRole_reachesItsRoutes() {
    for (Route r : ROUTES) {
      String token = switch (r.role()) {
        case "read" -> READER;
        case "write" -> WRITER;
        default -> ADMIN;
      };
      HttpResponse<String> answer = call(r.method(), r.path(), r.body(), token);
      assertThat(answer.statusCode()).as(r + " -> " + answer.body()).isBetween(200, 299);
    }
    // A token may hold several roles.
    assertThat(call("PUT", "/keys/both", "v", READ_WRITE).statusCode()).isEqualTo(200);
    assertThat(call("GET", "/keys/both", null, READ_WRITE).body()).isEqualTo("v");
    assertThat(call("DELETE", "/keys/both", null, READ_WRITE).statusCode()).isEqualTo(204);
    digestBefore = digest(); // the writes above changed state on purpose
  }

  @Test
  void everyOtherRole_is403_withTheRoleItNeeds_andWriteDoesNotImplyRead() {
    for (Route r : ROUTES) {
      for (String token : List.of(READER, WRITER, ADMIN)) {
        boolean holds = token.equals(READER) && r.role().equals("read") || token.equals(WRITER) && r.role().equals("write")
            || token.equals(ADMIN) && r.role().equals("admin");
        if (holds) {
          continue;
        }
        HttpResponse<String> answer = call(r.method(), r.path(), r.body(), token);
        assertError(answer, 403, "forbidden", r.toString());
        assertThat(json(answer.body()).get("detail").asText()).contains("'" + r.role() + "' role");
        assertThat(answer.headers().firstValue("WWW-Authenticate").orElse(""))
            .contains("error=\"insufficient_scope\"").contains("scope=\"" + r.role() + "\"");
      }
    }
  }

  @Test
  void noToken_orAnUnknownOne_is401_withABearerChallenge() {
    for (Route r : ROUTES) {
      HttpResponse<String> none = call(r.method(), r.path(), r.body(), null);
      assertError(none, 401, "unauthorized", r.toString());
      assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"logkv\"");

      HttpResponse<String> unknown = call(r.method(), r.path(), r.body(), READER + "x");
      assertError(unknown, 401, "unauthorized", r.toString());
      assertThat(unknown.headers().firstValue("WWW-Authenticate").orElse("")).contains("error=\"invalid_token\"");
      assertThat(unknown.body()).doesNotContain(READER);
    }
    HttpResponse<String> basic = Http.send(request("GET", "/keys/seeded", null).header("Authorization", "Basic YTpi"));
    assertError(basic, 401, "unauthorized", "Basic credentials");
    HttpResponse<String> twice = Http.send(request("GET", "/keys/seeded", null)
        .header("Authorization", "Bearer " + WRITER).header("Authorization", "Bearer " + READER));
    assertError(twice, 401, "unauthorized", "two Authorization headers");
    // An unknown path is closed too (it needs admin, and only then says 404).
    assertError(call("GET", "/no-such-route", null, READER), 403, "forbidden", "unknown route");
    assertError(call("GET", "/no-such-route", null, ADMIN), 404, "not_found", "unknown route, admin");
  }

  @Test
  void healthRoutes_stayOpen() {
    for (String path : List.of("/health/live", "/health/ready", "/api/health/")) {
      assertThat(call("GET", path, null, null).statusCode()).as(path).isEqualTo(200);
    }
  }

  @Test
  void aRefusedWriteWithABody_isNotRead_andItsConnectionIsClosed() {
    try (RawHttp raw = new RawHttp(node.port())) {
      // Declares a megabyte and sends none of it: the 401 comes at once, and the node hangs up.
      String response = raw.send("PUT /keys/unread HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n")
          .readUntilClosed(Duration.ofSeconds(10));
      assertThat(RawHttp.status(response)).isEqualTo(401);
      assertThat(response).contains("WWW-Authenticate: Bearer realm=\"logkv\"").contains("\"unauthorized\"");
    }
    assertThat(call("GET", "/keys/unread", null, READER).statusCode()).isEqualTo(404);
  }

  @Test
  void editsOfTheAuthFile_takeEffectWithoutARestart_andABrokenFileKeepsTheLastGoodOne() throws Exception {
    String before = Files.readString(tokens);
    try {
      assertThat(call("GET", "/keys/seeded", null, LATE).statusCode()).isEqualTo(401);
      writeTokens(before + LATE + " read\n");
      await("a token added to the file is accepted").atMost(Duration.ofSeconds(10))
          .until(() -> call("GET", "/keys/seeded", null, LATE).statusCode() == 200);

      writeTokens(before.replace(READER + " read\n", "") + LATE + " read\n");
      await("a token removed from the file is refused").atMost(Duration.ofSeconds(10))
          .until(() -> call("GET", "/keys/seeded", null, READER).statusCode() == 401);

      // A broken file (an unknown role) is logged and ignored: the last good table stays.
      long rejectedBefore = metric("logkv_auth_file_rejected_total");
      writeTokens(before + LATE + " superuser\n");
      await("the broken file is seen and refused").atMost(Duration.ofSeconds(10))
          .until(() -> metric("logkv_auth_file_rejected_total") > rejectedBefore);
      assertThat(call("GET", "/keys/seeded", null, LATE).statusCode()).isEqualTo(200);
      assertThat(call("GET", "/keys/seeded", null, READER).statusCode()).isEqualTo(401);
    } finally {
      writeTokens(before);
      await("the original file is back").atMost(Duration.ofSeconds(10))
          .until(() -> call("GET", "/keys/seeded", null, READER).statusCode() == 200
              && call("GET", "/keys/seeded", null, LATE).statusCode() == 401);
    }
  }

  @AfterEach
  void nothingChanged() {
    assertThat(digest()).isEqualTo(digestBefore);
    assertThat(call("GET", "/keys/seeded", null, READER).body()).isEqualTo("v");
  }

  /** Replaces the file in one step, as an editor or a secret mount does, readable by its owner only. */
  private void writeTokens(String text) throws Exception {
    Path staged = Files.writeString(tokens.resolveSibling("tokens.tmp"), text);
    Files.setPosixFilePermissions(staged, PosixFilePermissions.fromString("rw-------"));
    Files.move(staged, tokens, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private HttpRequest.Builder request(String method, String path, String body) {
    return HttpRequest.newBuilder(URI.create(node.url() + path)).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
  }

  private HttpResponse<String> call(String method, String path, String body, String token) {
    HttpRequest.Builder b = request(method, path, body);
    if (path.startsWith("/api/cache/") && body != null) {
      b.header("Content-Type", "application/json");
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return Http.send(b);
  }

  private long metric(String name) {
    return call("GET", "/metrics", null, ADMIN).body().lines().filter(l -> l.startsWith(name + " "))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(name.length() + 1))).findFirst().orElse(-1);
  }

  private String digest() {
    return json(call("GET", "/admin/digest", null, ADMIN).body()).get("digest").asText();
  }

  private static void assertError(HttpResponse<String> r, int status, String code, String what) {
    assertThat(r.statusCode()).as(what + " -> " + r.body()).isEqualTo(status);
    JsonNode body = json(r.body());
    assertThat(body.get("error").asText()).as(what).isEqualTo(code);
    assertThat(body.get("detail").asText()).as(what).isNotBlank();
  }
}
