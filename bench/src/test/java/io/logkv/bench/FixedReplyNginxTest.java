package io.logkv.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The nginx ceilings: a fixed reply, straight and through the project's own nginx configuration. */
@Timeout(60)
class FixedReplyNginxTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void answersAFixedBody_straight_andThroughTheProjectsNginx(@TempDir Path dir) throws Exception {
    Path nginx = ToolFinder.forThisMachine().find(Tool.NGINX).orElse(null);
    assumeTrue(nginx != null, Tool.notRun(List.of(Tool.NGINX)));
    try (FixedReplyNginx ceiling = new FixedReplyNginx(nginx, dir, 100).start()) {
      for (String url : List.of(ceiling.url(), ceiling.proxyUrl())) {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/keys/k42")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url).isEqualTo(200);
        assertThat(r.body()).as(url).isEqualTo("x".repeat(100));
      }
      // The proxy is the project's configuration: it names the upstream attempts' statuses.
      HttpResponse<String> proxied = HTTP.send(HttpRequest.newBuilder(URI.create(ceiling.proxyUrl() + "/keys/k42")).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(proxied.headers().firstValue("X-Upstream-Status")).contains("200");
    }
  }
}
