package io.logkv.client;

import static io.logkv.client.RetryPolicy.Verdict.FINAL;
import static io.logkv.client.RetryPolicy.Verdict.RETRY;
import static io.logkv.client.RetryPolicy.Verdict.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

import io.logkv.client.RetryPolicy.ErrorBody;
import io.logkv.client.RetryPolicy.Verdict;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static final ErrorBody NOT_READY = new ErrorBody("not_ready", "replaying", "");
  private static final ErrorBody NOT_APPLIED = new ErrorBody("log_unavailable", "refused", "not_applied");
  private static final ErrorBody UNKNOWN_OUTCOME = new ErrorBody("log_unavailable", "no ack", "unknown");
  private static final ErrorBody WAIT_TIMED_OUT = new ErrorBody("wait_timed_out", "", "");
  private static final ErrorBody NONE = ErrorBody.NONE;

  @Test
  void reads_areRetriedOnAnythingAnotherNodeMightCure() {
    assertThat(read(200, NONE)).isEqualTo(FINAL);
    assertThat(read(404, NONE)).isEqualTo(FINAL);
    assertThat(read(400, NONE)).isEqualTo(FINAL);
    assertThat(read(421, NONE)).isEqualTo(RETRY);
    assertThat(read(500, NONE)).isEqualTo(RETRY);
    assertThat(read(502, NONE)).isEqualTo(RETRY);
    assertThat(read(503, WAIT_TIMED_OUT)).isEqualTo(RETRY);
    assertThat(read(503, NOT_READY)).isEqualTo(RETRY);
    assertThat(read(504, NONE)).isEqualTo(RETRY);
    assertThat(read(501, NONE)).isEqualTo(FINAL);
    assertThat(RetryPolicy.forFailure(false, new IOException("Connection reset"))).isEqualTo(RETRY);
    assertThat(RetryPolicy.forFailure(false, new HttpTimeoutException("request timed out"))).isEqualTo(RETRY);
    assertThat(RetryPolicy.forFailure(false, new IllegalStateException("a bug"))).isEqualTo(FINAL);
  }

  @Test
  void writes_areRetriedOnlyWhenCertainlyNotApplied() {
    assertThat(write(200, NONE, 1)).isEqualTo(FINAL);
    assertThat(write(202, NONE, 1)).isEqualTo(FINAL);
    assertThat(write(204, NONE, 1)).isEqualTo(FINAL);
    assertThat(write(503, NOT_READY, 1)).isEqualTo(RETRY);
    assertThat(write(503, NOT_APPLIED, 1)).isEqualTo(RETRY);
    assertThat(write(421, NONE, 1)).isEqualTo(RETRY);
    assertThat(RetryPolicy.forFailure(true, new ConnectException("Connection refused"))).isEqualTo(RETRY);
    assertThat(RetryPolicy.forFailure(true, new HttpConnectTimeoutException("connect timed out"))).isEqualTo(RETRY);
  }

  @Test
  void aFrontDoorsRateLimit429_isRetried_butA429ThatDoesNotSaySoIsFinal() {
    ErrorBody limited = new ErrorBody("rate_limited", "slow down", "");
    assertThat(read(429, limited)).isEqualTo(RETRY);
    assertThat(write(429, limited, 1)).isEqualTo(RETRY);
    assertThat(read(429, NONE)).isEqualTo(FINAL);
    assertThat(write(429, NONE, 1)).isEqualTo(FINAL);
  }

  @Test
  void writes_whoseOutcomeIsUnknown_areNeverRetried() {
    assertThat(write(503, UNKNOWN_OUTCOME, 1)).isEqualTo(UNKNOWN);
    assertThat(write(503, NONE, 1)).as("a 503 that does not say").isEqualTo(UNKNOWN);
    assertThat(write(500, NONE, 1)).isEqualTo(UNKNOWN);
    assertThat(write(502, NONE, 1)).isEqualTo(UNKNOWN);
    assertThat(write(504, NONE, 1)).isEqualTo(UNKNOWN);
    assertThat(RetryPolicy.forFailure(true, new IOException("Connection reset"))).isEqualTo(UNKNOWN);
    assertThat(RetryPolicy.forFailure(true, new HttpTimeoutException("request timed out"))).isEqualTo(UNKNOWN);
    assertThat(RetryPolicy.forFailure(true, new IllegalStateException("odd"))).isEqualTo(UNKNOWN);
  }

  @Test
  void writes_throughAProxyThatTriedSeveralNodes_speakOnlyForTheLastAttempt() {
    assertThat(write(503, NOT_APPLIED, 2)).isEqualTo(UNKNOWN);
    assertThat(write(503, NOT_READY, 3)).isEqualTo(UNKNOWN);
    assertThat(write(200, NONE, 2)).isEqualTo(FINAL);
    assertThat(write(400, NONE, 2)).isEqualTo(FINAL);
    assertThat(write(507, NONE, 1)).isEqualTo(FINAL);
    assertThat(write(507, NONE, 2)).isEqualTo(UNKNOWN);
  }

  @Test
  void notSent_seesThroughCompletionExceptions() {
    assertThat(RetryPolicy.notSent(new CompletionException(new ConnectException("refused")))).isTrue();
    assertThat(RetryPolicy.notSent(new CompletionException(new IOException("reset")))).isFalse();
    assertThat(RetryPolicy.forFailure(true, new CompletionException(new ConnectException("refused")))).isEqualTo(RETRY);
  }

  @Test
  void errorBody_readsJson_andShrugsAtAnythingElse() {
    assertThat(ErrorBody.parse(bytes("{\"error\":\"log_unavailable\",\"detail\":\"d\",\"outcome\":\"unknown\"}")))
        .isEqualTo(new ErrorBody("log_unavailable", "d", "unknown"));
    assertThat(ErrorBody.parse(bytes("<html>502 Bad Gateway</html>"))).isEqualTo(ErrorBody.NONE);
    assertThat(ErrorBody.parse(bytes("{\"error\":7}"))).isEqualTo(ErrorBody.NONE);
    assertThat(ErrorBody.parse(new byte[0])).isEqualTo(ErrorBody.NONE);
  }

  @Test
  void retryAfter_isWholeSeconds() {
    assertThat(RetryPolicy.retryAfterSeconds("1")).hasValue(1);
    assertThat(RetryPolicy.retryAfterSeconds(" 120 ")).hasValue(120);
    assertThat(RetryPolicy.retryAfterSeconds(null)).isEmpty();
    assertThat(RetryPolicy.retryAfterSeconds("")).isEmpty();
    assertThat(RetryPolicy.retryAfterSeconds("-1")).isEmpty();
    assertThat(RetryPolicy.retryAfterSeconds("1.5")).isEmpty();
    assertThat(RetryPolicy.retryAfterSeconds("Wed, 21 Oct 2015 07:28:00 GMT")).isEmpty();
    assertThat(RetryPolicy.retryAfterSeconds("99999999999")).isEmpty();
  }

  @Test
  void upstreamAttempts_countsNginxsList() {
    assertThat(RetryPolicy.upstreamAttempts(null)).isEqualTo(1);
    assertThat(RetryPolicy.upstreamAttempts("200")).isEqualTo(1);
    assertThat(RetryPolicy.upstreamAttempts("502, 503")).isEqualTo(2);
    assertThat(RetryPolicy.upstreamAttempts("503, 503 : 200")).isEqualTo(3);
  }

  private static Verdict read(int status, ErrorBody body) {
    return RetryPolicy.forAnswer(false, status, body, 1);
  }

  private static Verdict write(int status, ErrorBody body, int upstream) {
    return RetryPolicy.forAnswer(true, status, body, upstream);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
