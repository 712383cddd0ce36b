package io.logkv.store.http;

import io.logkv.store.cache.Entry;
import io.logkv.store.config.Durations;
import io.logkv.store.log.Reader;
import io.logkv.store.log.Replicator;
import io.logkv.store.log.Replicator.Written;
import io.logkv.store.record.Position;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The native key routes: they translate requests into calls of the {@link Replicator} (writes) and
 * the {@link Reader} (reads), and outcomes into responses. A write's meaning
 * (acknowledged, applied here or not, refused, unknown) is the replicator's; here 200 means applied
 * on this node, 202 durable but not yet applied here. Reads are served on the I/O thread, after
 * an optional bounded wait for a position token or for the end of the log (strong).
 */
final class KeyRoutes {
  static final HttpString LOG_POSITION = new HttpString("X-Log-Position");
  static final HttpString MIN_POSITION = new HttpString("X-Min-Position");
  static final HttpString EXPIRES_AT = new HttpString("X-Expires-At");
  static final HttpString MAX_STALENESS = new HttpString("X-Max-Staleness-Ms");

  private final Replicator replicator;
  private final Reader reader;
  private final BodyReader bodies;

  KeyRoutes(Replicator replicator, Reader reader, BodyReader bodies) {
    this.replicator = replicator;
    this.reader = reader;
    this.bodies = bodies;
  }

  // ---- reads

  void get(HttpServerExchange ex, Key key, Query query) {
    afterReadBarrier(ex, key, query, this::sendValue);
  }

  /** Runs {@code serve} once the read's consistency demands (token, strong) are met. */
  void afterReadBarrier(HttpServerExchange ex, Key key, Query query, BiConsumer<HttpServerExchange, Key> serve) {
    String consistency = query.get("consistency", "local");
    boolean strong =
        switch (consistency) {
          case "local", "default" -> false;
          case "strong" -> true;
          default -> throw ApiException.badRequest(
              "bad_query", "consistency must be 'local' or 'strong', not '" + consistency + "'");
        };
    CompletableFuture<Void> wait;
    try {
      wait = reader.await(key.text(), tokens(ex), strong);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("bad_position", e.getMessage());
    }
    if (wait == null) {
      serve.accept(ex, key);
    } else {
      Async.whenDone(ex, wait, (e, ignored) -> serve.accept(e, key));
    }
  }

  /** The positions of the reader's X-Min-Position header; empty when absent. */
  static List<Position> tokens(HttpServerExchange ex) {
    String header = ex.getRequestHeaders().getFirst(MIN_POSITION);
    if (header == null) {
      return List.of();
    }
    try {
      return Position.parseList(header);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("bad_position", "X-Min-Position: " + e.getMessage());
    }
  }

  private void sendValue(HttpServerExchange ex, Key key) {
    Entry e = reader.get(key.text());
    ex.getResponseHeaders().put(MAX_STALENESS, reader.maxStalenessMillis());
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
    list(ex, prefix, after, limit, p -> true);
  }

  /** A page of this node's keys of the partitions {@code partitions} accepts. */
  void list(HttpServerExchange ex, String prefix, String after, int limit, java.util.function.IntPredicate partitions) {
    ex.dispatch(() -> {
      try {
        sendPage(ex, reader.keys(prefix, after, limit, partitions), limit);
      } catch (RuntimeException e) {
        Responses.error(ex, e);
      }
    });
  }

  /** {@code {"keys": [...], "next": cursor or null}}. */
  static void sendPage(HttpServerExchange ex, List<String> keys, int limit) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("keys", keys);
    body.put("next", keys.size() == limit ? keys.get(keys.size() - 1) : null);
    Responses.json(ex, 200, body);
  }

  // ---- writes

  void put(HttpServerExchange ex, Key key, Query query) {
    Duration ttl = ttl(query, false);
    bodies.read(ex, (e, body) ->
        Async.whenDone(e, replicator.put(key.text(), body, ttl == null ? 0 : ttl.toMillis()),
            (x, w) -> answerWrite(x, w, 200)));
  }

  void delete(HttpServerExchange ex, Key key) {
    Async.whenDone(ex, replicator.delete(key.text()), (x, w) -> answerWrite(x, w, 204));
  }

  void changeTtl(HttpServerExchange ex, Key key, Query query) {
    Duration ttl = ttl(query, true);
    List<Position> tokens = tokens(ex);
    CompletableFuture<Replicator.TtlChanged> changed;
    try {
      changed = replicator.changeTtl(key.text(), ttl.toMillis(), tokens, ex.getIoThread())
          .thenApply(c -> c.orElseThrow(() -> ApiException.notFound("no key '" + key.text() + "'")));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("bad_position", e.getMessage());
    }
    Async.whenDone(ex, changed, (x, c) -> {
      x.getResponseHeaders().put(LOG_POSITION, c.position().toString());
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("position", c.position().toString());
      body.put("expires_at", c.expiresAtMillis());
      body.put("applied", c.applied());
      Responses.json(x, c.applied() ? 200 : 202, body);
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
