package io.logkv.toxiproxy;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Which way bytes flow through a proxy; the API calls it a toxic's "stream". */
enum Direction {
  /** Client to upstream server. */
  UPSTREAM,
  /** Upstream server to client. */
  DOWNSTREAM;

  /** Case-insensitive, as Toxiproxy accepts it. */
  static Direction parse(String text) {
    for (Direction direction : values()) {
      if (direction.name().equalsIgnoreCase(text)) {
        return direction;
      }
    }
    throw new IllegalArgumentException(
        "stream was invalid, can be either upstream or downstream: " + text);
  }

  @JsonValue
  String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
