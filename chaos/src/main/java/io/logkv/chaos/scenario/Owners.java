package io.logkv.chaos.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import io.logkv.chaos.backend.ChaosCluster;
import io.logkv.chaos.workload.KvClient;
import io.logkv.store.record.Partitioner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Which nodes hold which partition of a sharded cluster, as its {@code GET /cluster} owner table
 * says (static: the member list does not change while the cluster runs).
 *
 * @param byPartition for each partition, the indexes of its owners in the table's order
 */
record Owners(List<List<Integer>> byPartition) {

  Owners {
    byPartition = byPartition.stream().map(List::copyOf).toList();
  }

  /** The owner table of the first node that answers {@code GET /cluster}. */
  static Owners read(ChaosCluster cluster, List<KvClient> nodes) {
    RuntimeException last = null;
    for (KvClient node : nodes) {
      try {
        return parse(cluster, node.json("/cluster"));
      } catch (RuntimeException e) {
        last = e;
      }
    }
    throw new IllegalStateException("no node answered GET /cluster", last);
  }

  private static Owners parse(ChaosCluster cluster, JsonNode table) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      ids.add(cluster.nodeId(i));
    }
    List<List<Integer>> owners = new ArrayList<>();
    for (JsonNode partition : table.get("owners")) {
      List<Integer> indexes = new ArrayList<>();
      partition.forEach(id -> {
        int i = ids.indexOf(id.asText());
        if (i < 0) {
          throw new IllegalStateException("GET /cluster names an owner " + id + " that is not one of " + ids);
        }
        indexes.add(i);
      });
      owners.add(indexes);
    }
    return new Owners(owners);
  }

  int partitions() {
    return byPartition.size();
  }

  /** The key's partition, computed as the nodes compute it. */
  int partitionOf(String key) {
    return Partitioner.partition(key.getBytes(StandardCharsets.UTF_8), partitions());
  }

  List<Integer> of(int partition) {
    return byPartition.get(partition);
  }

  /** The partitions node {@code i} holds. */
  IntPredicate heldBy(int i) {
    return p -> byPartition.get(p).contains(i);
  }
}
