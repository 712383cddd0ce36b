package io.logkv.toxiproxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Toxiproxy HTTP API: routes, request bodies, JSON replies, and the one place where every
 * failure becomes the JSON error body {@code {"error": .., "status": ..}} (the client cannot read
 * any other error).
 *
 * <p>Follows the client's habits: updates come as POST (PATCH is accepted too), bodies carry no
 * Content-Type, names are not URL-encoded. Requests from browsers ({@code User-Agent: Mozilla/..})
 * are refused, as Toxiproxy refuses them, so a web page cannot drive the proxies.
 */
final class ApiHandler implements HttpHandler {

  /** Toxiproxy's API version this server follows, marked as ours. */
  static final String VERSION = "2.12.0-logkv";

  private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);

  private final Proxies proxies;
  private final ObjectMapper json = new ObjectMapper();

  ApiHandler(Proxies proxies) {
    this.proxies = proxies;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws IOException {
    if (exchange.isInIoThread()) {
      // Binding and closing sockets blocks, so requests run on worker threads.
      exchange.dispatch(this);
      return;
    }
    exchange.startBlocking();
    Reply reply;
    try {
      reply = route(exchange);
    } catch (ApiException e) {
      if (e.status() >= 500) {
        log.warn(
            "{} {} failed: {}", exchange.getRequestMethod(), exchange.getRequestPath(), e.getMessage());
      }
      reply = Reply.error(e.status(), e.getMessage());
    } catch (RuntimeException e) {
      log.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestPath(), e);
      reply = Reply.error(500, e.toString());
    }
    send(exchange, reply);
  }

  private Reply route(HttpServerExchange exchange) throws IOException {
    String agent = exchange.getRequestHeaders().getFirst(Headers.USER_AGENT);
    if (agent != null && agent.startsWith("Mozilla/")) {
      throw ApiException.forbidden("User agent not allowed");
    }
    String method = exchange.getRequestMethod().toString();
    String path = exchange.getRequestPath();
    List<String> segments = segments(path);
    int size = segments.size();
    String first = size == 0 ? "" : segments.get(0);

    if (size == 1 && first.equals("version")) {
      requireMethod(method, path, "GET");
      return Reply.ok(Map.of("version", VERSION));
    }
    if (size == 1 && first.equals("reset")) {
      requireMethod(method, path, "POST");
      proxies.reset();
      return Reply.noContent();
    }
    if (size == 1 && first.equals("populate")) {
      requireMethod(method, path, "POST");
      return Reply.created(
          Map.of("proxies", proxies.populate(ApiRequests.newProxies(body(exchange)))));
    }
    if (first.equals("proxies")) {
      if (size == 1) {
        return proxies(method, path, exchange);
      }
      if (size == 2) {
        return proxy(method, path, segments.get(1), exchange);
      }
      if (size == 3 && segments.get(2).equals("toxics")) {
        return toxics(method, path, segments.get(1), exchange);
      }
      if (size == 4 && segments.get(2).equals("toxics")) {
        return toxic(method, path, segments.get(1), segments.get(3), exchange);
      }
    }
    throw ApiException.notFound("no such endpoint: " + path);
  }

  private Reply proxies(String method, String path, HttpServerExchange exchange)
      throws IOException {
    return switch (method) {
      case "GET" -> Reply.ok(proxies.views());
      case "POST" -> Reply.created(proxies.create(ApiRequests.newProxy(body(exchange))));
      default -> throw ApiException.methodNotAllowed(method, path);
    };
  }

  private Reply proxy(String method, String path, String name, HttpServerExchange exchange)
      throws IOException {
    return switch (method) {
      case "GET" -> Reply.ok(proxies.get(name).view());
      case "POST", "PATCH" -> Reply.ok(
          proxies.update(name, ApiRequests.proxyChange(body(exchange))));
      case "DELETE" -> {
        proxies.delete(name);
        yield Reply.noContent();
      }
      default -> throw ApiException.methodNotAllowed(method, path);
    };
  }

  private Reply toxics(String method, String path, String proxy, HttpServerExchange exchange)
      throws IOException {
    ToxicSet toxics = proxies.get(proxy).toxics();
    return switch (method) {
      case "GET" -> Reply.ok(toxics.specs());
      case "POST" -> Reply.ok(toxics.add(ApiRequests.newToxic(body(exchange))));
      default -> throw ApiException.methodNotAllowed(method, path);
    };
  }

  private Reply toxic(
      String method, String path, String proxy, String name, HttpServerExchange exchange)
      throws IOException {
    ToxicSet toxics = proxies.get(proxy).toxics();
    return switch (method) {
      case "GET" -> Reply.ok(toxics.get(name));
      case "POST", "PATCH" -> {
        ToxicType type = toxics.get(name).type();
        yield Reply.ok(toxics.update(name, ApiRequests.toxicChange(body(exchange), type)));
      }
      case "DELETE" -> {
        toxics.remove(name);
        yield Reply.noContent();
      }
      default -> throw ApiException.methodNotAllowed(method, path);
    };
  }

  private static void requireMethod(String method, String path, String allowed) {
    if (!method.equals(allowed)) {
      throw ApiException.methodNotAllowed(method, path);
    }
  }

  private static List<String> segments(String path) {
    List<String> segments = new ArrayList<>();
    for (String segment : path.split("/")) {
      if (!segment.isEmpty()) {
        segments.add(segment);
      }
    }
    return segments;
  }

  /** The body as JSON, whatever the Content-Type says (the client sends none). */
  private JsonNode body(HttpServerExchange exchange) throws IOException {
    byte[] bytes = exchange.getInputStream().readAllBytes();
    if (bytes.length == 0) {
      throw ApiException.badRequest("bad request body: empty");
    }
    try {
      return json.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("bad request body: " + e.getOriginalMessage());
    }
  }

  private void send(HttpServerExchange exchange, Reply reply) throws IOException {
    exchange.setStatusCode(reply.status());
    if (reply.status() == 204) {
      exchange.endExchange();
      return;
    }
    byte[] bytes = json.writeValueAsBytes(reply.body());
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.getResponseSender().send(ByteBuffer.wrap(bytes));
  }

  /** A status and the value to send as JSON; 204 has no body. */
  private record Reply(int status, Object body) {

    static Reply ok(Object body) {
      return new Reply(200, body);
    }

    static Reply created(Object body) {
      return new Reply(201, body);
    }

    static Reply noContent() {
      return new Reply(204, Map.of());
    }

    static Reply error(int status, String message) {
      return new Reply(status, new ErrorBody(message, status));
    }
  }

  /** The error body the client reads: {@code error} is its message, {@code status} the code. */
  private record ErrorBody(String error, int status) {}
}
