package io.logkv.toxiproxy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings of one toxic, also its JSON shape.
 *
 * @param name unique per proxy across both streams
 * @param stream the direction it acts on
 * @param toxicity 0 to 1: the chance that it acts on a given connection (drawn per connection and
 *     direction)
 * @param attributes every attribute of the type, in the type's units (ms, KB/s, bytes, µs); ones
 *     not given are 0, unknown ones are dropped
 */
record ToxicSpec(
    String name, ToxicType type, Direction stream, double toxicity, Map<String, Long> attributes) {

  ToxicSpec {
    if (!(toxicity >= 0 && toxicity <= 1)) {
      throw new IllegalArgumentException("toxicity must be between 0 and 1: " + toxicity);
    }
    // Every attribute is present because the client reads them all and fails on a missing one.
    Map<String, Long> complete = new LinkedHashMap<>();
    for (String key : type.attributes()) {
      long value = attributes.getOrDefault(key, 0L);
      if (value < 0) {
        throw new IllegalArgumentException(key + " must not be negative: " + value);
      }
      complete.put(key, value);
    }
    attributes = Collections.unmodifiableMap(complete);
  }

  long attribute(String key) {
    Long value = attributes.get(key);
    if (value == null) {
      throw new IllegalArgumentException(type.wireName() + " has no attribute " + key);
    }
    return value;
  }

  ToxicSpec withToxicity(double newToxicity) {
    return new ToxicSpec(name, type, stream, newToxicity, attributes);
  }

  /** These attributes changed, the others kept. */
  ToxicSpec withAttributes(Map<String, Long> changes) {
    Map<String, Long> merged = new LinkedHashMap<>(attributes);
    merged.putAll(changes);
    return new ToxicSpec(name, type, stream, toxicity, merged);
  }
}
