package io.logkv.client;

/**
 * A place in the log, {@code partition:offset}: where a write landed, and the version of a value
 * (the position of the record that last wrote its key). Positions of one partition are ordered by
 * offset; positions of different partitions are not comparable.
 *
 * @param partition the log partition, 0 or more
 * @param offset the record's offset in that partition, 0 or more
 */
public record Position(int partition, long offset) {

  public Position {
    if (partition < 0 || offset < 0) {
      throw new IllegalArgumentException("a position is non-negative: " + partition + ":" + offset);
    }
  }

  /**
   * Parses {@code "3:1207"}, the form the server sends in {@code X-Log-Position} and JSON bodies.
   *
   * @throws IllegalArgumentException when {@code text} is not two non-negative whole numbers
   *     joined by a colon
   */
  public static Position parse(String text) {
    int colon = text.indexOf(':');
    if (colon <= 0 || colon == text.length() - 1 || !digits(text, 0, colon) || !digits(text, colon + 1, text.length())) {
      throw new IllegalArgumentException("not a position (expected partition:offset): '" + text + "'");
    }
    try {
      return new Position(Integer.parseInt(text, 0, colon, 10), Long.parseLong(text, colon + 1, text.length(), 10));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a position (number out of range): '" + text + "'", e);
    }
  }

  /** Whether this position is later than {@code other} in the same partition. */
  public boolean isAfter(Position other) {
    if (other.partition != partition) {
      throw new IllegalArgumentException("positions of partitions " + partition + " and " + other.partition
          + " are not comparable");
    }
    return offset > other.offset;
  }

  private static boolean digits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** {@code partition:offset}, as the server writes it. */
  @Override
  public String toString() {
    return partition + ":" + offset;
  }
}
