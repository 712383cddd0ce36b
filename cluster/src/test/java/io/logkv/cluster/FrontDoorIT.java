package io.logkv.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logkv.cluster.NginxSettings.RateLimit;
import io.logkv.cluster.tls.LocalCertificates;
import io.logkv.cluster.tls.TlsFiles;
import io.logkv.kafkalocal.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The front door: a node's limits hold through real nginx (values too large, the memory cap, slow
 * heads and bodies, oversized heads, idle connections), HTTPS with the launcher's local CA, and
 * the per-client rate limit with its loopback exemption. One broker, one node with small limits,
 * and three nginx in front of it: plain HTTP (the cluster's own), HTTPS, and one whose exemption
 * leaves 127.0.0.1 out so that this machine's requests are limited.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class FrontDoorIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Low enough to be exceeded by any quick loop; loopback is exempt from it on the cluster's own nginx. */
  private static final RateLimit LOW = new RateLimit(1, 3, RateLimit.LOOPBACK);

  private LocalCluster cluster;
  private Nginx plain;
  private Nginx https;
  private Nginx limited;
  private TlsFiles tls;

  @BeforeAll
  void start() {
    cluster = LocalCluster.builder().brokers(1).nodes(1)
        .nodeArgs(List.of("--max-value-bytes", "1KiB", "--max-memory-bytes", "32KiB"))
        .nginxClientTimeout(Duration.ofSeconds(1))
        .nginxIdleTimeout(Duration.ofSeconds(1))
        .nginxRateLimit(LOW)
        .build().start();
    plain = cluster.nginx().orElseThrow(() -> new AssertionError("nginx must be installed for this test"));
    tls = LocalCertificates.ensure(cluster.dataDir().resolve("tls"));
    // Served as a user's own certificate would be (no CA known to nginx's side); clients trust the CA.
    https = extraNginx("nginx-https", plain.settings().withTls(TlsFiles.userProvided(tls.certificate(), tls.key())));
    // Only 127.0.0.2 is exempt: requests from 127.0.0.1 count.
    limited = extraNginx("nginx-limited", plain.settings().withRateLimit(new RateLimit(1, 3, List.of("127.0.0.2/32"))));
  }

  private Nginx extraNginx(String name, NginxSettings settings) {
    Nginx n = new Nginx(Nginx.find("nginx").orElseThrow(), FreePorts.next(), List.of(cluster.node(0).port()), settings,
        cluster.dataDir().resolve(name), cluster.logDir().resolve(name));
    return n.start(Duration.ofSeconds(30));
  }

  @AfterAll
  void stop() {
    for (Nginx n : new Nginx[] {https, limited}) {
      if (n != null) {
        n.stop();
      }
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  // ---- the node's limits, through nginx

  @Test
  void aValueOverTheNodesLimit_is413_andTheLargestIsStored() throws Exception {
    HttpResponse<String> big = Client.send("PUT", plain.url() + "/keys/big", "x".repeat(1025), java.util.Map.of());
    assertError(big, 413, "value_too_large");
    assertThat(Client.send("PUT", plain.url() + "/keys/max", "x".repeat(1024), java.util.Map.of()).statusCode())
        .isEqualTo(200);
    assertThat(Client.get(plain.url() + "/keys/big").statusCode()).isEqualTo(404);
    assertThat(Client.send("DELETE", plain.url() + "/keys/max", null, java.util.Map.of()).statusCode()).isEqualTo(204);
  }

  @Test
  void aDeclaredBodyOverNginxsLimit_is413_beforeAnyOfItIsSent() {
    try (RawHttp raw = new RawHttp(plain.port())) {
      String response = raw.send("PUT /keys/huge HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600\r\n\r\n")
          .readHead(Duration.ofSeconds(10));
      assertThat(RawHttp.status(response)).isEqualTo(413);
    }
  }

  @Test
  void theMemoryCap_is507_throughNginx_andADeleteMakesRoomAgain() throws Exception {
    String value = "m".repeat(1024);
    List<String> stored = new ArrayList<>();
    HttpResponse<String> refused = null;
    for (int i = 0; i < 200 && refused == null; i++) {
      HttpResponse<String> r = Client.send("PUT", plain.url() + "/keys/fill-" + i, value, java.util.Map.of());
      if (r.statusCode() == 200) {
        stored.add("fill-" + i);
      } else {
        refused = r;
      }
    }
    assertThat(stored).isNotEmpty();
    assertThat(refused).as("a write past 32 KiB").isNotNull();
    assertError(refused, 507, "memory_cap");
    for (String key : stored) {
      assertThat(Client.send("DELETE", plain.url() + "/keys/" + key, null, java.util.Map.of()).statusCode())
          .isEqualTo(204);
    }
    assertThat(Client.send("PUT", plain.url() + "/keys/after-room", value, java.util.Map.of()).statusCode())
        .isEqualTo(200);
    Client.send("DELETE", plain.url() + "/keys/after-room", null, java.util.Map.of());
  }

  @Test
  void aSlowHead_isCutOff() {
    try (RawHttp raw = new RawHttp(plain.port())) {
      raw.send("GET /keys/x HTTP/1.1\r\nHost: x\r\n"); // and never the blank line
      raw.readUntilClosed(Duration.ofSeconds(10));
    }
  }

  @Test
  void aSlowBody_isCutOff_andNothingIsWritten() throws Exception {
    try (RawHttp raw = new RawHttp(plain.port())) {
      raw.send("PUT /keys/slow HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789");
      raw.readUntilClosed(Duration.ofSeconds(10));
    }
    assertThat(Client.get(plain.url() + "/keys/slow").statusCode()).isEqualTo(404);
  }

  @Test
  void anOversizedHead_isRefused_andTheFrontDoorKeepsServing() throws Exception {
    for (String head : List.of("X-Big: " + "a".repeat(64 * 1024), // one line far over
        "X-A: " + "a".repeat(6000) + "\r\nX-B: " + "b".repeat(6000) + "\r\nX-C: " + "c".repeat(6000))) { // 18 KiB in all
      try (RawHttp raw = new RawHttp(plain.port())) {
        String response = raw.send("GET /keys/x HTTP/1.1\r\nHost: x\r\n" + head + "\r\n\r\n")
            .readUntilClosed(Duration.ofSeconds(10));
        assertThat(RawHttp.status(response)).as(response.lines().findFirst().orElse("")).isEqualTo(400);
      }
    }
    assertThat(Client.get(plain.url() + "/health/ready").statusCode()).isEqualTo(200);
  }

  @Test
  void anIdleConnection_isClosed() {
    try (RawHttp raw = new RawHttp(plain.port())) {
      raw.readUntilClosed(Duration.ofSeconds(10));
    }
    try (RawHttp raw = new RawHttp(https.port(), tls.trustingContext())) {
      raw.readUntilClosed(Duration.ofSeconds(10)); // over TLS too
    }
  }

  // ---- HTTPS

  @Test
  void https_withOnlyTheGeneratedCaTrusted_servesPutAndGet() throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(tls.trustingContext()).connectTimeout(Duration.ofSeconds(5))
        .build();
    assertThat(https.url()).startsWith("https://127.0.0.1:");
    HttpResponse<String> put = client.send(HttpRequest.newBuilder(URI.create(https.url() + "/keys/over-tls"))
        .timeout(Duration.ofSeconds(30)).PUT(HttpRequest.BodyPublishers.ofString("secret-value")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).isEqualTo(200);
    HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create(https.url() + "/keys/over-tls"))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(get.body()).isEqualTo("secret-value");
    assertThat(get.sslSession()).hasValueSatisfying(s -> assertThat(s.getProtocol()).isIn("TLSv1.2", "TLSv1.3"));
  }

  @Test
  void https_isNotTrusted_withoutTheCa() {
    HttpClient jdkDefaults = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    assertThatThrownBy(() -> jdkDefaults.send(HttpRequest.newBuilder(URI.create(https.url() + "/nginx-health"))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void plainHttp_toTheHttpsPort_isRefused_notRedirected() throws Exception {
    HttpResponse<String> r = Client.get("http://127.0.0.1:" + https.port() + "/keys/over-tls");
    assertError(r, 400, "https_required");
    assertThat(r.headers().firstValue("Location")).isEmpty();
  }

  // ---- rate limits

  @Test
  void aClientOverTheRate_gets429_withRetryAfter_andIsServedAgainOnceWithinIt() throws Exception {
    List<Integer> statuses = new ArrayList<>();
    HttpResponse<String> refused = null;
    // At 1 request a second with bursts of 3, a quick loop of 20 runs out long before it ends.
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> r = Client.get(limited.url() + "/health/ready");
      statuses.add(r.statusCode());
      if (r.statusCode() == 429 && refused == null) {
        refused = r;
      }
    }
    assertThat(statuses.subList(0, 4)).as("the first request and its burst of 3").containsOnly(200);
    assertThat(statuses).as("statuses in order").contains(429).containsOnly(200, 429);
    assertError(refused, 429, "rate_limited");
    assertThat(refused.headers().firstValue("Retry-After")).contains("1");
    // The balancer's own health check is never limited.
    assertThat(Client.get(limited.url() + "/nginx-health").statusCode()).isEqualTo(200);
    await("served again once the client keeps within the rate").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> Client.get(limited.url() + "/health/ready").statusCode() == 200);
  }

  @Test
  void loopbackClients_areNotRateLimited() throws Exception {
    // The same low rate, but 127.0.0.1 is exempt (the default): nothing is refused.
    for (int i = 0; i < 30; i++) {
      assertThat(Client.get(plain.url() + "/health/ready").statusCode()).as("request " + i).isEqualTo(200);
    }
  }

  private static void assertError(HttpResponse<String> r, int status, String code) throws IOException {
    assertThat(r.statusCode()).as(r.uri() + " -> " + r.body()).isEqualTo(status);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("error").asText()).isEqualTo(code);
    assertThat(body.get("detail").asText()).isNotBlank();
  }
}
