package io.logkv.store.http;

import io.logkv.store.auth.Role;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.util.Optional;

/**
 * The role each route needs, decided from the raw path and the method exactly as {@link Router}
 * matches them (the same prefixes, no decoding), so the two cannot disagree about which route a
 * request is. Health checks are open; a path not listed here needs {@code admin}: a route added
 * later is closed until someone gives it its role here.
 *
 * <table>
 *   <caption>Roles by route</caption>
 *   <tr><td>{@code /health/live}, {@code /health/ready}, {@code /api/health/},
 *       {@code /cluster/fingerprint}, the status page's files ({@code /}, {@code /ui/*}: no data;
 *       the page asks for a read token when its data needs one)</td><td>open</td></tr>
 *   <tr><td>GET/HEAD {@code /keys/{key}}, {@code /keys}, {@code /api/cache/{key}/}, {@code /status},
 *       {@code /cluster}, {@code /cluster/status}</td><td>read</td></tr>
 *   <tr><td>any other method on {@code /keys/...}, {@code /keys}, {@code /api/cache/...}
 *       (PUT, DELETE, POST .../ttl, POST)</td><td>write</td></tr>
 *   <tr><td>{@code /metrics}, {@code /admin/*}, anything else</td><td>admin</td></tr>
 * </table>
 */
final class RouteAccess {
  private RouteAccess() {}

  /** The role the request needs; empty for an open route. */
  static Optional<Role> needed(HttpString method, String path) {
    boolean reads = method.equals(Methods.GET) || method.equals(Methods.HEAD);
    if (path.startsWith("/keys/") || path.equals("/keys") || path.startsWith("/api/cache/")) {
      return Optional.of(reads ? Role.READ : Role.WRITE);
    }
    if (path.startsWith("/ui/")) {
      return Optional.empty();
    }
    return switch (path) {
      case "/health/live", "/health/ready", "/api/health/", "/api/health", "/cluster/fingerprint", "/" ->
          Optional.empty();
      case "/status", "/cluster", "/cluster/status" -> Optional.of(Role.READ);
      default -> Optional.of(Role.ADMIN);
    };
  }
}
