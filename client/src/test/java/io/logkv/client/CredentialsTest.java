package io.logkv.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logkv.client.ScriptedServer.Answer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client for a secured cluster: its bearer token goes with every request, the owner-table fetch
 * included, and never into a message; a refusal is a client error; and a front door's 429 is
 * waited out and retried (nginx refused the request before any node saw it).
 */
class CredentialsTest {
  private static final String TOKEN = "client-token-0123456789abcdef";
  private static final String WRITTEN = "{\"position\":\"0:1\",\"applied\":true}";

  @RegisterExtension final ScriptedNodes nodes = new ScriptedNodes();

  @Test
  void bearerToken_isSentWithEveryRequest_theClusterTableFetchIncluded() {
    ScriptedServer node = nodes.server(r -> r.rawPath().equals("/keys") ? Answer.json(200, "{\"keys\":[\"k\"]}")
        : r.method().equals("GET") ? Answer.text(200, "v").header("X-Log-Position", "0:1")
        : Answer.json(200, WRITTEN).header("X-Log-Position", "0:1"));
    LogkvClient client = nodes.client(b -> b.baseUrls(List.of(node.url())).bearerToken(TOKEN));

    client.put("k", "v");
    assertThat(client.get("k")).isPresent();
    client.list("", null, 10);
    assertThat(node.clusterRequests()).isPositive();
    assertThat(node.received()).isNotEmpty()
        .allSatisfy(r -> assertThat(r.header("Authorization")).as(r.method() + " " + r.rawPath())
            .isEqualTo("Bearer " + TOKEN));
  }

  @Test
  void withoutAToken_noAuthorizationHeaderIsSent() {
    ScriptedServer node = nodes.server(r -> Answer.text(200, "v").header("X-Log-Position", "0:1"));
    LogkvClient client = nodes.client(b -> b.baseUrls(List.of(node.url())));
    assertThat(client.get("k")).isPresent();
    assertThat(node.received()).allSatisfy(r -> assertThat(r.header("Authorization")).isNull());
  }

  @Test
  void aRefusal_isAClientError_withTheNodesCode_andNeverShowsTheToken() {
    ScriptedServer node = nodes.server(r -> Answer.json(403,
        "{\"error\":\"forbidden\",\"detail\":\"PUT /keys/k needs the 'write' role; this token has: read\"}"));
    LogkvClient client = nodes.client(b -> b.baseUrls(List.of(node.url())).bearerToken(TOKEN));
    assertThatThrownBy(() -> client.put("k", "v"))
        .isInstanceOfSatisfying(ClientErrorException.class, e -> {
          assertThat(e.status()).isEqualTo(403);
          assertThat(e.error()).isEqualTo("forbidden");
        })
        .hasMessageNotContaining(TOKEN);
    assertThat(node.dataRequests()).as("a refusal is final").hasSize(1);
  }

  @Test
  void badTokens_areRefusedByTheBuilder_withoutEchoingThem() {
    for (String bad : new String[] {"", " ", "has space-0123456789", "line\r\nX-Evil: 1", "ünï-0123456789"}) {
      assertThatThrownBy(() -> LogkvClient.builder().bearerToken(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(bad.isBlank() ? "\u0000" : bad));
    }
    assertThatThrownBy(() -> LogkvClient.builder().bearerToken(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRateLimited429_isWaitedOutAndRetried_forReadsAndWrites() {
    AtomicInteger calls = new AtomicInteger();
    String limited = "{\"error\":\"rate_limited\",\"detail\":\"slow down\"}";
    ScriptedServer frontDoor = nodes.server(r -> calls.incrementAndGet() % 2 == 1
        ? Answer.json(429, limited).header("Retry-After", "1")
        : r.method().equals("GET") ? Answer.text(200, "v").header("X-Log-Position", "0:1")
        : Answer.json(200, WRITTEN).header("X-Log-Position", "0:1"));
    LogkvClient client = nodes.client(b -> b.baseUrls(List.of(frontDoor.url())).routeToOwners(false));

    client.put("k", "v");
    assertThat(client.get("k")).map(Value::asString).contains("v");
    assertThat(frontDoor.dataRequests()).hasSize(4);
    assertThat(nodes.time.waits()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
  }
}
