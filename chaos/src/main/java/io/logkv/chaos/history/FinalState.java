package io.logkv.chaos.history;

import java.util.Map;
import java.util.Objects;

/**
 * One node's data after the faults were healed and the workload stopped.
 *
 * @param node the node's id
 * @param entries every live key of the node (a key missing here is absent on that node), e.g.
 *     dumped by a GET per key taking the version from its {@code ETag}
 * @param digest what {@code GET /admin/digest} answered, {@code null} when not taken; only
 *     compared with other nodes' digests
 */
public record FinalState(String node, Map<String, Versioned> entries, String digest) {

  public FinalState {
    Objects.requireNonNull(node, "node");
    entries = Map.copyOf(entries);
  }

  /** The key's state on this node, {@code null} when absent. */
  public Versioned get(String key) {
    return entries.get(key);
  }
}
