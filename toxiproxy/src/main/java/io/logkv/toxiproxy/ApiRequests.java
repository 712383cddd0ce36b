package io.logkv.toxiproxy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Turns request bodies into values, once, at the edge. Every malformed body becomes a 400; the
 * rest of the server sees only checked values. Changes are returned as functions so that they are
 * fully parsed before anything changes.
 */
final class ApiRequests {

  private static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 0);

  private ApiRequests() {}

  /** {@code {"name", "upstream", "listen"?, "enabled"?}}. */
  static ProxyConfig newProxy(JsonNode body) {
    requireObject(body);
    String name = requiredText(body, "name");
    HostPort upstream = address(requiredText(body, "upstream"));
    HostPort listen = body.hasNonNull("listen") ? address(text(body, "listen")) : DEFAULT_LISTEN;
    boolean enabled = !body.hasNonNull("enabled") || bool(body, "enabled");
    return new ProxyConfig(name, listen, upstream, enabled);
  }

  /** An array of {@link #newProxy} bodies. */
  static List<ProxyConfig> newProxies(JsonNode body) {
    if (!body.isArray()) {
      throw ApiException.badRequest("bad request body: expected an array of proxies");
    }
    List<ProxyConfig> configs = new ArrayList<>();
    body.forEach(node -> configs.add(newProxy(node)));
    return configs;
  }

  /** Any of {@code listen}, {@code upstream}, {@code enabled}; the others stay. */
  static UnaryOperator<ProxyConfig> proxyChange(JsonNode body) {
    requireObject(body);
    HostPort listen = body.hasNonNull("listen") ? address(text(body, "listen")) : null;
    HostPort upstream = body.hasNonNull("upstream") ? address(text(body, "upstream")) : null;
    Boolean enabled = body.hasNonNull("enabled") ? bool(body, "enabled") : null;
    return config -> {
      ProxyConfig next = config;
      if (listen != null) {
        next = next.withListen(listen);
      }
      if (upstream != null) {
        next = next.withUpstream(upstream);
      }
      if (enabled != null) {
        next = next.withEnabled(enabled);
      }
      return next;
    };
  }

  /**
   * {@code {"type", "name"?, "stream"?, "toxicity"?, "attributes"?}}; stream defaults to
   * downstream, toxicity to 1, the name to {@code <type>_<stream>}.
   */
  static ToxicSpec newToxic(JsonNode body) {
    requireObject(body);
    ToxicType type = parse(() -> ToxicType.parse(requiredText(body, "type")));
    Direction stream =
        body.hasNonNull("stream")
            ? parse(() -> Direction.parse(text(body, "stream")))
            : Direction.DOWNSTREAM;
    String name =
        body.hasNonNull("name") && !text(body, "name").isEmpty()
            ? text(body, "name")
            : type.wireName() + "_" + stream.wireName();
    double toxicity = body.hasNonNull("toxicity") ? number(body, "toxicity").asDouble() : 1.0;
    Map<String, Long> attributes = attributes(body, type);
    return parse(() -> new ToxicSpec(name, type, stream, toxicity, attributes));
  }

  /** Any of {@code toxicity} and {@code attributes} (merged: attributes not sent stay). */
  static UnaryOperator<ToxicSpec> toxicChange(JsonNode body, ToxicType type) {
    requireObject(body);
    Double toxicity = body.hasNonNull("toxicity") ? number(body, "toxicity").asDouble() : null;
    Map<String, Long> attributes = attributes(body, type);
    return spec -> {
      ToxicSpec next = toxicity != null ? parse(() -> spec.withToxicity(toxicity)) : spec;
      return parse(() -> next.withAttributes(attributes));
    };
  }

  /** The type's attributes present in the body; others are ignored, as Toxiproxy ignores them. */
  private static Map<String, Long> attributes(JsonNode body, ToxicType type) {
    Map<String, Long> attributes = new HashMap<>();
    if (!body.hasNonNull("attributes")) {
      return attributes;
    }
    JsonNode node = body.get("attributes");
    if (!node.isObject()) {
      throw ApiException.badRequest("bad request body: attributes must be an object");
    }
    for (String key : type.attributes()) {
      if (node.hasNonNull(key)) {
        attributes.put(key, number(node, key).asLong());
      }
    }
    return attributes;
  }

  private static void requireObject(JsonNode body) {
    if (!body.isObject()) {
      throw ApiException.badRequest("bad request body: expected a JSON object");
    }
  }

  private static String requiredText(JsonNode body, String field) {
    if (!body.hasNonNull(field) || text(body, field).isEmpty()) {
      throw ApiException.badRequest("missing required field: " + field);
    }
    return text(body, field);
  }

  private static String text(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (!node.isTextual()) {
      throw ApiException.badRequest("bad request body: " + field + " must be a string");
    }
    return node.asText();
  }

  private static boolean bool(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (!node.isBoolean()) {
      throw ApiException.badRequest("bad request body: " + field + " must be true or false");
    }
    return node.asBoolean();
  }

  private static JsonNode number(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (!node.isNumber()) {
      throw ApiException.badRequest("bad request body: " + field + " must be a number");
    }
    return node;
  }

  private static HostPort address(String text) {
    return parse(() -> HostPort.parse(text));
  }

  /** Runs a value's own validation, answering 400 with its message. */
  private static <T> T parse(Supplier<T> parser) {
    try {
      return parser.get();
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }
}
