package io.logkv.chaos.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {

  private final AtomicLong clock = new AtomicLong(1_000);
  private final History history = History.create(clock::get);

  @Test
  void completedOperations_carryTimesOutcomeAndAnswer() {
    Invocation put = history.invokePut(1, "k", "w-1-0");
    clock.addAndGet(500);
    Operation done = put.ok(Position.parse("2:7"), 200, "n1");

    assertThat(done.id()).isEqualTo(0);
    assertThat(done.invokeNanos()).isEqualTo(1_000);
    assertThat(done.completeNanos()).isEqualTo(1_500);
    assertThat(done.outcome()).isEqualTo(Outcome.OK);
    assertThat(done.value()).isEqualTo("w-1-0");
    assertThat(done.position()).isEqualTo(new Position(2, 7));
    assertThat(done.mode()).isNull();
    assertThat(history.operations()).containsExactly(done);

    Operation read = history
        .invokeGet(1, "k", ReadMode.TOKEN, List.of(new Position(2, 7)))
        .okRead("w-1-0", new Position(2, 7), 200, "n2");
    assertThat(read.tokens()).containsExactly(new Position(2, 7));
    assertThat(read.mode()).isEqualTo(ReadMode.TOKEN);
    assertThat(history.operations()).containsExactly(done, read);
  }

  @Test
  void operationStillInFlight_isReportedUnknown_untilItCompletes() {
    Invocation put = history.invokePut(1, "k", "v");
    clock.addAndGet(100);

    Operation inFlight = history.operations().get(0);
    assertThat(inFlight.outcome()).isEqualTo(Outcome.UNKNOWN);
    assertThat(inFlight.value()).isEqualTo("v");
    assertThat(inFlight.completeNanos()).isEqualTo(1_100);

    put.fail(400, "n1");
    assertThat(history.operations()).singleElement()
        .extracting(Operation::outcome).isEqualTo(Outcome.FAIL);
  }

  @Test
  void completingTwice_isRejected() {
    Invocation del = history.invokeDelete(1, "k");
    del.unknown(0, null);
    assertThatThrownBy(() -> del.ok(Position.parse("0:1"), 204, "n1"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already completed");
    assertThat(history.operations()).hasSize(1);
  }

  @Test
  void wrongCompletion_isRejected_andLeavesTheOperationCompletable() {
    Invocation get = history.invokeGet(1, "k", ReadMode.DEFAULT, List.of());
    assertThatThrownBy(() -> get.ok(Position.parse("0:1"), 200, "n1"))
        .isInstanceOf(IllegalStateException.class);
    Invocation put = history.invokePut(1, "k", "v");
    assertThatThrownBy(() -> put.ok(null, 200, "n1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("position");

    get.okRead(null, null, 404, "n1");
    put.ok(Position.parse("0:1"), 200, "n1");
    assertThat(history.operations()).extracting(Operation::outcome)
        .containsExactly(Outcome.OK, Outcome.OK);
  }

  @Test
  void faults_areRecordedAsWindows_andARunningOneEndsAtTheSnapshot() {
    RunningFault partition = history.startFault("partition-n2", "n2 cut from Kafka");
    clock.addAndGet(2_000);
    partition.stop();
    partition.stop(); // idempotent
    RunningFault kill = history.startFault("kill-n1", "SIGKILL n1");
    clock.addAndGet(1_000);

    assertThat(history.faults()).containsExactly(
        new FaultEvent("partition-n2", 1_000, 3_000, "n2 cut from Kafka"),
        new FaultEvent("kill-n1", 3_000, 4_000, "SIGKILL n1"));
    kill.stop();
  }

  @Test
  void recordingFromManyThreads_keepsEveryOperationWithUniqueIds() throws Exception {
    History shared = History.create();
    int threads = 8;
    int perThread = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int process = t;
      futures.add(pool.submit(() -> {
        start.await();
        for (int i = 0; i < perThread; i++) {
          String key = "k" + (i % 7);
          if (i % 2 == 0) {
            shared.invokePut(process, key, "w-" + process + "-" + i)
                .ok(new Position(i % 3, i), 200, "n1");
          } else {
            shared.invokeGet(process, key, ReadMode.DEFAULT, List.of())
                .okRead(null, null, 404, "n1");
          }
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> f : futures) {
      f.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();

    List<Operation> ops = shared.operations();
    assertThat(ops).hasSize(threads * perThread);
    Set<Long> ids = new HashSet<>();
    ops.forEach(op -> ids.add(op.id()));
    assertThat(ids).hasSize(threads * perThread);
    assertThat(ops).isSortedAccordingTo(
        (a, b) -> Long.compare(a.invokeNanos(), b.invokeNanos()));
  }

  @Test
  void json_roundTrip_preservesOperationsFaultsAndOrigin() {
    history.invokePut(1, "k", "w-1-0").ok(Position.parse("2:7"), 202, "n1");
    history.invokeGet(2, "k", ReadMode.TOKEN, List.of(Position.parse("2:7"), Position.parse("0:3")))
        .okRead("w-1-0", Position.parse("2:7"), 200, null);
    history.invokeGet(2, "k", ReadMode.STRONG, List.of()).fail(503, "n3");
    history.invokeDelete(3, "k").unknown(0, null);
    history.invokePut(3, "k", "w-3-1"); // still in flight: recorded as unknown
    history.recordFault(new FaultEvent("pause-n2", 1_000, 1_200, "SIGSTOP n2"));

    String json = history.toJson();
    History back = History.fromJson(json);

    assertThat(back.operations()).isEqualTo(history.operations());
    assertThat(back.faults()).isEqualTo(history.faults());
    assertThat(back.originNanos()).isEqualTo(history.originNanos());
    assertThat(json).contains("\"position\":\"2:7\"").contains("\"tokens\":[\"2:7\",\"0:3\"]");
  }

  @Test
  void json_throughAFile_roundTrips(@TempDir Path dir) {
    history.invokePut(1, "key with spaces/ü", "w-1-0").ok(Position.parse("0:1"), 200, "n1");
    Path file = dir.resolve("results/history.json");
    history.writeJson(file);
    assertThat(History.readJson(file).operations()).isEqualTo(history.operations());
  }

  @Test
  void fromJson_ofSomethingElse_isRejectedReadably() {
    assertThatThrownBy(() -> History.fromJson("{\"operations\":[{\"id\":1}]}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a history");
  }

  @Test
  void finalState_roundTripsThroughJackson() throws Exception {
    FinalState state = new FinalState(
        "n1", Map.of("k", new Versioned("w-1-0", Position.parse("2:7"))), "ab12");
    ObjectMapper json = new ObjectMapper();
    FinalState back = json.readValue(json.writeValueAsString(state), FinalState.class);
    assertThat(back).isEqualTo(state);
  }
}
