package io.logkv.store.http;

import io.logkv.store.cache.Digest;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Routes requests by raw path (URL decoding is off in Undertow, so a key's percent-encoding is
 * decoded once, strictly, by {@link Key}) and records each answer in the metrics under its route
 * template. Data routes answer 503 with Retry-After until the node has caught up with the log, so
 * nginx sends them to another node.
 */
public final class Router implements HttpHandler {
  private static final AttachmentKey<String> ROUTE = AttachmentKey.create(String.class);
  private static final String KEYS_PREFIX = "/keys/";
  private static final String COMPAT_PREFIX = "/api/cache/";

  private final Services s;
  private final KeyRoutes keys;
  private final CompatRoutes compat;

  public Router(Services services) {
    this.s = services;
    this.keys = new KeyRoutes(services);
    this.compat = new CompatRoutes(services, keys);
  }

  @Override
  public void handleRequest(HttpServerExchange ex) {
    long started = System.nanoTime();
    ex.addExchangeCompleteListener(
        (e, next) -> {
          String route = e.getAttachment(ROUTE);
          s.metrics().observeRequest(route == null ? "unmatched" : route, e.getStatusCode(), System.nanoTime() - started);
          next.proceed();
        });
    try {
      route(ex);
    } catch (RuntimeException e) {
      Responses.error(ex, e);
    }
  }

  private void route(HttpServerExchange ex) {
    String path = ex.getRequestPath();
    HttpString method = ex.getRequestMethod();
    if (path.startsWith(KEYS_PREFIX)) {
      String rest = path.substring(KEYS_PREFIX.length());
      if (rest.endsWith("/ttl") && method.equals(Methods.POST)) {
        ex.putAttachment(ROUTE, "/keys/{key}/ttl");
        requireReady();
        keys.changeTtl(ex, Key.fromPath(rest.substring(0, rest.length() - 4)), query(ex));
        return;
      }
      ex.putAttachment(ROUTE, "/keys/{key}");
      allow(method, "GET, PUT, DELETE", Methods.GET, Methods.PUT, Methods.DELETE);
      Key key = Key.fromPath(rest);
      Query query = query(ex);
      requireReady();
      if (method.equals(Methods.GET)) {
        keys.get(ex, key, query);
      } else if (method.equals(Methods.PUT)) {
        keys.put(ex, key, query);
      } else {
        keys.delete(ex, key);
      }
    } else if (path.equals("/keys")) {
      ex.putAttachment(ROUTE, "/keys");
      allow(method, "GET", Methods.GET);
      Query query = query(ex);
      requireReady();
      keys.list(ex, query);
    } else if (path.startsWith(COMPAT_PREFIX)) {
      ex.putAttachment(ROUTE, "/api/cache/{key}/");
      String rest = path.substring(COMPAT_PREFIX.length());
      allow(method, "GET, POST, DELETE", Methods.GET, Methods.POST, Methods.DELETE);
      Key key = Key.fromPath(rest.endsWith("/") ? rest.substring(0, rest.length() - 1) : rest);
      Query query = query(ex);
      requireReady();
      if (method.equals(Methods.GET)) {
        compat.get(ex, key, query);
      } else if (method.equals(Methods.POST)) {
        compat.set(ex, key);
      } else {
        compat.delete(ex, key);
      }
    } else {
      admin(ex, path, method);
    }
  }

  private void admin(HttpServerExchange ex, String path, HttpString method) {
    switch (path) {
      case "/health/live" -> {
        ex.putAttachment(ROUTE, path);
        allow(method, "GET", Methods.GET);
        boolean live = s.node().live();
        Responses.json(ex, live ? 200 : 503, Map.of("status", live ? "live" : "failed"));
      }
      case "/health/ready" -> {
        ex.putAttachment(ROUTE, path);
        allow(method, "GET", Methods.GET);
        boolean ready = s.node().ready();
        if (!ready) {
          ex.getResponseHeaders().put(Responses.RETRY_AFTER, "1");
        }
        Responses.json(ex, ready ? 200 : 503, Map.of("status", ready ? "ready" : "not_ready"));
      }
      case "/status" -> {
        ex.putAttachment(ROUTE, path);
        allow(method, "GET", Methods.GET);
        Responses.json(ex, 200, s.node().status());
      }
      case "/metrics" -> {
        ex.putAttachment(ROUTE, path);
        allow(method, "GET", Methods.GET);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, s.metrics().contentType());
        ex.getResponseSender().send(ByteBuffer.wrap(s.metrics().scrape()));
      }
      case "/admin/digest" -> {
        ex.putAttachment(ROUTE, path);
        allow(method, "GET", Methods.GET);
        // Hashes every entry: off the I/O thread.
        ex.dispatch(
            () -> {
              try {
                Digest d = Digest.of(s.cache(), s.clock().millis());
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("node_id", s.config().nodeId());
                body.put("keys", d.keys());
                body.put("digest", d.hex());
                body.put("applied", s.positions().describe());
                Responses.json(ex, 200, body);
              } catch (RuntimeException e) {
                Responses.error(ex, e);
              }
            });
      }
      default -> throw ApiException.notFound("no route " + ex.getRequestMethod() + " " + path);
    }
  }

  private void requireReady() {
    if (!s.node().ready()) {
      throw ApiException.unavailable("not_ready", "the node is replaying the log and serves no data until it has caught up");
    }
  }

  private static Query query(HttpServerExchange ex) {
    return Query.parse(ex.getQueryString());
  }

  private static void allow(HttpString method, String allowHeader, HttpString... allowed) {
    for (HttpString a : allowed) {
      if (a.equals(method)) {
        return;
      }
    }
    throw ApiException.methodNotAllowed(method.toString(), allowHeader);
  }
}
