package io.logkv.store.http;

import io.logkv.store.auth.Authorizer;
import io.logkv.store.auth.Authorizer.Decision;
import io.logkv.store.auth.Role;
import io.logkv.store.metrics.NodeMetrics;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * Checks a request's bearer token against the role its route needs ({@link RouteAccess}) before
 * the routes see it: 401 with {@code WWW-Authenticate} without a known token, 403 when the token
 * lacks the role, both in the JSON error shape and before any of the body is read (a refused
 * request with a body closes its connection instead of draining it). A refused request changes
 * nothing. Runs on the I/O thread: the check is one SHA-256 and a comparison per known token.
 *
 * <p>In sharded mode, a node that forwards a request passes its {@code Authorization} header on
 * unchanged, so the node that serves it checks the caller's own rights.
 */
public final class AuthHandler implements HttpHandler {
  static final String REALM = "Bearer realm=\"logkv\"";

  private final HttpHandler next;
  private final Authorizer authorizer;
  private final LongAdder unauthorized = new LongAdder();
  private final LongAdder forbidden = new LongAdder();

  private AuthHandler(HttpHandler next, Authorizer authorizer) {
    this.next = next;
    this.authorizer = authorizer;
  }

  /** {@code next} behind the check; {@code next} itself when auth is off. */
  public static HttpHandler wrap(HttpHandler next, Authorizer authorizer, NodeMetrics metrics) {
    if (!authorizer.enabled()) {
      return next;
    }
    AuthHandler handler = new AuthHandler(next, authorizer);
    metrics.counter("logkv_http_unauthorized", "Requests refused with 401: no bearer token, or one not in the auth file",
        handler.unauthorized::sum);
    metrics.counter("logkv_http_forbidden", "Requests refused with 403: the token lacks the route's role",
        handler.forbidden::sum);
    return handler;
  }

  @Override
  public void handleRequest(HttpServerExchange ex) throws Exception {
    Optional<Role> needed = RouteAccess.needed(ex.getRequestMethod(), ex.getRequestPath());
    if (needed.isEmpty()) {
      next.handleRequest(ex);
      return;
    }
    Role role = needed.get();
    var headers = ex.getRequestHeaders();
    // Two Authorization headers are refused rather than one of them picked.
    Decision d = headers.count(Headers.AUTHORIZATION) > 1
        ? Decision.UNKNOWN_TOKEN
        : authorizer.check(headers.getFirst(Headers.AUTHORIZATION), role);
    if (d.allowed()) {
      next.handleRequest(ex);
      return;
    }
    String what = ex.getRequestMethod() + " " + ex.getRequestPath();
    if (ex.getRequestContentLength() > 0 || headers.contains(Headers.TRANSFER_ENCODING)) {
      ex.setPersistent(false); // the body is not read: close rather than drain it
    }
    switch (d.verdict()) {
      case NO_TOKEN -> {
        unauthorized.increment();
        ex.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, REALM);
        Responses.error(ex, ApiException.unauthorized(what + " needs a bearer token with the '" + role.label()
            + "' role: send 'Authorization: Bearer <token>'"));
      }
      case UNKNOWN_TOKEN -> {
        unauthorized.increment();
        ex.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, REALM + ", error=\"invalid_token\"");
        Responses.error(ex, ApiException.unauthorized("the bearer token is not one this node knows (is it in the"
            + " auth file?); " + what + " needs one with the '" + role.label() + "' role"));
      }
      default -> {
        forbidden.increment();
        ex.getResponseHeaders().put(Headers.WWW_AUTHENTICATE,
            REALM + ", error=\"insufficient_scope\", scope=\"" + role.label() + "\"");
        String held = d.held().stream().map(Role::label).sorted().collect(Collectors.joining(", "));
        Responses.error(ex, ApiException.forbidden(what + " needs the '" + role.label() + "' role; this token has: "
            + (held.isEmpty() ? "none" : held)));
      }
    }
  }
}
