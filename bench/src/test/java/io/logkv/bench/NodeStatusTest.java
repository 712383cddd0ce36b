package io.logkv.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class NodeStatusTest {
  private static final String SHARDED = """
      {"node_id":"n2","ready":true,"cluster":{"sharded":true,"members":["n1","n2"],"replicas":1,
       "owned_partitions":[0,3,5],"forwarded_requests":41},"keys":1200,"bytes":5300000,"max_memory_bytes":33554432,
       "replay":{"source":"log","done":true,"records":1200,"seconds":0.25,"rate":4800,"percent":100.0}}
      """;

  @Test
  void parse_readsWhatTheCapacityFiguresUse() {
    NodeStatus s = NodeStatus.parse(SHARDED);

    assertThat(s).isEqualTo(new NodeStatus("n2", true, 1200, 5_300_000, 33_554_432, List.of(0, 3, 5), 41, "log", 1200,
        0.25));
  }

  @Test
  void parse_withoutAMemberList_hasNoPartitionsAndNothingForwarded() {
    NodeStatus s = NodeStatus.parse("""
        {"node_id":"n1","ready":false,"keys":0,"bytes":0,"max_memory_bytes":1024,"replay":{"source":"snapshot","records":0}}
        """);

    assertThat(s.ownedPartitions()).isEmpty();
    assertThat(s.forwardedRequests()).isZero();
    assertThat(s.replaySource()).isEqualTo("snapshot");
    assertThat(s.replaySeconds()).isNaN();
  }

  @Test
  void forwardedShare_isTheCountersGrowthOverTheRequests() {
    List<NodeStatus> before = List.of(status("n1", 10), status("n2", 0));
    List<NodeStatus> after = List.of(status("n2", 30), status("n1", 30));

    assertThat(NodeStatus.forwardedShare(before, after, 100)).isEqualTo(0.5);
  }

  @Test
  void forwardedShare_whenANodeRestartedInBetween_isRefused() {
    assertThatThrownBy(() -> NodeStatus.forwardedShare(List.of(status("n1", 10)), List.of(status("n1", 3)), 100))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("restarted");
    assertThatThrownBy(() -> NodeStatus.forwardedShare(List.of(status("n1", 0)), List.of(status("n1", 3)), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static NodeStatus status(String id, long forwarded) {
    return new NodeStatus(id, true, 0, 0, 0, List.of(), forwarded, "log", 0, 0);
  }
}
