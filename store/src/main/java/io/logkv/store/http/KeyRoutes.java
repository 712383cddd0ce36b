package io.logkv.store.http;

import io.logkv.store.cache.Cache;
import io.logkv.store.cache.Entry;
import io.logkv.store.config.Durations;
import io.logkv.store.log.LogWriter;
import io.logkv.store.log.Position;
import io.logkv.store.log.RecordCodec;
import io.logkv.store.log.WriteFailedException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.xnio.XnioExecutor;

/**
 * The native key routes. A write is produced to the log, acknowledged by the broker (acks=all),
 * then awaited until this node has applied it, so that a read on this node right after sees it;
 * 202 means durable but not yet applied here. A read is served from memory on the I/O thread,
 * after an optional bounded wait for a position token or for the end of the log (strong).
 */
final class KeyRoutes {
  static final HttpString LOG_POSITION = new HttpString("X-Log-Position");
  static final HttpString MIN_POSITION = new HttpString("X-Min-Position");
  static final HttpString EXPIRES_AT = new HttpString("X-Expires-At");
  static final HttpString MAX_STALENESS = new HttpString("X-Max-Staleness-Ms");

  private final Services s;
  private final Cache cache;
  private final LogWriter writer;
  private final InstantSource clock;
  private final Waits waits;

  KeyRoutes(Services services) {
    this.s = services;
    this.cache = services.cache();
    this.writer = services.writer();
    this.clock = services.clock();
    this.waits = new Waits(services.positions(), services.endOffsets());
  }

  /** The outcome of a write: its position and whether this node applied it in time. */
  record Written(Position position, boolean applied) {}

  // ---- reads

  void get(HttpServerExchange ex, Key key, Query query) {
    afterReadBarrier(ex, key, query, this::sendValue);
  }

  /** Runs {@code serve} once the read's consistency demands are met. */
  void afterReadBarrier(HttpServerExchange ex, Key key, Query query, BiConsumer<HttpServerExchange, Key> serve) {
    String consistency = query.get("consistency", "local");
    int strongPartition =
        switch (consistency) {
          case "local", "default" -> -1;
          case "strong" -> writer.partitionFor(key.utf8());
          default -> throw ApiException.badRequest(
              "bad_query", "consistency must be 'local' or 'strong', not '" + consistency + "'");
        };
    CompletableFuture<Void> barrier =
        waits.readBarrier(
            ex.getRequestHeaders().getFirst(MIN_POSITION), strongPartition, s.config().readWaitTimeout().toMillis());
    if (barrier == null) {
      serve.accept(ex, key);
    } else {
      Async.whenDone(ex, barrier, (e, ignored) -> serve.accept(e, key));
    }
  }

  private void sendValue(HttpServerExchange ex, Key key) {
    Entry e = cache.get(key.text(), clock);
    ex.getResponseHeaders().put(MAX_STALENESS, s.node().maxStalenessMillis());
    if (e == null) {
      throw ApiException.notFound("no key '" + key.text() + "'");
    }
    ex.setStatusCode(200);
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/octet-stream");
    ex.getResponseHeaders().put(Headers.ETAG, "\"" + e.version() + "\"");
    ex.getResponseHeaders().put(LOG_POSITION, e.version().toString());
    if (e.hasExpiry()) {
      ex.getResponseHeaders().put(EXPIRES_AT, e.expiresAtMillis());
    }
    ex.getResponseSender().send(e.value());
  }

  void list(HttpServerExchange ex, Query query) {
    String prefix = query.get("prefix", "");
    String after = query.get("after");
    int limit = query.getInt("limit", 100, 1, 1000);
    // A page scans the whole map: keep it off the I/O thread.
    ex.dispatch(
        () -> {
          try {
            List<String> keys = cache.keys(prefix, after, limit, clock.millis());
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("keys", keys);
            body.put("next", keys.size() == limit ? keys.get(keys.size() - 1) : null);
            Responses.json(ex, 200, body);
          } catch (RuntimeException e) {
            Responses.error(ex, e);
          }
        });
  }

  // ---- writes

  void put(HttpServerExchange ex, Key key, Query query) {
    Duration ttl = ttl(query, false);
    readBody(
        ex,
        s.config().maxValueBytes(),
        s.config().requestTimeout().toMillis(),
        (e, body) -> {
          long now = clock.millis();
          long deadline = ttl == null ? 0 : now + ttl.toMillis();
          checkMemory(key, body.length);
          write(e, key, RecordCodec.encode(body, deadline, now), (x, w) -> answerWrite(x, w, 200));
        });
  }

  void delete(HttpServerExchange ex, Key key) {
    write(ex, key, null, (x, w) -> answerWrite(x, w, 204));
  }

