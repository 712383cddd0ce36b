package io.logkv.store.http;

import io.logkv.store.log.Reader;
import io.logkv.store.log.Replicator;
import io.logkv.store.metrics.NodeMetrics;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.util.Map;
import java.util.function.Supplier;

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

  private final NodeState state;
  private final KeyRoutes keys;
  private final CompatRoutes compat;
  private final AdminRoutes admin;
  private final ClusterRoutes cluster;
  private final Sharding sharding;
  private final Replicator writes;
  private final BodyReader bodies;
  private final NodeMetrics metrics;
  private final Supplier<Map<String, Object>> status;
  private final HttpHandler page;
  private final String nodeId;

  private Router(String nodeId, NodeState state, KeyRoutes keys, CompatRoutes compat, AdminRoutes admin,
      ClusterRoutes cluster, Sharding sharding, Replicator writes, BodyReader bodies, NodeMetrics metrics,
      Supplier<Map<String, Object>> status) {
    this.state = state;
    this.keys = keys;
    this.compat = compat;
    this.admin = admin;
    this.cluster = cluster;
    this.sharding = sharding;
    this.writes = writes;
    this.bodies = bodies;
    this.metrics = metrics;
    this.status = status;
    this.page = StatusPage.handler();
    this.nodeId = nodeId;
  }

  @Override
  public void handleRequest(HttpServerExchange ex) {
    long started = System.nanoTime();
    // Which node answered: a forwarded answer names its owner instead (see Forwarder).
    ex.getResponseHeaders().put(Forwarder.SERVED_BY, nodeId);
    ex.addExchangeCompleteListener((e, next) -> {
      String route = e.getAttachment(ROUTE);
      metrics.observeRequest(route == null ? "unmatched" : route, e.getStatusCode(), System.nanoTime() - started);
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
        Key key = Key.fromPath(rest.substring(0, rest.length() - 4));
        Query query = query(ex);
        requireReady(method);
        if (!forwarded(ex, key, false)) {
          keys.changeTtl(ex, key, query);
        }
        return;
      }
      ex.putAttachment(ROUTE, "/keys/{key}");
      allow(method, "GET, PUT, DELETE", Methods.GET, Methods.PUT, Methods.DELETE);
      Key key = Key.fromPath(rest);
      Query query = query(ex);
      requireReady(method);
      if (forwarded(ex, key, method.equals(Methods.PUT))) {
        return;
      }
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
      requireReady(method);
      if (sharding.membership().sharded()) {
        String prefix = query.get("prefix", "");
        String after = query.get("after");
        int limit = query.getInt("limit", 100, 1, 1000);
        if (ex.getRequestHeaders().contains(Forwarder.HOP)) {
          // One member's share of a cluster-wide listing: only the partitions asked for.
          keys.list(ex, prefix, after, limit,
              ClusterRoutes.partitions(query.get("partitions"), sharding.membership().partitions()));
        } else {
          cluster.list(ex, prefix, after, limit);
        }
      } else {
        keys.list(ex, query);
      }
    } else if (path.equals("/api/health/") || path.equals("/api/health")) {
      ex.putAttachment(ROUTE, "/api/health/");
      allow(method, "GET", Methods.GET);
      compat.health(ex);
    } else if (path.startsWith(COMPAT_PREFIX)) {
      ex.putAttachment(ROUTE, "/api/cache/{key}/");
      ex.putAttachment(Responses.PYCACHE_ERRORS, true);
      String rest = path.substring(COMPAT_PREFIX.length());
      allow(method, "GET, POST, DELETE", Methods.GET, Methods.POST, Methods.DELETE);
      Key key = Key.fromPath(rest.endsWith("/") ? rest.substring(0, rest.length() - 1) : rest);
      Query query = query(ex);
      requireReady(method);
      if (forwarded(ex, key, method.equals(Methods.POST))) {
        return;
      }
      if (method.equals(Methods.GET)) {
        compat.get(ex, key, query);
      } else if (method.equals(Methods.POST)) {
        compat.set(ex, key);
      } else {
        compat.delete(ex, key);
      }
    } else if (path.equals("/") || path.startsWith("/ui/")) {
      ex.putAttachment(ROUTE, "/ui");
      allow(method, "GET", Methods.GET, Methods.HEAD);
      try {
        page.handleRequest(ex);
      } catch (Exception e) {
        throw new IllegalStateException("serving the status page failed", e);
      }
    } else {
      admin(ex, path, method);
    }
  }

  private void admin(HttpServerExchange ex, String path, HttpString method) {
    Runnable handler =
        switch (path) {
          case "/health/live" -> () -> admin.live(ex);
          case "/health/ready" -> () -> admin.ready(ex);
          case "/status" -> () -> admin.status(ex);
          case "/metrics" -> () -> admin.metrics(ex);
          case "/admin/digest" -> () -> admin.digest(ex);
          case "/cluster" -> () -> cluster.cluster(ex);
          case "/cluster/status" -> () -> cluster.status(ex, status);
          case "/cluster/fingerprint" -> () -> cluster.fingerprint(ex);
          default -> throw ApiException.notFound("no route " + ex.getRequestMethod() + " " + path);
        };
    ex.putAttachment(ROUTE, path);
    allow(method, "GET", Methods.GET);
    handler.run();
  }

  /**
   * In sharded mode, sends a request for a key this node does not own to its owners and returns
   * true; a request that was already forwarded once (it carries the hop header) is refused with
   * 421 instead, so that nothing is forwarded twice. False: this node serves the key.
   *
   * @param hasBody whether the request's body is to be read first and sent on
   */
  private boolean forwarded(HttpServerExchange ex, Key key, boolean hasBody) {
    int partition = writes.partitionOf(key.text());
    if (!sharding.forwards(partition)) {
      return false;
    }
    if (ex.getRequestHeaders().contains(Forwarder.HOP)) {
      ex.getResponseHeaders().put(Forwarder.CLUSTER_STALE, "true");
      throw new ApiException(421, "not_owner", "this node does not own partition " + partition + " (key '"
          + key.text() + "'), and the request was already forwarded once by "
          + ex.getRequestHeaders().getFirst(Forwarder.HOP) + "; its owner table is out of date");
    }
    if (hasBody) {
      bodies.read(ex, (e, body) -> {
        writes.refuseIfJustThawed(); // the body may have waited in the socket through a freeze
        sharding.forwarder().forward(e, sharding.owners(partition), body);
      });
    } else {
      sharding.forwarder().forward(ex, sharding.owners(partition), null);
    }
    return true;
  }

  private void requireReady(HttpString method) {
    if (!state.ready()) {
      throw ApiException.refusedBeforeHandling(method, "not_ready", "the node is replaying the log and serves no data until it has caught up");
    }
    if (!method.equals(Methods.GET) && !method.equals(Methods.HEAD)) {
      writes.refuseIfJustThawed(); // before forwarding too: a stale copy must not reach an owner either
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

  /**
   * The router and its routes over the node's parts.
   *
   * @param status the /status document, built at each request
   * @param health the payload of the original service's {@code GET /api/health/}
   */
  public static Router create(String nodeId, NodeState state, Replicator writes, Reader reads, Sharding sharding,
      Supplier<Map<String, Object>> status, Supplier<Map<String, Object>> health, NodeMetrics metrics,
      HttpLimits limits) {
    BodyReader bodies = new BodyReader(limits.maxValueBytes(), limits.requestTimeoutMillis(), limits.maxInflightBodyBytes());
    KeyRoutes keys = new KeyRoutes(writes, reads, bodies);
    CompatRoutes compat = new CompatRoutes(writes, reads, keys, bodies, health);
    AdminRoutes admin = new AdminRoutes(nodeId, state, status, metrics, reads, sharding.membership()::owns);
    metrics.gauge("logkv_http_inflight_body_bytes", "Request body bytes received and not yet handled",
        bodies::inflightBytes);
    metrics.counter("logkv_http_bodies_refused", "Request bodies refused because --max-inflight-body-bytes was reached",
        bodies::refused);
    metrics.counter("logkv_forwarded_requests", "Requests for keys this node does not own, forwarded to an owner",
        sharding::forwarded);
    return new Router(nodeId, state, keys, compat, admin, sharding.routes(reads), sharding, writes, bodies, metrics,
        status);
  }
}
