package io.logkv.chaos.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A suite on one shared cluster ({@link SuiteCluster}), healed after every scenario and reported
 * at the end, that runs the node scenarios first (orders 1 to 4): kill and restart, the rolling
 * restart (a long run), pause, cut off from Kafka. {@link ChaosSuiteIT} runs them on a full-copy
 * cluster and goes on with its own; {@link ShardedChaosSuiteIT} runs them on a sharded one.
 */
@ExtendWith(BackendAvailable.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class NodeScenarioSuite {
  private final String suiteName;
  private final String clusterDir;
  private final int replicas;
  protected SuiteCluster suite;
  protected Scenarios scenarios;

  /** @param replicas R for a sharded cluster, 0 for full copies */
  NodeScenarioSuite(String suiteName, String clusterDir, int replicas) {
    this.suiteName = suiteName;
    this.clusterDir = clusterDir;
    this.replicas = replicas;
  }

  @BeforeAll
  void startCluster() {
    suite = new SuiteCluster(suiteName, clusterDir, replicas);
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

  static void passes(ScenarioRun run) {
    assertThat(run.passed()).as(run.failureReport()).isTrue();
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
    return LongRuns.only("rolling-restart", () -> passes(scenarios.rollingRestart()));
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
