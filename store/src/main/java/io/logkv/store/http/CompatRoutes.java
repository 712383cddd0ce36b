package io.logkv.store.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.logkv.store.cache.Entry;
import io.logkv.store.log.Reader;
import io.logkv.store.log.Replicator;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The routes of the original Python service (PyCache), answering exactly as it did so its clients
 * work unchanged: {@code POST/GET/DELETE /api/cache/{key}/} and {@code GET /api/health/}. The JSON
 * text is stored as the value, so the native API sees the same data.
 *
 * <p>As in the original (Flask's {@code request.is_json}), a body is read as JSON only when the
 * Content-Type is {@code application/json} or {@code application/*+json}; a value must be a
 * non-empty string, a number, an object or a non-empty array; every 400 has the original's shape
 * {@code {"message": "Invalid request body", "payload": {"error": ...}}} (the router marks these
 * exchanges, and {@link Responses#error} renders their 400s so). The set and get payload
 * is {@code {"key", "value"}}: the original kept {@code last_updated_at} in its Kafka event only.
 * A GET of an absent key answers 200 with an empty payload. Failures the original never had (503
 * while replaying, 507) keep logkv's error shape.
 */
final class CompatRoutes {
  private final Replicator replicator;
  private final Reader reader;
  private final KeyRoutes keys;
  private final BodyReader bodies;
  private final Supplier<Map<String, Object>> health;

  /** @param health the payload of {@code GET /api/health/} */
  CompatRoutes(Replicator replicator, Reader reader, KeyRoutes keys, BodyReader bodies,
      Supplier<Map<String, Object>> health) {
    this.replicator = replicator;
    this.reader = reader;
    this.keys = keys;
    this.bodies = bodies;
    this.health = health;
  }

  void health(HttpServerExchange ex) {
    Responses.json(ex, 200, answer("It works!!!", health.get()));
  }

  void set(HttpServerExchange ex, Key key) {
    if (!isJson(ex.getRequestHeaders().getFirst(Headers.CONTENT_TYPE))) {
      throw invalid("the Content-Type must be application/json (or application/*+json), not '"
          + ex.getRequestHeaders().getFirst(Headers.CONTENT_TYPE) + "'");
    }
    bodies.read(ex, (e, body) -> {
      JsonNode value = parseValue(body);
      Async.whenDone(e, replicator.put(key.text(), toBytes(value), 0), (x, w) -> {
        x.getResponseHeaders().put(KeyRoutes.LOG_POSITION, w.position().toString());
        Responses.json(x, w.applied() ? 201 : 202, answer("Cache key set success", payload(key, value)));
      });
    });
  }

  void get(HttpServerExchange ex, Key key, Query query) {
    keys.afterReadBarrier(ex, key, query, (e, k) -> {
      Entry entry = reader.get(k.text());
      Object payload = entry == null ? Map.of() : payload(k, storedValue(entry));
      if (entry != null) {
        e.getResponseHeaders().put(KeyRoutes.LOG_POSITION, entry.version().toString());
      }
      Responses.json(e, 200, answer("Cache key get success", payload));
    });
  }

  void delete(HttpServerExchange ex, Key key) {
    Async.whenDone(ex, replicator.delete(key.text()), (x, w) -> {
      x.getResponseHeaders().put(KeyRoutes.LOG_POSITION, w.position().toString());
      Responses.json(x, w.applied() ? 200 : 202, answer("Cache key expired", Map.of()));
    });
  }

  /** Flask's {@code is_json}: application/json, or application/ anything +json, parameters ignored. */
  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String mime = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    return mime.equals("application/json") || (mime.startsWith("application/") && mime.endsWith("+json"));
  }

  private static ApiException invalid(String detail) {
    return ApiException.badRequest("invalid_request_body", detail);
  }

  private static JsonNode parseValue(byte[] body) {
    JsonNode value;
    try {
      value = Responses.JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw invalid("the body is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw invalid("the body is not JSON: " + e.getMessage());
    }
    boolean ok =
        value != null
            && !value.isMissingNode()
            && (value.isNumber()
                || (value.isTextual() && !value.asText().isEmpty())
                || value.isObject()
                || (value.isArray() && !value.isEmpty()));
    if (!ok) {
      throw invalid("the value must be a non-empty string, a number, an object or a non-empty array");
    }
    return value;
  }

  /** The stored JSON; a value written through the native API that is not JSON reads as a string. */
  private static JsonNode storedValue(Entry entry) {
    byte[] bytes = entry.valueBytes();
    try {
      JsonNode node = Responses.JSON.readTree(bytes);
      if (node != null && !node.isMissingNode()) {
        return node;
      }
    } catch (IOException e) {
      // not JSON: below
    }
    return Responses.JSON.getNodeFactory().textNode(new String(bytes, StandardCharsets.UTF_8));
  }

  private static byte[] toBytes(JsonNode value) {
    try {
      return Responses.JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed JSON value must serialize", e);
    }
  }

  private static Map<String, Object> payload(Key key, JsonNode value) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("key", key.text());
    p.put("value", value);
    return p;
  }

  private static Map<String, Object> answer(String message, Object payload) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("message", message);
    a.put("payload", payload);
    return a;
  }
}
