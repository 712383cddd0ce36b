package io.logkv.store.record;

import java.util.ArrayList;
import java.util.List;

/**
 * A place in the log: {@code partition:offset}. The version of a key is the position of the record
 * that last wrote it. Positions of one partition are totally ordered; positions of different
 * partitions are not comparable.
 */
public record Position(int partition, long offset) {

  public Position {
    if (partition < 0 || offset < 0) {
      throw new IllegalArgumentException("position must be non-negative: " + partition + ":" + offset);
    }
  }

  /** Parses {@code "3:1207"}; throws {@link IllegalArgumentException} with a readable message. */
  public static Position parse(String text) {
    int colon = text.indexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("not a position (expected partition:offset): " + text);
    }
    try {
      return new Position(
          Integer.parseInt(text.substring(0, colon)), Long.parseLong(text.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a position (expected partition:offset): " + text, e);
    }
  }

  /** Parses {@code "0:12,3:1207"}; blanks around commas are allowed, an empty list is not. */
  public static List<Position> parseList(String text) {
    List<Position> positions = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      positions.add(parse(part.strip()));
    }
    return positions;
  }

  @Override
  public String toString() {
    return partition + ":" + offset;
  }
}
