package io.logkv.chaos.workload;

import io.logkv.chaos.history.Position;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One client process's session token: per partition the highest position among its own write
 * acknowledgements and the versions its reads returned. Sent as {@code X-Min-Position}, it makes
 * a read see the client's writes and never go back behind what it read. Only its process uses it.
 */
public final class Session {
  private final Map<Integer, Long> highest = new TreeMap<>();

  /** Takes in a position the client saw (write ack or read version). */
  public void saw(Position p) {
    if (p != null) {
      highest.merge(p.partition(), p.offset(), Math::max);
    }
  }

  /** The token, one position per partition seen. */
  public List<Position> token() {
    List<Position> token = new ArrayList<>(highest.size());
    highest.forEach((partition, offset) -> token.add(new Position(partition, offset)));
    return token;
  }
}
