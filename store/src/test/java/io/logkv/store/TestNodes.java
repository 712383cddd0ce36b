package io.logkv.store;

import io.logkv.store.config.NodeConfig;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Nodes for one test, on a topic of their own, HTTP on free ports; {@link #close()} stops them
 * all. Each call to {@link #start} adds one node.
 */
final class TestNodes implements AutoCloseable {
  private final String bootstrapServers;
  private final String topic;
  private final int partitions;
  private final Path dataDir;
  private final List<Node> nodes = new ArrayList<>();

  TestNodes(String bootstrapServers, Path dataDir) {
    this(bootstrapServers, dataDir, "test-" + UUID.randomUUID().toString().substring(0, 8), 3);
  }

  /** Nodes on {@code topic} (which may exist already) of {@code partitions} partitions. */
  TestNodes(String bootstrapServers, Path dataDir, String topic, int partitions) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.partitions = partitions;
    this.dataDir = dataDir;
  }

  String topic() {
    return topic;
  }

  /** Starts a node on the system clock and waits until it is ready. */
  Node start(String nodeId, String... extraArgs) {
    return start(nodeId, InstantSource.system(), extraArgs);
  }

  Node start(String nodeId, InstantSource clock, String... extraArgs) {
    Node node = startNotReady(nodeId, clock, extraArgs);
    node.awaitReady(60_000);
    return node;
  }

  /** Starts a node and returns as soon as its HTTP server is up, before it has caught up. */
  Node startNotReady(String nodeId, InstantSource clock, String... extraArgs) {
    List<String> args = new ArrayList<>(List.of(
        "--bootstrap-servers", bootstrapServers,
        "--port", "0",
        "--node-id", nodeId,
        "--topic", topic,
        "--partitions", Integer.toString(partitions),
        "--data-dir", dataDir.toString(),
        "--write-timeout", "5s",
        "--read-wait-timeout", "3s"));
    args.addAll(List.of(extraArgs));
    Node node = Node.start(NodeConfig.of(args.toArray(String[]::new)), clock);
    nodes.add(node);
    return node;
  }

  /**
   * Waits until the node at {@code url} has applied every position of {@code token} ({@code
   * p:o,...}, e.g. {@link LogFill#endToken}) in the partitions it holds.
   */
  static void awaitApplied(String url, String token) {
    if (token.isEmpty()) {
      return;
    }
    org.awaitility.Awaitility.await("applied through " + token + " at " + url)
        .atMost(java.time.Duration.ofSeconds(60))
        .until(() -> {
          com.fasterxml.jackson.databind.JsonNode d = ReplicationIT.json(Http.get(url + "/admin/digest").body());
          java.util.Map<Integer, Long> next = new java.util.HashMap<>();
          for (String part : d.get("applied").asText().split(",")) {
            String[] po = part.split(":");
            next.put(Integer.parseInt(po[0]), Long.parseLong(po[1]));
          }
          for (String part : token.split(",")) {
            String[] po = part.split(":");
            int p = Integer.parseInt(po[0]);
            boolean held = d.get("partitions").has(po[0]);
            if (held && next.get(p) <= Long.parseLong(po[1])) {
              return false;
            }
          }
          return true;
        });
  }

  @Override
  public void close() {
    for (Node n : nodes) {
      n.close();
    }
  }
}
