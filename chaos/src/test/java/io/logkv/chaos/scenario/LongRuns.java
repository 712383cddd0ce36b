package io.logkv.chaos.scenario;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.Executable;

/**
 * Scenarios too long for the default {@code mvn verify} (which stays under 20 minutes on two
 * cores): they run with {@code -Dchaos.long=true}. Without it they are not tests at all, rather
 * than skipped ones, so that a run with skipped scenarios still means a backend that did not run.
 */
final class LongRuns {
  static final String PROPERTY = "chaos.long";

  private LongRuns() {}

  static Stream<DynamicTest> only(String scenario, Executable run) {
    return Boolean.getBoolean(PROPERTY) ? Stream.of(DynamicTest.dynamicTest(scenario, run)) : Stream.empty();
  }
}
