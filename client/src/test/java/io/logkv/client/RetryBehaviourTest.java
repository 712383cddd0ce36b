package io.logkv.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logkv.client.ScriptedServer.Answer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The client's retry rules, end to end over real HTTP against {@link ScriptedServer}s that answer
 * as a node does under faults. Waits run on a {@link FakeScheduler}: the test sees every wait the
 * client asked for, and none takes nodes.time.
 */
class RetryBehaviourTest {
  private static final String NOT_READY = "{\"error\":\"not_ready\",\"detail\":\"replaying\"}";
  private static final String NOT_APPLIED =
      "{\"error\":\"log_unavailable\",\"detail\":\"Kafka is silent\",\"outcome\":\"not_applied\"}";
  private static final String UNKNOWN =
      "{\"error\":\"log_unavailable\",\"detail\":\"no acknowledgement within 2000 ms\",\"outcome\":\"unknown\"}";

  @RegisterExtension final ScriptedNodes nodes = new ScriptedNodes();

  @Test
  void get_retriesA503_honouringRetryAfter() {
    AtomicInteger gets = new AtomicInteger();
    ScriptedServer node = nodes.server(r -> gets.incrementAndGet() == 1
        ? Answer.json(503, NOT_READY).header("Retry-After", "2")
        : Answer.text(200, "v").header("X-Log-Position", "1:5"));
    LogkvClient client = nodes.client(b -> b.baseUrls(List.of(node.url())));

    assertThat(client.get("k")).map(Value::asString).contains("v");
    assertThat(node.dataRequests()).hasSize(2);
    assertThat(nodes.time.waits()).containsExactly(Duration.ofSeconds(2));
  }

  @Test
  void get_failsOverToTheNextUrl_whenAConnectionIsRefused() {
    ScriptedServer node = nodes.server(r -> Answer.text(200, "v").header("X-Log-Position", "1:5"));
    LogkvClient client = nodes.client(b -> b.baseUrls(List.of(ScriptedServer.refusingUrl(), node.url())));

    for (int i = 0; i < 10; i++) {
      assertThat(client.get("k" + i)).isPresent();
    }
    assertThat(node.dataRequests()).hasSize(10);
  }

  @Test
  void get_cutOffOrTimedOut_isRetriedElsewhere() {
    ScriptedServer cuts = nodes.server(r -> Answer.hangUp());
    ScriptedServer stalls = nodes.server(r -> Answer.stall());
    ScriptedServer good = nodes.server(r -> Answer.text(200, "v").header("X-Log-Position", "1:5"));
    LogkvClient client = nodes.client(b -> b.baseUrls(List.of(cuts.url(), stalls.url(), good.url()))
        .requestTimeout(Duration.ofMillis(500)));

    assertThat(client.get("k")).map(Value::asString).contains("v");
    // The JDK's HttpClient itself sends a GET once more when a connection closes before any answer.
    assertThat(cuts.dataRequests()).hasSizeBetween(1, 2);
    assertThat(stalls.dataRequests()).hasSize(1);
    assertThat(good.dataRequests()).hasSize(1);
  }

  @Test
  @org.junit.jupiter.api.Timeout(20) // the JDK's own request timeout stops at the headers: this hung until the server closed
  void get_whoseBodyStalls_isTimedOut_andRetriedElsewhere() {
    ScriptedServer stalls = nodes.server(r -> Answer.stallBody());
    ScriptedServer good = nodes.server(r -> Answer.text(200, "v").header("X-Log-Position", "1:5"));
    LogkvClient client = nodes.client(b -> b.baseUrls(List.of(stalls.url(), good.url()))
        .requestTimeout(Duration.ofMillis(300)));

    assertThat(client.get("k")).map(Value::asString).contains("v");
    assertThat(stalls.dataRequests()).hasSize(1);
  }

