package io.logkv.chaos.scenario;

import io.logkv.chaos.backend.Backend;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Disables the suite, with the reason, when the chosen backend cannot run here (the docker one
 * without an engine or images): the run shows it as skipped, never as passed.
 */
final class BackendAvailable implements ExecutionCondition {
  private static final Logger LOG = LoggerFactory.getLogger(BackendAvailable.class);
  private static Optional<String> unavailable;

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    Optional<String> why = unavailable();
    if (why.isPresent()) {
      return ConditionEvaluationResult.disabled(why.get());
    }
    return ConditionEvaluationResult.enabled("backend available");
  }

  private static synchronized Optional<String> unavailable() {
    if (unavailable == null) {
      Backend backend = Backend.fromSystemProperty();
      unavailable = backend.unavailable().map(why -> "chaos backend '" + backend.name() + "' SKIPPED: " + why);
      unavailable.ifPresent(LOG::warn);
    }
    return unavailable;
  }
}
