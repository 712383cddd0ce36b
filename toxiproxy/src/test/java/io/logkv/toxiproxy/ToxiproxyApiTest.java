package io.logkv.toxiproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.Toxic;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import eu.rekawek.toxiproxy.model.toxic.Latency;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The control API, driven through the unmodified toxiproxy-java client and raw HTTP. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ToxiproxyApiTest {

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final ObjectMapper json = new ObjectMapper();

  @RegisterExtension final ToxiproxyFixture toxiproxy = new ToxiproxyFixture();

  @Test
  void server_reportsItsUrlAndPort() {
    assertThat(toxiproxy.server().port()).isPositive();
    assertThat(toxiproxy.server().url()).isEqualTo("http://127.0.0.1:" + toxiproxy.server().port());
  }

  @Test
  void version_answersJsonWithTheVersion() throws IOException {
    assertThat(json.readTree(toxiproxy.client().version()).path("version").asText()).isNotEmpty();
  }

  @Test
  void createProxy_onPortZero_reportsTheBoundAddress() throws IOException {
    Proxy proxy = toxiproxy.client().createProxy("n1-kafka", "127.0.0.1:0", toxiproxy.upstream().address());

    assertThat(proxy.getName()).isEqualTo("n1-kafka");
    assertThat(proxy.getListen()).startsWith("127.0.0.1:").isNotEqualTo("127.0.0.1:0");
    assertThat(proxy.getUpstream()).isEqualTo(toxiproxy.upstream().address());
    assertThat(proxy.isEnabled()).isTrue();
    assertThat(toxiproxy.client().getProxy("n1-kafka").getListen()).isEqualTo(proxy.getListen());
  }

  @Test
  void getProxies_listsEveryProxy() throws IOException {
    toxiproxy.client().createProxy("a", "127.0.0.1:0", toxiproxy.upstream().address());
    toxiproxy.client().createProxy("b", "127.0.0.1:0", toxiproxy.upstream().address());

    assertThat(toxiproxy.client().getProxies()).extracting(Proxy::getName).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void createProxy_whenTheNameIsTaken_answers409() throws IOException {
    toxiproxy.client().createProxy("a", "127.0.0.1:0", toxiproxy.upstream().address());

    assertThatThrownBy(() -> toxiproxy.client().createProxy("a", "127.0.0.1:0", toxiproxy.upstream().address()))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("[409]");
  }

  @Test
  void getProxy_whenMissing_answers404_soGetProxyOrNullIsNull() {
    assertThatThrownBy(() -> toxiproxy.client().getProxy("missing"))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("[404]");
    assertThat(toxiproxy.client().getProxyOrNull("missing")).isNull();
  }

  @Test
  void createProxy_whenTheListenAddressIsTaken_answers500AndCreatesNothing() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(
              () ->
                  toxiproxy.client().createProxy(
                      "a", "127.0.0.1:" + taken.getLocalPort(), toxiproxy.upstream().address()))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("[500]");
    }
    assertThat(toxiproxy.client().getProxyOrNull("a")).isNull();
  }

  @Test
  void deleteProxy_removesItAndClosesItsListener() throws IOException {
    Proxy proxy = toxiproxy.client().createProxy("a", "127.0.0.1:0", toxiproxy.upstream().address());

    proxy.delete();

    assertThat(toxiproxy.client().getProxyOrNull("a")).isNull();
    assertThat(Wire.refusesConnections(proxy.getListen())).isTrue();
  }

  @Test
  void setListen_movesTheProxyToTheNewAddress() throws IOException {
    Proxy proxy = toxiproxy.client().createProxy("a", "127.0.0.1:0", toxiproxy.upstream().address());
    String before = proxy.getListen();

    proxy.setListen("127.0.0.1:0");

    assertThat(proxy.getListen()).isNotEqualTo(before);
    try (Socket socket = Wire.connect(proxy.getListen())) {
      assertThat(Wire.roundTrip(socket, new byte[] {1, 2, 3})).containsExactly(1, 2, 3);
    }
  }

  @Test
  void updateProxy_byPatch_isAcceptedLikePost() throws Exception {
    toxiproxy.client().createProxy("a", "127.0.0.1:0", toxiproxy.upstream().address());

    HttpResponse<String> response = request("PATCH", "/proxies/a", "{\"enabled\":false}", null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json.readTree(response.body()).path("enabled").asBoolean(true)).isFalse();
    assertThat(toxiproxy.client().getProxy("a").isEnabled()).isFalse();
  }

  @Test
  void populate_createsEveryProxy_answers201() throws Exception {
    String body =
        "[{\"name\":\"a\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"%s\"},"
            + "{\"name\":\"b\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"%s\"}]";

    HttpResponse<String> response =
        request("POST", "/populate", body.formatted(toxiproxy.upstream().address(), toxiproxy.upstream().address()), null);

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(json.readTree(response.body()).path("proxies")).hasSize(2);
    assertThat(toxiproxy.client().getProxies()).extracting(Proxy::getName).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void toxics_listTheUpstreamChainFirst() throws IOException {
    Proxy proxy = toxiproxy.client().createProxy("a", "127.0.0.1:0", toxiproxy.upstream().address());
    proxy.toxics().latency("slow-down", ToxicDirection.DOWNSTREAM, 10);
    proxy.toxics().timeout("cut-up", ToxicDirection.UPSTREAM, 0);

    assertThat(proxy.toxics().getAll())
        .extracting(Toxic::getName)
        .containsExactly("cut-up", "slow-down");
  }

  @Test
  void toxic_withoutAName_isNamedAfterTypeAndStream() throws Exception {
    toxiproxy.client().createProxy("a", "127.0.0.1:0", toxiproxy.upstream().address());

    HttpResponse<String> response =
        request("POST", "/proxies/a/toxics", "{\"type\":\"latency\",\"stream\":\"UpStream\"}", null);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode toxic = json.readTree(response.body());
    assertThat(toxic.path("name").asText()).isEqualTo("latency_upstream");
    assertThat(toxic.path("toxicity").asDouble()).isEqualTo(1.0);
    assertThat(toxic.path("attributes").path("jitter").isNumber()).isTrue();
  }

  @Test
  void updateToxic_changesOnlyWhatWasSent() throws IOException {
    Proxy proxy = toxiproxy.client().createProxy("a", "127.0.0.1:0", toxiproxy.upstream().address());
    Latency latency = proxy.toxics().latency("lag", ToxicDirection.DOWNSTREAM, 100);

    latency.setJitter(7);
    latency.setLatency(250);
    latency.setToxicity(0.5f);

    Latency read = proxy.toxics().get("lag", Latency.class);
    assertThat(read.getLatency()).isEqualTo(250);
    assertThat(read.getJitter()).isEqualTo(7);
    assertThat(read.getToxicity()).isEqualTo(0.5f);
    assertThat(read.getStream()).isEqualTo(ToxicDirection.DOWNSTREAM);
  }

  @Test
  void addToxic_whenTheNameIsTaken_answers409() throws IOException {
    Proxy proxy = toxiproxy.client().createProxy("a", "127.0.0.1:0", toxiproxy.upstream().address());
    proxy.toxics().latency("lag", ToxicDirection.DOWNSTREAM, 100);

    assertThatThrownBy(() -> proxy.toxics().timeout("lag", ToxicDirection.UPSTREAM, 0))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("[409]");
  }

  @Test
  void getToxic_whenMissing_answers404() throws IOException {
    Proxy proxy = toxiproxy.client().createProxy("a", "127.0.0.1:0", toxiproxy.upstream().address());

    assertThatThrownBy(() -> proxy.toxics().get("missing"))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("[404]");
  }

  @Test
  void removeToxic_takesItOffTheList() throws IOException {
    Proxy proxy = toxiproxy.client().createProxy("a", "127.0.0.1:0", toxiproxy.upstream().address());
    proxy.toxics().latency("lag", ToxicDirection.DOWNSTREAM, 100).remove();

    assertThat(proxy.toxics().getAll()).isEmpty();
  }

  @Test
  void reset_removesEveryToxicAndEnablesEveryProxy() throws IOException {
    Proxy off = toxiproxy.client().createProxy("off", "127.0.0.1:0", toxiproxy.upstream().address());
    Proxy toxic = toxiproxy.client().createProxy("toxic", "127.0.0.1:0", toxiproxy.upstream().address());
    off.disable();
    toxic.toxics().timeout("cut", ToxicDirection.DOWNSTREAM, 0);

    toxiproxy.client().reset();

    assertThat(off.isEnabled()).isTrue();
    assertThat(toxic.toxics().getAll()).isEmpty();
    try (Socket socket = Wire.connect(off.getListen())) {
      assertThat(Wire.roundTrip(socket, new byte[] {7})).containsExactly(7);
    }
    try (Socket socket = Wire.connect(toxic.getListen())) {
      assertThat(Wire.roundTrip(socket, new byte[] {8})).containsExactly(8);
    }
  }

  @Test
  void request_fromABrowser_answers403() throws Exception {
    HttpResponse<String> response =
        request("GET", "/proxies", null, "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(json.readTree(response.body()).path("status").asInt()).isEqualTo(403);
  }

  static Stream<Arguments> badRequests() {
    String listen = "\"listen\":\"127.0.0.1:0\"";
    return Stream.of(
        Arguments.of("POST", "/proxies", "not json", 400),
        Arguments.of("POST", "/proxies", "", 400),
        Arguments.of("POST", "/proxies", "{" + listen + ",\"upstream\":\"127.0.0.1:1\"}", 400),
        Arguments.of("POST", "/proxies", "{\"name\":\"b\"," + listen + "}", 400),
        Arguments.of("POST", "/proxies", "{\"name\":\"b\",\"upstream\":\"no-port\"}", 400),
        Arguments.of("POST", "/proxies/existing/toxics", "{\"type\":\"gremlin\"}", 400),
        Arguments.of(
            "POST", "/proxies/existing/toxics", "{\"type\":\"latency\",\"stream\":\"up\"}", 400),
        Arguments.of(
            "POST",
            "/proxies/existing/toxics",
            "{\"type\":\"latency\",\"attributes\":{\"latency\":\"slow\"}}",
            400),
        Arguments.of("POST", "/proxies/existing", "{\"enabled\":\"yes\"}", 400),
        Arguments.of("GET", "/proxies/missing", null, 404),
        Arguments.of("GET", "/proxies/missing/toxics", null, 404),
        Arguments.of("GET", "/proxies/existing/toxics/missing", null, 404),
        Arguments.of("DELETE", "/proxies/existing/toxics/missing", null, 404),
        Arguments.of("GET", "/nowhere", null, 404),
        Arguments.of("PUT", "/proxies", "{}", 405),
        Arguments.of(
            "POST",
            "/proxies",
            "{\"name\":\"existing\"," + listen + ",\"upstream\":\"127.0.0.1:1\"}",
            409));
  }

  @ParameterizedTest(name = "{0} {1} {2} -> {3}")
  @MethodSource("badRequests")
  void error_answersAJsonBodyWithErrorAndStatus(String method, String path, String body, int status)
      throws Exception {
    toxiproxy.client().createProxy("existing", "127.0.0.1:0", toxiproxy.upstream().address());

    HttpResponse<String> response = request(method, path, body, null);

    assertThat(response.statusCode()).isEqualTo(status);
    JsonNode error = json.readTree(response.body());
    assertThat(error.path("status").asInt()).isEqualTo(status);
    assertThat(error.path("error").asText()).isNotBlank();
  }

  private HttpResponse<String> request(String method, String path, String body, String userAgent)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(toxiproxy.server().url() + path))
            .method(
                method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
    if (userAgent != null) {
      request.header("User-Agent", userAgent);
    }
    return http.send(request.build(), BodyHandlers.ofString());
  }
}