  @Test
  void put_certainlyNotApplied_isRetried() {
    AtomicInteger puts = new AtomicInteger();
    ScriptedServer node = nodes.server(r -> switch (puts.incrementAndGet()) {
      case 1 -> Answer.json(503, NOT_APPLIED).header("Retry-After", "1");
      case 2 -> Answer.json(503, NOT_READY).header("Retry-After", "1");
      default -> Answer.json(200, "{\"position\":\"2:7\",\"applied\":true}").header("X-Log-Position", "2:7");
    });
    LogkvClient client = nodes.client(b -> b.baseUrls(List.of(node.url())));

    assertThat(client.put("k", "v")).isEqualTo(new Written(new Position(2, 7), true));
    assertThat(node.dataRequests()).hasSize(3);
    assertThat(nodes.time.waits()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
  }

  @Test
  void put_afterARefusedConnection_goesToTheNextUrl() {
    ScriptedServer node = nodes.server(r -> Answer.json(200, "{\"position\":\"0:1\",\"applied\":true}")
        .header("X-Log-Position", "0:1"));
    LogkvClient client = nodes.client(b -> b.baseUrls(List.of(ScriptedServer.refusingUrl(), node.url())));

    assertThat(client.put("k", "v").position()).isEqualTo(new Position(0, 1));
  }

  @Test
  void put_whoseOutcomeTheNodeCallsUnknown_isReported_notRetried() {
    ScriptedServer node = nodes.server(r -> Answer.json(503, UNKNOWN).header("Retry-After", "1"));
    ScriptedServer other = nodes.server(r -> Answer.json(200, "{\"position\":\"0:1\",\"applied\":true}"));
    LogkvClient client = nodes.client(b -> b.baseUrls(List.of(node.url(), other.url())));

    assertThatThrownBy(() -> client.put("k", "v"))
        .isInstanceOf(WriteOutcomeUnknownException.class)
        .hasMessageContaining("put 'k': outcome unknown")
        .hasMessageContaining("503 log_unavailable (unknown)");
    assertThat(node.dataRequests()).hasSize(1);
    assertThat(other.dataRequests()).isEmpty();
  }

  @Test
  void put_cutOffWithoutAnAnswer_isUnknown() {
    ScriptedServer node = nodes.server(r -> Answer.hangUp());
    ScriptedServer other = nodes.server(r -> Answer.json(200, "{\"position\":\"0:1\",\"applied\":true}"));
    LogkvClient client = nodes.client(b -> b.baseUrls(List.of(node.url(), other.url())));

    assertThatThrownBy(() -> client.put("k", "v")).isInstanceOf(WriteOutcomeUnknownException.class)
        .hasMessageContaining("no answer came back");
    assertThat(node.dataRequests()).hasSize(1);
    assertThat(other.dataRequests()).isEmpty();
  }

  @Test
  void delete_timedOut_isUnknown() {
    ScriptedServer node = nodes.server(r -> Answer.stall());
    LogkvClient client = nodes.client(b -> b.baseUrls(List.of(node.url())).requestTimeout(Duration.ofMillis(300)));

    assertThatThrownBy(() -> client.delete("k")).isInstanceOf(WriteOutcomeUnknownException.class)
        .hasMessageContaining("timed out");
    assertThat(node.dataRequests()).hasSize(1);
  }

  @Test
  void put_throughAProxyThatTriedTwoNodes_isUnknownEvenIfTheLastSaysNotApplied() {
    ScriptedServer nginx = nodes.server(r -> Answer.json(503, NOT_APPLIED).header("X-Upstream-Status", "504, 503"));
    LogkvClient client = nodes.client(b -> b.baseUrls(List.of(nginx.url())));

    assertThatThrownBy(() -> client.put("k", "v")).isInstanceOf(WriteOutcomeUnknownException.class)
        .hasMessageContaining("after 2 upstream attempts");
    assertThat(nginx.dataRequests()).hasSize(1);
  }

  @Test
  void retries_areBoundedInCount() {
    ScriptedServer node = nodes.server(r -> Answer.json(503, NOT_READY));
    LogkvClient client = nodes.client(b -> b.baseUrls(List.of(node.url())).maxRetries(3));

    assertThatThrownBy(() -> client.put("k", "v"))
        .isInstanceOfSatisfying(UnavailableException.class, e -> assertThat(e.attempts()).isEqualTo(4))
        .hasMessageContaining("gave up after 4 attempts")
        .hasMessageContaining("the write was not applied");
    assertThat(node.dataRequests()).hasSize(4);
    // No Retry-After: the backoff doubles.
    assertThat(nodes.time.waits()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
  }

  @Test
  void retries_areBoundedInTime_andRetryAfterIsCutToTheBudget() {
    ScriptedServer node = nodes.server(r -> Answer.json(503, NOT_READY).header("Retry-After", "10"));
    LogkvClient client = nodes.client(b -> b.baseUrls(List.of(node.url())).maxRetries(100)
        .retryBudget(Duration.ofSeconds(25)));

    assertThatThrownBy(() -> client.get("k"))
        .isInstanceOfSatisfying(UnavailableException.class, e -> assertThat(e.attempts()).isEqualTo(4))
        .hasMessageContaining("retry budget 25000 ms");
    assertThat(nodes.time.waits()).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(5));
  }

  @Test
  void refusedEverywhere_isUnavailable() {
    LogkvClient client = nodes.client(b -> b.baseUrls(List.of(ScriptedServer.refusingUrl(), ScriptedServer.refusingUrl()))
        .maxRetries(2));

    assertThatThrownBy(() -> client.put("k", "v"))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("no connection")
        .hasCauseInstanceOf(java.net.ConnectException.class);
  }

  @Test
  void answers_thatAreFinal_areMappedOnce_withTheServersCode() {
    ScriptedServer node = nodes.server(r -> switch (r.rawPath()) {
      case "/keys/bad" -> Answer.json(400, "{\"error\":\"bad_ttl\",\"detail\":\"ttl: not a duration\"}");
      case "/keys/big" -> Answer.json(413, "{\"error\":\"value_too_large\",\"detail\":\"at most 1048576 bytes\"}");
      case "/keys/full" -> Answer.json(507, "{\"error\":\"memory_cap\",\"detail\":\"the node is full\"}");
      case "/keys/absent", "/keys/absent/ttl" -> Answer.json(404, "{\"error\":\"not_found\",\"detail\":\"no key\"}");
      default -> Answer.status(500);
    });
    LogkvClient client = nodes.client(b -> b.baseUrls(List.of(node.url())));

    assertThatThrownBy(() -> client.put("bad", "v"))
        .isInstanceOfSatisfying(ClientErrorException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.error()).isEqualTo("bad_ttl");
          assertThat(e.detail()).isEqualTo("ttl: not a duration");
        });
    assertThatThrownBy(() -> client.put("big", "v"))
        .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.error()).isEqualTo("value_too_large"));
    assertThatThrownBy(() -> client.put("full", "v"))
        .isInstanceOfSatisfying(ServerErrorException.class, e -> assertThat(e.error()).isEqualTo("memory_cap"));
    assertThat(client.get("absent")).isEmpty();
    assertThat(client.changeTtl("absent", Duration.ofSeconds(5))).isEmpty();
    assertThat(node.dataRequests()).as("none of them retried").hasSize(5);
  }

  @Test
  void requests_carryTheEncodedKey_theSessionsToken_andTheOptions() {
    ScriptedServer node = nodes.server(r -> {
      if (r.rawPath().equals("/keys")) {
        return Answer.json(200, "{\"keys\":[\"p/a\",\"p/b\"],\"next\":\"p/b\"}");
      }
      if (r.method().equals("GET")) {
        return Answer.text(200, "héllo").header("X-Log-Position", "4:2").header("X-Expires-At", "1767225600000");
      }
      if (r.method().equals("POST")) {
        return Answer.json(200, "{\"position\":\"3:12\",\"expires_at\":1767225600000,\"applied\":true}")
            .header("X-Log-Position", "3:12");
      }
      if (r.method().equals("DELETE")) {
        return Answer.json(202, "{\"position\":\"5:1\",\"applied\":false}").header("X-Log-Position", "5:1");
      }
      return Answer.json(200, "{\"position\":\"2:7\",\"applied\":true}").header("X-Log-Position", "2:7");
    });
    LogkvClient client = nodes.client(b -> b.baseUrls(List.of(URI.create(node.url() + "/"))));
    Session session = Session.monotonicReads();

    Written w = client.put("a/b c+é", "v", PutOptions.ttl(Duration.ofMillis(1500)).withSession(session));
    Value v = client.get("a/b c+é", ReadOptions.session(session).withConsistency(Consistency.STRONG)).orElseThrow();
    TtlChanged t = client.changeTtl("k", Duration.ofMinutes(1), session).orElseThrow();
    Written d = client.delete("k", session);
    KeyPage page = client.list("p/", "p/", 2);

    List<ScriptedServer.Received> got = node.dataRequests();
    assertThat(got).hasSize(5);
    assertThat(got.get(0).method()).isEqualTo("PUT");
    assertThat(got.get(0).rawPath()).isEqualTo("/keys/a%2Fb%20c%2B%C3%A9");
    assertThat(got.get(0).rawQuery()).isEqualTo("ttl=1500ms");
    assertThat(got.get(0).body()).isEqualTo("v".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(w).isEqualTo(new Written(new Position(2, 7), true));

    assertThat(got.get(1).rawQuery()).isEqualTo("consistency=strong");
    assertThat(got.get(1).header("X-Min-Position")).isEqualTo("2:7");
    assertThat(v.asString()).isEqualTo("héllo");
    assertThat(v.version()).isEqualTo(new Position(4, 2));
    assertThat(v.expiresAt()).contains(java.time.Instant.ofEpochMilli(1767225600000L));

    assertThat(got.get(2).method()).isEqualTo("POST");
    assertThat(got.get(2).rawPath()).isEqualTo("/keys/k/ttl");
    assertThat(got.get(2).rawQuery()).isEqualTo("ttl=60000ms");
    assertThat(got.get(2).header("X-Min-Position")).as("the session's writes and reads").isEqualTo("2:7,4:2");
    assertThat(t).isEqualTo(new TtlChanged(new Position(3, 12), java.time.Instant.ofEpochMilli(1767225600000L), true));

    assertThat(got.get(3).method()).isEqualTo("DELETE");
    assertThat(d).isEqualTo(new Written(new Position(5, 1), false));
    assertThat(session.token()).contains("2:7,3:12,4:2,5:1");

    assertThat(got.get(4).rawPath()).isEqualTo("/keys");
    assertThat(got.get(4).rawQuery()).isEqualTo("prefix=p%2F&limit=2&after=p%2F");
    assertThat(page).isEqualTo(new KeyPage(List.of("p/a", "p/b"), java.util.Optional.of("p/b")));
  }

  @Test
  void async_completesWithTheSameResultsAndFailures() throws Exception {
    ScriptedServer node = nodes.server(r -> r.method().equals("PUT")
        ? Answer.json(503, UNKNOWN)
        : Answer.text(200, "v").header("X-Log-Position", "0:3"));
    LogkvClient client = nodes.client(b -> b.baseUrls(List.of(node.url())));

    assertThat(client.getAsync("k").get()).map(Value::version).contains(new Position(0, 3));
    assertThatThrownBy(() -> client.putAsync("k", "v").get())
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(WriteOutcomeUnknownException.class);
  }

  @Test
  void close_refusesNewOperations_andLetsTheRunningOnesEnd() throws Exception {
    AtomicInteger gets = new AtomicInteger();
    ScriptedServer node = nodes.server(r -> gets.incrementAndGet() == 1
        ? Answer.json(503, NOT_READY).header("Retry-After", "1")
        : Answer.text(200, "v").header("X-Log-Position", "1:5"));
    LogkvClient client = // on the real clock
        nodes.closedAfterTheTest(LogkvClient.builder().baseUrls(List.of(node.url())).build());

    java.util.concurrent.CompletableFuture<java.util.Optional<Value>> running = client.getAsync("k");
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gets.get() >= 1);
    client.close();
    assertThat(running.get(30, java.util.concurrent.TimeUnit.SECONDS)).map(Value::asString).contains("v");
    assertThatThrownBy(() -> client.get("k")).isInstanceOf(IllegalStateException.class);
    client.close();
  }

  @Test
  void badArguments_failBeforeAnythingIsSent() {
    ScriptedServer node = nodes.server(r -> Answer.status(500));
    LogkvClient client = nodes.client(b -> b.baseUrls(List.of(node.url())));

    assertThatThrownBy(() -> client.put("", "v")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client.put("x".repeat(1025), "v")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client.get("\ud800")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client.put("k", "v", PutOptions.ttl(Duration.ZERO))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client.list("", null, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LogkvClient.builder().build()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> LogkvClient.builder().baseUrls("ftp://x")).isInstanceOf(IllegalArgumentException.class);
    assertThat(node.received()).isEmpty();
  }
}
