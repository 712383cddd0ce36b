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
 * @param replicas 0 for full copy (every node holds every partition), else sharded mode: each
 *     partition held by this many of the nodes, 1 to {@code nodes}
 */
public record ClusterSpec(int nodes, int brokers, List<String> nodeArgs, Path dataDir,
    java.time.Duration balancerTimeout, int replicas) {

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
    if (replicas < 0 || replicas > nodes) {
      throw new IllegalArgumentException("replicas must be 0 (full copy) or 1 to " + nodes + ", not " + replicas);
    }
  }

  /** A full-copy cluster: every node holds every partition. */
  public ClusterSpec(int nodes, int brokers, List<String> nodeArgs, Path dataDir, java.time.Duration balancerTimeout) {
    this(nodes, brokers, nodeArgs, dataDir, balancerTimeout, 0);
  }

  /** The same cluster in sharded mode, each partition held by {@code r} nodes. */
  public ClusterSpec sharded(int r) {
    return new ClusterSpec(nodes, brokers, nodeArgs, dataDir, balancerTimeout, r);
  }

  /** The mode as the report names it: {@code full copy} or {@code sharded N=3 R=2}. */
  public String mode() {
    return mode(nodes, replicas);
  }

  /** The mode of {@code nodes} nodes with {@code replicas} copies of each partition (0: full copy). */
  public static String mode(int nodes, int replicas) {
    return replicas == 0 ? "full copy" : "sharded N=" + nodes + " R=" + replicas;
  }
}
