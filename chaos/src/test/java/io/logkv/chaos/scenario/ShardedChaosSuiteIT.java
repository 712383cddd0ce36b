package io.logkv.chaos.scenario;

/**
 * The node scenarios of {@link ChaosSuiteIT} (kill and restart, rolling restart, pause, cut off
 * Kafka) again on a sharded cluster: three nodes, each partition held by two of them, three
 * brokers, on the same backend. Each must cost no client error through nginx and lose no
 * acknowledged write, and after healing the two owners of every partition must hold the same
 * data: the checker gets one final state per copy of the partitions (see {@link ScenarioRun}).
 * Results are written as {@code <scenario>-sharded}, beside the full-copy ones.
 */
class ShardedChaosSuiteIT extends NodeScenarioSuite {
  static final int REPLICAS = 2;

  ShardedChaosSuiteIT() {
    super("ShardedChaosSuiteIT", "chaos-cluster-sharded", REPLICAS);
  }
}
