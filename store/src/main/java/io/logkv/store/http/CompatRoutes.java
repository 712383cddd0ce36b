package io.logkv.store.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.logkv.store.cache.Entry;
import io.logkv.store.log.RecordCodec;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The routes of the original Python service (PyCache), so its clients work unchanged:
 * {@code POST/GET/DELETE /api/cache/{key}/}. The JSON text is stored as the value, so the native
 * API sees the same data. As in the original, a value must be a non-empty string, a number, an
 * object or a non-empty array, and a GET of an absent key answers 200 with an empty payload.
 */
final class CompatRoutes {
  private final Services s;
  private final KeyRoutes keys;

  CompatRoutes(Services services, KeyRoutes keys) {
    this.s = services;
    this.keys = keys;
  }

  void set(HttpServerExchange ex, Key key) {
    KeyRoutes.readBody(
        ex,
        s.config().maxValueBytes(),
        s.config().requestTimeout().toMillis(),
        (e, body) -> {
          JsonNode value = parseValue(body);
          byte[] stored = toBytes(value);
          keys.checkMemory(key, stored.length);
          long now = s.clock().millis();
          keys.write(
              e,
              key,
              RecordCodec.encode(stored, 0, now),
              (x, w) -> {
                x.getResponseHeaders().put(KeyRoutes.LOG_POSITION, w.position().toString());
                Responses.json(x, w.applied() ? 201 : 202, answer("Cache key set success", payload(key, value, now)));
              });
        });
  }

  void get(HttpServerExchange ex, Key key, Query query) {
    keys.afterReadBarrier(
        ex,
        key,
        query,
        (e, k) -> {
          Entry entry = s.cache().get(k.text(), s.clock().millis());
          Object payload = entry == null ? Map.of() : payload(k, storedValue(entry), entry.writtenAtMillis());
          if (entry != null) {
            e.getResponseHeaders().put(KeyRoutes.LOG_POSITION, entry.version().toString());
          }
          Responses.json(e, 200, answer("Cache key get success", payload));
        });
  }

  void delete(HttpServerExchange ex, Key key) {
    keys.write(
        ex,
        key,
        null,
        (x, w) -> {
          x.getResponseHeaders().put(KeyRoutes.LOG_POSITION, w.position().toString());
          Responses.json(x, w.applied() ? 200 : 202, answer("Cache key expired", Map.of()));
        });
  }

  private static JsonNode parseValue(byte[] body) {
    JsonNode value;
    try {
      value = Responses.JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("bad_json", "the body is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw ApiException.badRequest("bad_json", "the body is not JSON: " + e.getMessage());
    }
    boolean ok =
        value != null
            && (value.isNumber()
                || (value.isTextual() && !value.asText().isEmpty())
                || value.isObject()
                || (value.isArray() && !value.isEmpty()));
    if (!ok) {
      throw ApiException.badRequest(
          "bad_value", "the value must be a non-empty string, a number, an object or a non-empty array");
    }
    return value;
  }

  /** The stored JSON; a value written through the native API that is not JSON reads as a string. */
  private static JsonNode storedValue(Entry entry) {
    byte[] bytes = entry.valueBytes();
    try {
      return Responses.JSON.readTree(bytes);
    } catch (IOException e) {
      return Responses.JSON.getNodeFactory().textNode(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  private static byte[] toBytes(JsonNode value) {
    try {
      return Responses.JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed JSON value must serialize", e);
    }
  }

  private static Map<String, Object> payload(Key key, JsonNode value, long writtenAtMillis) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("key", key.text());
    p.put("value", value);
    p.put("last_updated_at", Instant.ofEpochMilli(writtenAtMillis).toString());
    return p;
  }

  private static Map<String, Object> answer(String message, Object payload) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("message", message);
    a.put("payload", payload);
    return a;
  }
}
