package io.logkv.client;

import io.logkv.client.RetryPolicy.ErrorBody;
import io.logkv.client.RetryPolicy.Verdict;
import io.logkv.client.Router.Group;
import io.logkv.client.Router.Pick;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one operation to its outcome: picks a node, sends, judges the answer by {@link
 * RetryPolicy}, and tries again while that is safe and within the bounds (at most {@code
 * maxRetries} more attempts, none started after the retry budget is spent). Asynchronous
 * throughout: waits between attempts are scheduled, never slept, so a thread is held only by a
 * caller of the synchronous API.
 *
 * <p>An operation takes at most the retry budget plus one request timeout (and 100 ms for the last
 * answer's body): the last attempt may start just before the budget runs out.
 */
final class Caller {
  /** A response handler: turns a final answer into the operation's result, or throws a {@link LogkvException}. */
  @FunctionalInterface
  interface Reader<T> {
    T read(HttpResponse<byte[]> response, ErrorBody error);
  }

  /**
   * One operation: what to send, how to route it, how to read the answer.
   *
   * @param name for messages ("put", "get", ...)
   * @param key the key, for messages; null for requests on no key
   * @param keyUtf8 the key's bytes, for routing; null for requests on no key
   * @param write whether it changes state (then an unknown outcome is never retried)
   * @param headers extra request headers, name then value
   * @param body the request body; null for none
   */
  record Op<T>(String name, String key, byte[] keyUtf8, boolean write, Group group, String method,
      String pathAndQuery, List<String> headers, byte[] body, Reader<T> reader) {
    String describe() {
      return key == null ? name : name + " '" + key + "'";
    }
  }

  /** Past the request timeout, how long an answer's body may still take. */
  private static final long BODY_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final HttpClient http;
  private final Credentials credentials;
  private final Router router;
  private final Scheduler scheduler;
  private final Duration requestTimeout;
  private final int maxRetries;
  private final long budgetNanos;

  Caller(HttpClient http, Credentials credentials, Router router, Scheduler scheduler, Duration requestTimeout,
      int maxRetries, Duration retryBudget) {
    this.http = http;
    this.credentials = credentials;
    this.router = router;
    this.scheduler = scheduler;
    this.requestTimeout = requestTimeout;
    this.maxRetries = maxRetries;
    this.budgetNanos = retryBudget.toNanos();
  }

  <T> CompletableFuture<T> call(Op<T> op) {
    Run<T> run = new Run<>(op);
    router.ready().whenComplete((ignored, failure) -> run.attempt());
    return run.result;
  }

  /** The state of one operation's attempts. */
  private final class Run<T> {
    final Op<T> op;
    final CompletableFuture<T> result = new CompletableFuture<>();
    final long startedAt = scheduler.nanoTime();
    final long deadline = startedAt + budgetNanos;
    final int rotation = router.nextRotation();
    final List<String> log = new ArrayList<>();
    Throwable lastFailure;
    int attempts;
    long sentAt;
    volatile CompletableFuture<?> inFlight;

    Run(Op<T> op) {
      this.op = op;
      // A cancelled operation (an interrupted synchronous caller) cancels its request.
      result.whenComplete(
          (r, failure) -> {
            CompletableFuture<?> f = inFlight;
            if (failure instanceof CancellationException && f != null) {
              f.cancel(true);
            }
          });
    }

    void attempt() {
      if (result.isDone()) {
        return;
      }
      try {
        long now = scheduler.nanoTime();
        Pick pick = router.pick(op.keyUtf8(), op.group(), rotation, now);
        if (pick.waitNanos() <= 0) {
          send(pick.url());
          return;
        }
        // Every candidate is left out for now: wait for the first to come back, within the budget.
        long wait = Math.min(pick.waitNanos(), deadline - now);
        scheduler.delay(wait).whenComplete((ignored, failure) -> send(pick.url()));
      } catch (RuntimeException bug) {
        result.completeExceptionally(new LogkvException(op.describe() + " failed in the client", bug));
      }
    }

    void send(URI url) {
      if (result.isDone()) {
        return;
      }
      attempts++;
      sentAt = scheduler.nanoTime();
      HttpRequest.Builder b = HttpRequest.newBuilder(Endpoints.resolve(url, op.pathAndQuery()))
          .timeout(requestTimeout)
          .method(op.method(), op.body() == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(op.body()));
      for (int i = 0; i < op.headers().size(); i += 2) {
        b.header(op.headers().get(i), op.headers().get(i + 1));
      }
      credentials.addTo(b);
      CompletableFuture<HttpResponse<byte[]>> f;
      try {
        // The request timeout bounds the wait for the answer's headers; this bounds its body too.
        f = http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray())
            .orTimeout(requestTimeout.toNanos() + BODY_GRACE_NANOS, TimeUnit.NANOSECONDS);
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      inFlight = f;
      f.whenComplete(
          (response, failure) -> {
            try {
              if (failure != null) {
                onFailure(url, RetryPolicy.unwrap(failure));
              } else {
                onAnswer(url, response);
              }
            } catch (RuntimeException bug) {
              result.completeExceptionally(new LogkvException(op.describe() + " failed in the client", bug));
            }
          });
    }

    void onAnswer(URI url, HttpResponse<byte[]> r) {
      int status = r.statusCode();
      if (r.headers().firstValue(Router.STALE_HEADER).map("true"::equalsIgnoreCase).orElse(false)) {
        router.refreshSoon();
      }
      ErrorBody error = status >= 400 ? ErrorBody.parse(r.body()) : ErrorBody.NONE;
      int upstream = RetryPolicy.upstreamAttempts(r.headers().firstValue("X-Upstream-Status").orElse(null));
      Verdict verdict = RetryPolicy.forAnswer(op.write(), status, error, upstream);
      String what = url + ": " + status + (error.summary().isEmpty() ? "" : " " + error.summary())
          + (upstream > 1 ? " (after " + upstream + " upstream attempts: " + r.headers().firstValue("X-Upstream-Status")
              .orElse("") + ")" : "");
      if (verdict != Verdict.FINAL && (status >= 500 || status == 429)) {
        // Like nginx's fail_timeout: a node that failed a request is left out of its group for a
        // while, for its Retry-After when it sent one.
        OptionalLong retryAfter = RetryPolicy.retryAfterSeconds(r.headers().firstValue("Retry-After").orElse(null));
        router.failed(url, op.group(), retryAfter.isPresent()
            ? TimeUnit.SECONDS.toNanos(Math.min(retryAfter.getAsLong(), 3600))
            : -1);
      }
      switch (verdict) {
        case FINAL -> {
          if (status < 500) {
            router.succeeded(url, op.group());
          }
          try {
            result.complete(op.reader().read(r, error));
          } catch (LogkvException e) {
            result.completeExceptionally(e);
          }
        }
        case UNKNOWN -> {
          log.add(what);
          result.completeExceptionally(new WriteOutcomeUnknownException(
              op.describe() + ": outcome unknown, not retried (it may be in the log, or appear later); "
                  + attempts(), null));
        }
        case RETRY -> {
          log.add(what);
          if (status == 421) {
            // The node does not serve this key: the table is stale. Fetch it, then try again.
            router.refreshIfOlderThan(sentAt).whenComplete((ignored, failure) -> retryOrGiveUp());
            return;
          }
          retryOrGiveUp();
        }
      }
    }

    void onFailure(URI url, Throwable failure) {
      if (failure instanceof CancellationException) {
        return;
      }
      lastFailure = failure;
      boolean notSent = RetryPolicy.notSent(failure);
      boolean timedOut = failure instanceof TimeoutException || failure instanceof HttpTimeoutException;
      log.add(url + ": " + (notSent ? "no connection (" + failure + ")"
          : timedOut ? "timed out: no complete answer within " + requestTimeout.toMillis() + " ms (" + failure + ")"
          : failure.toString()));
      // A slow node is out for this kind of request; one that cannot be reached, or cut the
      // connection, for everything (whatever becomes of this operation).
      router.failed(url, timedOut ? op.group() : null, -1);
      if (notSent) {
        router.refreshSoon(); // a member may have left the table
      }
      switch (RetryPolicy.forFailure(op.write(), failure)) {
        case RETRY -> retryOrGiveUp();
        case UNKNOWN -> result.completeExceptionally(new WriteOutcomeUnknownException(
            op.describe() + ": outcome unknown, not retried (the request may have reached the node, and no answer came"
                + " back); " + attempts(), failure));
        case FINAL -> result.completeExceptionally(
            new LogkvException(op.describe() + " failed: " + attempts(), failure));
      }
    }

    void retryOrGiveUp() {
      long now = scheduler.nanoTime();
      if (attempts > maxRetries || now - deadline >= 0) {
        String bound = attempts > maxRetries
            ? "after " + attempts + " attempts (1 + maxRetries " + maxRetries + ")"
            : "after " + TimeUnit.NANOSECONDS.toMillis(now - startedAt) + " ms (retry budget "
                + TimeUnit.NANOSECONDS.toMillis(budgetNanos) + " ms)";
        result.completeExceptionally(new UnavailableException(
            op.describe() + ": no node served it; gave up " + bound + (op.write() ? "; the write was not applied" : "")
                + "; " + attempts(), attempts, lastFailure));
        return;
      }
      attempt();
    }

    String attempts() {
      return "attempts: " + String.join("; ", log);
    }
  }
}
