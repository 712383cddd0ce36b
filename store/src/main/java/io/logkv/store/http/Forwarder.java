package io.logkv.store.http;

import io.logkv.store.shard.Member;
import io.logkv.store.shard.Peers;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends a request for a key this node does not own to the key's owners, and their answer back
 * unchanged (status, headers, body), with {@code X-Served-By} naming the owner that answered and
 * {@code X-Forwarded-By} this node.
 *
 * <p>Owners are tried in order (ready ones first, one that just refused a connection or kept
 * silent last), never this node. A refused connection, a 421 (the member does not own the key
 * either: member lists being rolled out) or a 503 that says nothing was done (the owner is
 * replaying, or refused the write as not applied; for a read, any 503) moves on to the next owner.
 *
 * <p>An owner that does not answer within its own bound (a write: its write timeout, a read: its
 * read-wait timeout, each plus {@link #SILENCE_MARGIN}) is frozen or cut off, and the request
 * moves on to the next owner, as nginx does after its read timeout. For a write this is safe: the
 * silent owner's copy cannot land after the next owner's. A copy still in its socket is refused
 * when it thaws ({@code --freeze-limit}); one it had already sent is refused by the broker once
 * it is older than the write timeout (the write fence). This bound keeps a forwarded write inside
 * nginx's read timeout (just above the write timeout), so nginx does not give up on the healthy
 * forwarding node and retry on the frozen owner. Any other failure after the request may have been
 * sent (the connection reset) ends a write's attempt with 503 outcome {@code unknown}, because the
 * owner may have applied it; a read moves on (reads are safe to repeat).
 *
 * <p>The forwarded request carries {@link #HOP} so that it is never forwarded again, and the
 * caller's {@code Authorization}, {@code X-Min-Position} and {@code Content-Type}. Nothing blocks:
 * the answer is written on the exchange's I/O thread when it arrives.
 */
final class Forwarder {
  /** Names the forwarding node; a request that carries it is served where it lands, or refused 421. */
  static final HttpString HOP = new HttpString("X-Logkv-Hop");
  static final HttpString SERVED_BY = new HttpString("X-Served-By");
  /** On a forwarded answer: the node that forwarded it (absent when the first node served it). */
  static final HttpString FORWARDED_BY = new HttpString("X-Forwarded-By");
  /** Set on a 421: the caller's owner table is out of date. */
  static final HttpString CLUSTER_STALE = new HttpString("X-Cluster-Stale");
  private static final Set<String> PASSED_ON =
      Set.of("content-type", "authorization", "x-min-position", "x-request-id", "x-forwarded-for", "accept");
  private static final Set<String> NOT_RETURNED = Set.of("connection", "content-length", "transfer-encoding",
      "keep-alive", "date", "server");

  /** Added to an owner's own bound before it counts as silent: its answer's way back. */
  static final Duration SILENCE_MARGIN = Duration.ofMillis(500);

  private final String selfId;
  private final Peers peers;
  private final HttpClient http;
  private final Duration writeBound;
  private final Duration readBound;
  private final AtomicLong forwarded = new AtomicLong();

  /**
   * @param writeTimeout the owners' {@code --write-timeout}: within it an owner answers every write
   * @param readWaitTimeout the owners' {@code --read-wait-timeout}: the same for reads
   */
  Forwarder(String selfId, Peers peers, HttpClient http, Duration writeTimeout, Duration readWaitTimeout) {
    this.selfId = selfId;
    this.peers = peers;
    this.http = http;
    this.writeBound = writeTimeout.plus(SILENCE_MARGIN);
    this.readBound = readWaitTimeout.plus(SILENCE_MARGIN);
  }

  /** Requests this node has forwarded to an owner. */
  long forwarded() {
    return forwarded.get();
  }

  /** Forwards {@code ex} (its body already read: {@code body}, or null) to the first owner that takes it. */
  void forward(HttpServerExchange ex, List<Member> owners, byte[] body) {
    forwarded.incrementAndGet();
    boolean write = !ex.getRequestMethod().equals(Methods.GET) && !ex.getRequestMethod().equals(Methods.HEAD);
    Async.whenDone(ex, attempt(ex, peers.tryOrder(owners), 0, body, write, null), this::answer);
  }

  private record Answer(Member owner, HttpResponse<byte[]> response) {}

  /**
   * Asks {@code order[i]}, then the next owners as the answers allow.
   *
   * @param silent an owner that kept silent about this write earlier (it may have applied it), or null
   */
  private CompletableFuture<Answer> attempt(HttpServerExchange ex, List<Member> order, int i, byte[] body,
      boolean write, Member silent) {
    if (i >= order.size()) {
      return CompletableFuture.failedFuture(noOwnerLeft(order, write, silent));
    }
    Member owner = order.get(i);
    HttpRequest request = request(ex, owner, body, write ? writeBound : readBound);
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .handle((response, failure) -> {
          if (failure == null && !nextOwnerInstead(response, write)) {
            return CompletableFuture.completedFuture(new Answer(owner, response));
          }
          Throwable cause = failure == null ? null : Responses.unwrap(failure);
          if (failure == null || cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException) {
            if (failure != null) {
              peers.unreachable(owner);
            }
            return attempt(ex, order, i + 1, body, write, silent); // nothing was done there
          }
          if (cause instanceof HttpTimeoutException) {
            peers.unreachable(owner);
            return attempt(ex, order, i + 1, body, write, write ? owner : silent);
          }
          if (!write) {
            return attempt(ex, order, i + 1, body, write, silent);
          }
          return CompletableFuture.<Answer>failedFuture(new UnknownForwardedWrite(owner, cause));
        })
        .thenCompose(f -> f);
  }

  private Exception noOwnerLeft(List<Member> order, boolean write, Member silent) {
    if (silent != null) {
      return new UnknownForwardedWrite(silent, new HttpTimeoutException("no answer within " + writeBound.toMillis()
          + " ms, and no other owner took the write"));
    }
    String detail = "no owner of this key could be reached from " + selfId + " (tried "
        + order.stream().map(Member::id).toList() + ")";
    return write ? ApiException.writeNotApplied("no_owner", detail) : ApiException.unavailable("no_owner", detail);
  }

  /**
   * Whether another owner should be asked instead of passing this answer on: a 421 (it does not
   * own the key), a 503 that says it is replaying or, for a write, that it certainly did not apply
   * it; for a read, any 503 (reads may be repeated). A 503 of unknown outcome is passed on.
   */
  private static boolean nextOwnerInstead(HttpResponse<byte[]> response, boolean write) {
    if (response.statusCode() == 421) {
      return true;
    }
    if (response.statusCode() != 503) {
      return false;
    }
    if (!write) {
      return true;
    }
    String body = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
    return body.contains("\"not_ready\"") || body.contains("\"outcome\":\"not_applied\"");
  }

  private HttpRequest request(HttpServerExchange ex, Member owner, byte[] body, Duration timeout) {
    String query = ex.getQueryString();
    URI uri = URI.create(owner.url() + ex.getRequestURI() + (query == null || query.isEmpty() ? "" : "?" + query));
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout)
        .method(ex.getRequestMethod().toString(), body == null
            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
        .header(HOP.toString(), selfId);
    for (HeaderValues h : ex.getRequestHeaders()) {
      if (PASSED_ON.contains(h.getHeaderName().toString().toLowerCase(java.util.Locale.ROOT))) {
        for (String v : h) {
          b.header(h.getHeaderName().toString(), v);
        }
      }
    }
    return b.build();
  }

  private void answer(HttpServerExchange ex, Answer a) {
    HttpResponse<byte[]> r = a.response();
    ex.setStatusCode(r.statusCode());
    r.headers().map().forEach((name, values) -> {
      if (!name.startsWith(":") && !NOT_RETURNED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        ex.getResponseHeaders().putAll(new HttpString(name), values);
      }
    });
    ex.getResponseHeaders().put(SERVED_BY, a.owner().id());
    ex.getResponseHeaders().put(FORWARDED_BY, selfId);
    ex.getResponseSender().send(ByteBuffer.wrap(r.body()));
  }

  /** A forwarded write whose owner may have applied it: its connection failed after sending. */
  static final class UnknownForwardedWrite extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnknownForwardedWrite(Member owner, Throwable cause) {
      super("the write was forwarded to " + owner.id() + ", whose answer was lost (" + cause
          + "); it may have been applied", cause);
    }
  }
}
