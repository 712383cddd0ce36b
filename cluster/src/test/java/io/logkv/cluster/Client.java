package io.logkv.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** HTTP for the cluster tests; every request bounded in time. */
final class Client {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private Client() {}

  static HttpResponse<String> send(String method, String url, String body, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(String url, Map<String, String> headers) throws IOException, InterruptedException {
    return send("GET", url, null, headers);
  }

  static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return send("GET", url, null, Map.of());
  }

  /**
   * A PUT, made again (for up to 15 s) while the node answers 503 with {@code "outcome":
   * "not_applied"}, as the client library does: the node refused it before the log (a follower
   * briefly out of the in-sync set on a loaded machine), so repeating it cannot apply it twice.
   */
  static HttpResponse<String> put(String url, String body) throws IOException, InterruptedException {
    AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
    try {
      Awaitility.await().atMost(Duration.ofSeconds(15)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
          .until(() -> {
            HttpResponse<String> r = send("PUT", url, body, Map.of());
            last.set(r);
            return r.statusCode() != 503 || !r.body().contains("\"outcome\":\"not_applied\"");
          });
    } catch (ConditionTimeoutException stillRefused) {
      // the last refusal is the answer
    }
    return last.get();
  }
}
