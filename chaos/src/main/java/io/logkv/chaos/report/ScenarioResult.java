package io.logkv.chaos.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One scenario's outcome, as written to {@code results/chaos/<scenario>.json}.
 *
 * @param scenario the scenario's name, e.g. {@code node-kill-restart}
 * @param fault what was done, in a sentence
 * @param mode the cluster's mode, {@code full copy} or e.g. {@code sharded N=3 R=2}; results
 *     written before modes existed have none and were full copy
 * @param passed whether every check of the scenario held
 * @param finishedAt ISO-8601 UTC time the scenario ended
 * @param wallMillis the scenario's duration, workload and healing included
 * @param replayMillis the restarted node's replay time from its /status ({@code replay.seconds}), null when none restarted
 * @param recordsReplayed records the restarted node replayed, null when none restarted
 * @param replayRate records per second of that replay, null when none restarted
 * @param readyMillis from (re)start to ready, the slowest node; null when none restarted
 * @param convergeMillis from the heal until every node had the same digest and applied positions
 * @param clientErrors client-visible errors by kind (status and error code, or no answer)
 * @param operations operation counts by type and outcome
 * @param throughputOpsPerSecond OK operations per second over the whole run
 * @param p99Millis p99 latency of every operation of the run
 * @param maxLatencyMillis slowest operation of the run
 * @param lostWrites LOST_WRITE anomalies
 * @param anomalies anomaly counts by type
 * @param unknownPutsSeen writes of unknown outcome a read or a final state showed took effect
 * @param measurements what this scenario measures beyond the common fields
 * @param faults the fault windows, in ms since the run's start
 * @param checkerReport the checker's full report
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScenarioResult(
    String scenario,
    String fault,
    String mode,
    boolean passed,
    String finishedAt,
    long wallMillis,
    Long replayMillis,
    Long recordsReplayed,
    Long replayRate,
    Long readyMillis,
    Long convergeMillis,
    Map<String, Long> clientErrors,
    Map<String, Map<String, Integer>> operations,
    double throughputOpsPerSecond,
    double p99Millis,
    double maxLatencyMillis,
    int lostWrites,
    Map<String, Integer> anomalies,
    int unknownPutsSeen,
    Map<String, Object> measurements,
    List<String> faults,
    String checkerReport) {

  static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** The mode, {@code full copy} for a result written before modes existed. */
  public String modeOrFullCopy() {
    return mode == null ? "full copy" : mode;
  }

  public int anomalyCount() {
    return anomalies.values().stream().mapToInt(Integer::intValue).sum();
  }

  public long clientErrorCount() {
    return clientErrors.values().stream().mapToLong(Long::longValue).sum();
  }

  public void write(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      JSON.writeValue(file.toFile(), this);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file + " failed", e);
    }
  }

  public static ScenarioResult read(Path file) {
    try {
      return JSON.readValue(file.toFile(), ScenarioResult.class);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file + " failed", e);
    }
  }
}
