package io.logkv.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logkv.chaos.history.Position;
import io.logkv.chaos.history.ReadMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The logkv HTTP API from a client's side, against one base URL (nginx or one node). Key
 * operations never throw: a failure to get an answer is a {@link Reply} with status 0. Admin
 * calls ({@link #json}) throw, since a scenario cannot go on without them.
 */
public final class KvClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUrl;
  private final Duration timeout;
  private final HttpClient http;

  /**
   * @param timeout bound on each request, above nginx's own retry window (15 s) for a balancer so
   *     that nginx, not the client, decides when a request failed
   */
  public KvClient(String baseUrl, Duration timeout) {
    this.baseUrl = baseUrl;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2))
        .build();
  }

  public String baseUrl() {
    return baseUrl;
  }

  public Reply put(String key, String value) {
    return send(request("/keys/" + key).PUT(HttpRequest.BodyPublishers.ofString(value)).build());
  }

  public Reply delete(String key) {
    return send(request("/keys/" + key).DELETE().build());
  }

  /** A GET in {@code mode}; {@code tokens} are sent as {@code X-Min-Position} when not empty. */
  public Reply get(String key, ReadMode mode, List<Position> tokens) {
    HttpRequest.Builder b = request("/keys/" + key + (mode == ReadMode.STRONG ? "?consistency=strong" : ""));
    if (!tokens.isEmpty()) {
      b.header("X-Min-Position", Position.header(tokens));
    }
    return send(b.GET().build());
  }

  /** Every live key starting with {@code prefix}, page by page. */
  public List<String> keys(String prefix) {
    List<String> keys = new ArrayList<>();
    String after = null;
    do {
      String q = "/keys?limit=1000&prefix=" + enc(prefix) + (after == null ? "" : "&after=" + enc(after));
      JsonNode page = json(q);
      page.get("keys").forEach(k -> keys.add(k.asText()));
      after = page.get("next").isNull() ? null : page.get("next").asText();
    } while (after != null);
    return keys;
  }

  /** GETs {@code path} and parses the JSON body; throws unless the answer is a 200. */
  public JsonNode json(String path) {
    Reply r = send(request(path).GET().build());
    if (r.status() != 200) {
      throw new IllegalStateException("GET " + baseUrl + path + " answered " + r.errorKind() + ": " + r.body());
    }
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + baseUrl + path + " answered no JSON", e);
    }
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout);
  }

  private Reply send(HttpRequest request) {
    long started = System.nanoTime();
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Reply(r.statusCode(), r.body(),
          r.headers().firstValue("X-Log-Position").orElse(null),
          r.headers().firstValue("ETag").orElse(null), null, System.nanoTime() - started,
          r.headers().firstValue("X-Served-By").orElse(null));
    } catch (IOException e) {
      return new Reply(0, "", null, null, e.getClass().getSimpleName(), System.nanoTime() - started, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Reply(0, "", null, null, "InterruptedException", System.nanoTime() - started, null);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
