package io.logkv.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Which failed attempts may be made again. The rule that shapes it: a write is repeated only when
 * it certainly was not applied, because a write that did land and is sent again can land after a
 * newer write of the same key and undo it. Reads, which change nothing, are repeated on any
 * failure that another node (or a moment) might cure.
 *
 * <ul>
 *   <li>Certainly not applied, so repeated for every operation: the connection was refused or
 *       could not be made (nothing was sent); 503 {@code not_ready} (a replaying node serves
 *       nothing); 503 with {@code "outcome":"not_applied"}; 421 (a node of a sharded cluster that
 *       does not serve the key); 429 {@code rate_limited} (nginx refused it before any node saw
 *       it; the attempt waits for its Retry-After).
 *   <li>Repeated for reads only: a reset or closed connection, a request timeout (or an answer
 *       whose body does not arrive in time), 500, 502, 503, 504.
 *   <li>For a write, each of those is an unknown outcome, surfaced and never repeated. So is any
 *       5xx through a proxy that tried more than one node ({@code X-Upstream-Status} lists several
 *       attempts): the answer then speaks for the last attempt only.
 *   <li>Final: 2xx, 404 (absent), other 4xx (the same request would be refused again), 507 for a
 *       write (the node's memory cap: refused before the log), other 5xx for a read.
 * </ul>
 */
final class RetryPolicy {
  private RetryPolicy() {}

  /** What to do with an attempt's result. */
  enum Verdict {
    /** The answer stands: a result, or an error to report as it is. */
    FINAL,
    /** Safe to try again (elsewhere, or after a pause). */
    RETRY,
    /** A write that may or may not be in the log: report it, never repeat it. */
    UNKNOWN
  }

  /**
   * The error fields of a JSON error body ({@code {"error","detail","outcome"}}); each is "" when
   * absent, and a body that is not such JSON (a proxy's HTML page) gives three blanks.
   */
  record ErrorBody(String error, String detail, String outcome) {
    static final ErrorBody NONE = new ErrorBody("", "", "");

    static ErrorBody parse(byte[] body) {
      if (body == null || body.length == 0) {
        return NONE;
      }
      try {
        Map<String, Object> o = Json.parseObject(new String(body, StandardCharsets.UTF_8));
        return new ErrorBody(field(o, "error"), field(o, "detail"), field(o, "outcome"));
      } catch (IllegalArgumentException notJson) {
        return NONE;
      }
    }

    private static String field(Map<String, Object> o, String name) {
      return o.get(name) instanceof String s ? s : "";
    }

    /** {@code not_ready}, or {@code log_unavailable (not_applied)}: for messages. */
    String summary() {
      return error.isEmpty() ? "" : outcome.isEmpty() ? error : error + " (" + outcome + ")";
    }
  }

  /**
   * The verdict on an answer.
   *
   * @param upstreamAttempts how many nodes a proxy in between tried (from {@code
   *     X-Upstream-Status}); 1 without a proxy
   */
  static Verdict forAnswer(boolean write, int status, ErrorBody body, int upstreamAttempts) {
    if ((status >= 200 && status < 300) || status == 404) {
      return Verdict.FINAL;
    }
    boolean notActedOn = status == 421 || (status == 429 && "rate_limited".equals(body.error()))
        || (status == 503 && ("not_ready".equals(body.error()) || "not_applied".equals(body.outcome())));
    if (!write) {
      return notActedOn || status == 500 || status == 502 || status == 503 || status == 504
          ? Verdict.RETRY
          : Verdict.FINAL;
    }
    boolean onlyOneAttempt = upstreamAttempts <= 1;
    if (notActedOn) {
      return onlyOneAttempt ? Verdict.RETRY : Verdict.UNKNOWN;
    }
    if (status < 500 || (status == 507 && onlyOneAttempt)) {
      return Verdict.FINAL;
    }
    return Verdict.UNKNOWN;
  }

  /** The verdict on an attempt that got no answer. */
  static Verdict forFailure(boolean write, Throwable failure) {
    Throwable t = unwrap(failure);
    if (notSent(t)) {
      return Verdict.RETRY;
    }
    if (write) {
      return Verdict.UNKNOWN;
    }
    return t instanceof IOException || t instanceof TimeoutException ? Verdict.RETRY : Verdict.FINAL;
  }

  /** Whether the request certainly never reached a server: no connection could be made. */
  static boolean notSent(Throwable failure) {
    Throwable t = unwrap(failure);
    return t instanceof ConnectException || t instanceof HttpConnectTimeoutException;
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * {@code Retry-After} in seconds (the form logkv and nginx send); empty when absent or not a
   * number of seconds (an HTTP date is not honoured: the client's own backoff applies).
   */
  static OptionalLong retryAfterSeconds(String header) {
    if (header == null) {
      return OptionalLong.empty();
    }
    String s = header.strip();
    if (s.isEmpty() || s.length() > 9) {
      return OptionalLong.empty();
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.of(Long.parseLong(s));
  }

  /**
   * How many nodes a proxy tried, from nginx's {@code X-Upstream-Status} ({@code "503, 200"};
   * {@code " : "} separates groups); 1 when the header is absent.
   */
  static int upstreamAttempts(String header) {
    if (header == null || header.isBlank()) {
      return 1;
    }
    int n = 0;
    for (String part : header.split("[,:]")) {
      if (!part.isBlank()) {
        n++;
      }
    }
    return Math.max(1, n);
  }
}
