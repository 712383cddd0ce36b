package io.logkv.chaos.backend;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What cluster a chaos run needs.
 *
 * @param nodes how many nodes, at least 2 (a fault on one must leave another to fail over to)
 * @param brokers how many Kafka brokers (a KRaft quorum; 3 survives the loss of one)
 * @param nodeArgs extra options for every node, e.g. {@code --write-timeout 2s}
 * @param dataDir where the broker's data, the nodes' files and every log go (kept after the run)
 * @param balancerTimeout how long the balancer waits for a node before trying the next; above the
 *     nodes' write and read-wait timeouts, so only a hung node is left
 */
public record ClusterSpec(int nodes, int brokers, List<String> nodeArgs, Path dataDir,
    java.time.Duration balancerTimeout) {

  public ClusterSpec {
    if (nodes < 2) {
      throw new IllegalArgumentException("a chaos cluster needs at least 2 nodes, not " + nodes);
    }
    if (brokers < 1) {
      throw new IllegalArgumentException("a chaos cluster needs at least 1 broker, not " + brokers);
    }
    nodeArgs = List.copyOf(nodeArgs);
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(balancerTimeout, "balancerTimeout");
  }
}
