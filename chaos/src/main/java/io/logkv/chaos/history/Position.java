package io.logkv.chaos.history;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * A place in the log, {@code partition:offset}; the version of a key is the position of the record
 * that last wrote it. Only positions of one partition are ordered in the log: the total order of
 * {@link #compareTo} (partition first) exists for sorting, not to compare across partitions.
 */
public record Position(int partition, long offset) implements Comparable<Position> {

  public Position {
    if (partition < 0 || offset < 0) {
      throw new IllegalArgumentException(
          "position must be non-negative: " + partition + ":" + offset);
    }
  }

  /**
   * Parses {@code "3:1207"}. Surrounding double quotes are dropped, so a quoted {@code ETag} header
   * parses as is.
   */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static Position parse(String text) {
    String s = text.strip();
    if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
      s = s.substring(1, s.length() - 1);
    }
    int colon = s.indexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw new IllegalArgumentException("not a position (expected partition:offset): " + text);
    }
    try {
      return new Position(
          Integer.parseInt(s.substring(0, colon)), Long.parseLong(s.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a position (expected partition:offset): " + text, e);
    }
  }

  /**
   * Parses an {@code X-Min-Position} or {@code X-Log-Position} header, {@code "0:12, 3:1207"}; a
   * blank header is an empty list.
   */
  public static List<Position> parseList(String text) {
    List<Position> positions = new ArrayList<>();
    if (text.isBlank()) {
      return positions;
    }
    for (String part : text.split(",", -1)) {
      positions.add(parse(part));
    }
    return positions;
  }

  /** Formats positions as an {@code X-Min-Position} header value. */
  public static String header(List<Position> positions) {
    StringBuilder sb = new StringBuilder();
    for (Position p : positions) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(p);
    }
    return sb.toString();
  }

  /** Whether both positions are in one partition, the only case where their order means anything. */
  public boolean samePartition(Position other) {
    return partition == other.partition;
  }

  @Override
  public int compareTo(Position o) {
    int c = Integer.compare(partition, o.partition);
    return c != 0 ? c : Long.compare(offset, o.offset);
  }

  @JsonValue
  @Override
  public String toString() {
    return partition + ":" + offset;
  }
}
