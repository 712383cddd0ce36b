package io.logkv.chaos.scenario;

import java.util.Map;
import java.util.TreeMap;

/**
 * A node's applied positions: per partition the next offset it will apply, as {@code /status} and
 * {@code /admin/digest} print them ({@code "0:12,1:7"}).
 */
record Applied(Map<Integer, Long> next) {

  Applied {
    next = Map.copyOf(next);
  }

  static Applied parse(String text) {
    Map<Integer, Long> m = new TreeMap<>();
    if (text != null && !text.isBlank()) {
      for (String part : text.split(",")) {
        String[] po = part.strip().split(":");
        m.put(Integer.parseInt(po[0]), Long.parseLong(po[1]));
      }
    }
    return new Applied(m);
  }

  /** Whether this has applied at least everything {@code target} has. */
  boolean covers(Applied target) {
    for (Map.Entry<Integer, Long> e : target.next.entrySet()) {
      if (next.getOrDefault(e.getKey(), 0L) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** Records {@code target} has applied and this has not. */
  long behind(Applied target) {
    long behind = 0;
    for (Map.Entry<Integer, Long> e : target.next.entrySet()) {
      behind += Math.max(0, e.getValue() - next.getOrDefault(e.getKey(), 0L));
    }
    return behind;
  }

  /** Only the partitions {@code held} accepts: what a sharded node is to catch up on. */
  Applied only(java.util.function.IntPredicate held) {
    Map<Integer, Long> m = new TreeMap<>();
    next.forEach((p, o) -> {
      if (held.test(p)) {
        m.put(p, o);
      }
    });
    return new Applied(m);
  }

  /** The partition-wise maximum of this and {@code other}. */
  Applied max(Applied other) {
    Map<Integer, Long> m = new TreeMap<>(next);
    other.next.forEach((p, o) -> m.merge(p, o, Math::max));
    return new Applied(m);
  }
}
