package io.logkv.chaos.scenario;

import static io.logkv.chaos.scenario.ChaosSuiteIT.passes;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The node scenarios of {@link ChaosSuiteIT} (kill and restart, rolling restart, pause, cut off
 * Kafka) again on a sharded cluster: three nodes, each partition held by two of them, three
 * brokers, on the same backend. Each must cost no client error through nginx and lose no
 * acknowledged write, and after healing the two owners of every partition must hold the same
 * data: the checker gets one final state per copy of the partitions (see {@link ScenarioRun}).
 * Results are written as {@code <scenario>-sharded}, beside the full-copy ones.
 */
@ExtendWith(BackendAvailable.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShardedChaosSuiteIT {
  static final int REPLICAS = 2;

  private SuiteCluster suite;
  private Scenarios scenarios;

  @BeforeAll
  void startCluster() {
    suite = new SuiteCluster("ShardedChaosSuiteIT", "chaos-cluster-sharded", REPLICAS);
    scenarios = suite.scenarios();
  }

  @AfterEach
  void healEverything() {
    suite.healEverything();
  }

  @AfterAll
  void stopClusterAndReport() {
    if (suite != null) { // nothing ran: keep the last report rather than rewrite it over old results
      suite.stopAndReport();
    }
  }

  @Test
  @Order(1)
  @Timeout(120)
  void nodeKillRestart_losesNoAcknowledgedWrite() {
    passes(scenarios.nodeKillRestart());
  }

  /** A long run: only with {@code -Dchaos.long=true}; otherwise no test at all (not a skipped one). */
  @TestFactory
  @Order(2)
  @Timeout(150)
  Stream<DynamicTest> rollingRestart_givesClientsNoError() {
    return LongRuns.only("rolling-restart-sharded", () -> passes(scenarios.rollingRestart()));
  }

  @Test
  @Order(3)
  @Timeout(120)
  void nodePause_failsOverAndLosesNothing() {
    passes(scenarios.nodePause());
  }

  @Test
  @Order(4)
  @Timeout(120)
  void nodeCutFromKafka_refusesStaleReadsOfItsPartitionsAndCatchesUp() {
    passes(scenarios.nodeCutFromKafka());
  }
}
