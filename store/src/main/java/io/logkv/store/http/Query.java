package io.logkv.store.http;

import java.util.HashMap;
import java.util.Map;

/** A request's query string, decoded strictly; a parameter given twice is a 400. */
final class Query {
  private final Map<String, String> params;

  private Query(Map<String, String> params) {
    this.params = params;
  }

  private static final Query EMPTY = new Query(Map.of());

  static Query parse(String raw) {
    if (raw == null || raw.isEmpty()) {
      return EMPTY;
    }
    Map<String, String> params = new HashMap<>();
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = PercentDecoder.decodeText(eq < 0 ? pair : pair.substring(0, eq), "query parameter name");
      String value = eq < 0 ? "" : PercentDecoder.decodeText(pair.substring(eq + 1), "query parameter " + name);
      if (params.put(name, value) != null) {
        throw ApiException.badRequest("bad_query", "query parameter '" + name + "' is given more than once");
      }
    }
    return new Query(params);
  }

  String get(String name) {
    return params.get(name);
  }

  String get(String name, String fallback) {
    return params.getOrDefault(name, fallback);
  }

  int getInt(String name, int fallback, int min, int max) {
    String v = params.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("bad_query", name + " must be a whole number from " + min + " to " + max + ", not '" + v + "'");
    }
  }
}
