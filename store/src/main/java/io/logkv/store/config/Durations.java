package io.logkv.store.config;

import java.time.Duration;

/** Parses the duration syntax used by --write-timeout and ?ttl=: {@code 30}, {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d}. */
public final class Durations {
  /** The longest duration accepted, so deadlines never overflow: about 100 years. */
  public static final Duration MAX = Duration.ofDays(36_500);

  private Durations() {}

  /**
   * Parses {@code text}; a bare number is seconds.
   *
   * @throws IllegalArgumentException with a readable message when the text is not a positive
   *     duration of at most {@link #MAX}
   */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty duration");
    }
    String t = text.strip();
    int unitAt = 0;
    while (unitAt < t.length() && Character.isDigit(t.charAt(unitAt))) {
      unitAt++;
    }
    if (unitAt == 0 || unitAt > 15) {
      throw new IllegalArgumentException(
          "not a duration: '" + text + "' (expected a positive whole number with an optional unit ms, s, m, h or d)");
    }
    long amount = Long.parseLong(t.substring(0, unitAt));
    Duration d =
        switch (t.substring(unitAt)) {
          case "", "s" -> Duration.ofSeconds(amount);
          case "ms" -> Duration.ofMillis(amount);
          case "m" -> Duration.ofMinutes(Math.min(amount, MAX.toMinutes() + 1));
          case "h" -> Duration.ofHours(Math.min(amount, MAX.toHours() + 1));
          case "d" -> Duration.ofDays(Math.min(amount, MAX.toDays() + 1));
          default -> throw new IllegalArgumentException(
              "not a duration: '" + text + "' (unknown unit '" + t.substring(unitAt) + "'; use ms, s, m, h or d)");
        };
    if (d.isZero()) {
      throw new IllegalArgumentException("duration must be positive: '" + text + "'");
    }
    if (d.compareTo(MAX) > 0) {
      throw new IllegalArgumentException("duration too long: '" + text + "' (at most " + MAX.toDays() + "d)");
    }
    return d;
  }

  /** {@code 1500ms}, {@code 5s}: a short readable form. */
  public static String format(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