  /**
   * Read-modify-write: the node reads the key's current value and logs it again, whole, with the
   * new deadline. The read is a strong one (this node first applies the key's partition up to the
   * end offset of the moment), so the value logged again is never older than a write acknowledged
   * before the request arrived, whichever node took that write. A write concurrent with the change
   * may still be overwritten by it: both are whole-state writes and the later in the log wins.
   */
  void changeTtl(HttpServerExchange ex, Key key, Query query) {
    Duration ttl = ttl(query, true);
    refuseIfBrokerSilent(); // before the strong read, which would otherwise wait out its timeout
    CompletableFuture<Void> barrier =
        waits.readBarrier(
            ex.getRequestHeaders().getFirst(MIN_POSITION),
            writer.partitionFor(key.utf8()),
            s.config().readWaitTimeout().toMillis());
    record TtlChanged(Written written, long deadline) {}
    CompletableFuture<TtlChanged> done =
        barrier.thenComposeAsync(
            ignored -> {
              long now = clock.millis();
              Entry current = cache.get(key.text(), now);
              if (current == null) {
                throw ApiException.notFound("no key '" + key.text() + "'");
              }
              long deadline = now + ttl.toMillis();
              byte[] record = RecordCodec.encode(current.valueBytes(), deadline, now);
              return appendAndAwait(key, record).thenApply(w -> new TtlChanged(w, deadline));
            },
            ex.getIoThread());
    Async.whenDone(
        ex,
        done,
        (x, changed) -> {
          Written w = changed.written();
          x.getResponseHeaders().put(LOG_POSITION, w.position().toString());
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("position", w.position().toString());
          body.put("expires_at", changed.deadline());
          body.put("applied", w.applied());
          Responses.json(x, w.applied() ? 200 : 202, body);
        });
  }

  /** Produces {@code record} (null: tombstone) and waits, within the write timeout, for it to apply here. */
  void write(HttpServerExchange ex, Key key, byte[] record, BiConsumer<HttpServerExchange, Written> answer) {
    Async.whenDone(ex, appendAndAwait(key, record), answer);
  }

  /** Refuses a write at once, as not applied, when the broker has been silent too long. */
  private void refuseIfBrokerSilent() {
    long silence = s.node().brokerSilenceMillis();
    if (silence > NodeView.BROKER_SILENCE_MILLIS) {
      throw new WriteFailedException(
          "Kafka has not answered this node for " + silence + " ms; the write was refused",
          WriteFailedException.Outcome.NOT_APPLIED, null);
    }
  }

  private CompletableFuture<Written> appendAndAwait(Key key, byte[] record) {
    refuseIfBrokerSilent();
    long timeout = writer.writeTimeoutMillis();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
    return writer
        .append(key.utf8(), record)
        .thenCompose(
            position -> {
              s.node().brokerHeard();
              long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
              if (left <= 0) {
                return CompletableFuture.completedFuture(new Written(position, s.positions().isApplied(position)));
              }
              return s.positions()
                  .whenApplied(position, left)
                  .handle((ok, failure) -> new Written(position, failure == null));
            });
  }

  private static void answerWrite(HttpServerExchange ex, Written w, int appliedStatus) {
    ex.getResponseHeaders().put(LOG_POSITION, w.position().toString());
    if (w.applied() && appliedStatus == 204) {
      ex.setStatusCode(204);
      ex.endExchange();
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("position", w.position().toString());
    body.put("applied", w.applied());
    Responses.json(ex, w.applied() ? appliedStatus : 202, body);
  }

  void checkMemory(Key key, int valueLength) {
    long cap = s.config().maxMemoryBytes();
    long after = cache.bytes() + cache.estimateBytes(key.text(), valueLength);
    if (after > cap) {
      throw new ApiException(
          507, "memory_cap", "the node holds " + cache.bytes() + " bytes and the cap is " + cap
              + " (--max-memory-bytes); delete keys or raise the cap");
    }
  }

  /**
   * Reads the whole body, never more than {@code limit} bytes: a declared length above it is a 413
   * before anything is read, a chunked body that grows past it gets a 413 as soon as it does (and
   * the connection is closed rather than drained), and a body that has not fully arrived within
   * {@code timeoutMillis} closes the connection.
   */
  static void readBody(
      HttpServerExchange ex, long limit, long timeoutMillis, BiConsumer<HttpServerExchange, byte[]> onBody) {
    long declared = ex.getRequestContentLength();
    if (declared > limit) {
      throw tooLarge(declared, limit);
    }
    XnioExecutor.Key timer =
        ex.getIoThread()
            .executeAfter(
                () -> {
                  if (!ex.isComplete()) {
                    // A slow or stalled body must not hold the node.
                    org.xnio.IoUtils.safeClose(ex.getConnection());
                  }
                },
                timeoutMillis,
                TimeUnit.MILLISECONDS);
    ByteArrayOutputStream body = new ByteArrayOutputStream(declared > 0 ? (int) declared : 256);
    boolean[] finished = {false};
    ex.getRequestReceiver()
        .receivePartialBytes(
            (e, chunk, last) -> {
              if (finished[0]) {
                return;
              }
              if (body.size() + chunk.length > limit) {
                finished[0] = true;
                timer.remove();
                e.getRequestReceiver().pause();
                Responses.error(e, tooLarge(-1, limit));
                return;
              }
              body.write(chunk, 0, chunk.length);
              if (last) {
                finished[0] = true;
                timer.remove();
                try {
                  onBody.accept(e, body.toByteArray());
                } catch (RuntimeException failure) {
                  Responses.error(e, failure);
                }
              }
            },
            (e, failure) -> {
              timer.remove();
              if (!finished[0]) {
                finished[0] = true;
                Responses.error(e, failure);
              }
            });
  }

  private static ApiException tooLarge(long declared, long limit) {
    return new ApiException(
        413, "value_too_large",
        (declared >= 0 ? "the body is " + declared + " bytes; " : "the body is larger than the limit; ")
            + "at most " + limit + " bytes are allowed (--max-value-bytes)");
  }

  private static Duration ttl(Query query, boolean required) {
    String raw = query.get("ttl");
    if (raw == null) {
      if (required) {
        throw ApiException.badRequest("bad_ttl", "ttl is required, e.g. ?ttl=30s");
      }
      return null;
    }
    try {
      return Durations.parse(raw);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("bad_ttl", "ttl: " + e.getMessage());
    }
  }

}
