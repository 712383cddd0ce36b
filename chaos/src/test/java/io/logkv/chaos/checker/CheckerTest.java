package io.logkv.chaos.checker;

import static io.logkv.chaos.checker.Hist.node;
import static io.logkv.chaos.checker.Hist.nodeWithDigest;
import static io.logkv.chaos.checker.Hist.nodes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.logkv.chaos.history.OpType;
import io.logkv.chaos.history.Outcome;
import io.logkv.chaos.history.ReadMode;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class CheckerTest {

  /** Asserts the result holds anomalies of exactly one type, and returns them. */
  private static List<Anomaly> only(CheckResult result, AnomalyType type) {
    assertThat(result.ok()).as("expected %s", type).isFalse();
    assertThat(result.anomalies())
        .as(result.describe())
        .allSatisfy(a -> assertThat(a.type()).isEqualTo(type));
    return result.anomalies();
  }

  private static void clean(CheckResult result) {
    assertThat(result.ok()).as(result.describe()).isTrue();
  }

  @Nested
  class Divergence {

    @Test
    void divergence_ofEntries_isReported() {
      CheckResult r = new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .putUnknown(2, "k", "b", 2, 3)
          .check(node("n1", "k=a@0:1"), node("n2", "k=b@0:2"), node("n3", "k=a@0:1"));

      List<Anomaly> found = only(r, AnomalyType.DIVERGENCE);
      assertThat(found).singleElement().satisfies(a -> {
        assertThat(a.key()).isEqualTo("k");
        assertThat(a.description()).contains("'a'@0:1 on n1, n3").contains("'b'@0:2 on n2");
      });
    }

    @Test
    void divergence_ofAKeyMissingOnOneNode_isReported() {
      CheckResult r = new Hist()
          .check(node("n1", "other=x@0:1"), node("n2"));
      assertThat(only(r, AnomalyType.DIVERGENCE)).singleElement()
          .satisfies(a -> assertThat(a.description()).contains("absent on n2"));
    }

    @Test
    void divergence_ofDigestsOnly_isReported() {
      CheckResult r = new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .check(nodeWithDigest("n1", "d1", "k=a@0:1"), nodeWithDigest("n2", "d2", "k=a@0:1"));
      assertThat(only(r, AnomalyType.DIVERGENCE)).singleElement().satisfies(a -> {
        assertThat(a.key()).isNull();
        assertThat(a.description()).contains("d1 on n1").contains("d2 on n2");
      });
    }

    @Test
    void equalDigestsAndEntries_areClean() {
      clean(new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .check(nodeWithDigest("n1", "d", "k=a@0:1"), nodeWithDigest("n2", "d", "k=a@0:1")));
    }
  }

  @Nested
  class LostWrite {

    @Test
    void lostWrite_finalPositionBelowAnAcknowledgedOne_isReported() {
      Hist h = new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .putOk(2, "k", "b", 2, 3, "0:2");
      List<Anomaly> found = only(h.check(nodes("k=a@0:1")), AnomalyType.LOST_WRITE);
      assertThat(found).singleElement().satisfies(a -> {
        assertThat(a.description()).contains("nodes n1, n2, n3").contains("'b' at 0:2");
        assertThat(a.evidence()).containsExactly(h.op(2));
      });
    }

    @Test
    void lostWrite_keyAbsentWithoutAnyDelete_isReported() {
      CheckResult r = new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .check(node("n1"));
      assertThat(only(r, AnomalyType.LOST_WRITE)).singleElement()
          .satisfies(a -> assertThat(a.description()).contains("node n1 ends without the key"));
    }

    @Test
    void lostWrite_keyAbsentWithOnlyADeleteBeforeThePut_isReported() {
      CheckResult r = new Hist()
          .deleteOk(1, "k", 0, 1, "0:1")
          .putOk(1, "k", "a", 2, 3, "0:2")
          .check(node("n1"));
      only(r, AnomalyType.LOST_WRITE);
    }

    @Test
    void lostWrite_finalAtTheAcknowledgedPositionWithAnotherValue_isReported() {
      CheckResult r = new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .putUnknown(2, "k", "b", 0, 1)
          .check(node("n1", "k=b@0:1"));
      assertThat(only(r, AnomalyType.LOST_WRITE)).singleElement()
          .satisfies(a -> assertThat(a.description()).contains("record at 0:1 is PUT 'a'"));
    }

    @Test
    void lostWrite_finalAtAnAcknowledgedDeletesPosition_isReported() {
      CheckResult r = new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .deleteOk(1, "k", 2, 3, "0:2")
          .check(node("n1", "k=a@0:2"));
      assertThat(r.anomalies(AnomalyType.LOST_WRITE)).isNotEmpty();
    }

    @Test
    void lostWrite_ofAnUnknownWriteThatAReadSaw_isReported() {
      CheckResult r = new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .putUnknown(2, "k", "b", 2, 3)
          .get(3, "k", 4, 5, "b", "0:5")
          .check(nodes("k=a@0:1"));
      assertThat(only(r, AnomalyType.LOST_WRITE)).singleElement()
          .satisfies(a -> assertThat(a.description()).contains("read by #3"));
    }

    @Test
    void absentFinal_explainedByAnAcknowledgedDelete_isClean() {
      clean(new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .deleteOk(2, "k", 2, 3, "0:2")
          .check(nodes()));
    }

    @Test
    void absentFinal_explainedByAnUnknownDelete_isClean() {
      // Even one invoked before the put: its produce may have been committed after it.
      clean(new Hist()
          .deleteUnknown(2, "k", 0, 5)
          .putOk(1, "k", "a", 1, 2, "0:1")
          .check(nodes()));
    }

    @Test
    void absentFinal_notExplainedByAFailedDelete() {
      only(new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .deleteFail(2, "k", 2, 3)
          .check(nodes()), AnomalyType.LOST_WRITE);
    }

    @Test
    void finalAboveEveryAcknowledgedWrite_fromAnUnknownWrite_isClean() {
      CheckResult r = new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .putUnknown(2, "k", "b", 2, 3)
          .check(nodes("k=b@0:7"));
      clean(r);
      assertThat(r.unknownPutsSeen()).isEqualTo(1);
    }
  }

  @Nested
  class PhantomRead {

    @Test
    void phantomRead_ofAValueNeverWritten_isReported() {
      CheckResult r = new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .get(2, "k", 2, 3, "zzz", "0:9")
          .check(nodes("k=a@0:1"));
      assertThat(only(r, AnomalyType.PHANTOM_READ)).singleElement()
          .satisfies(a -> assertThat(a.description()).contains("no PUT of k wrote 'zzz'"));
    }

    @Test
    void phantomRead_ofAFailedWrite_isReported() {
      Hist h = new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .putFail(1, "k", "b", 2, 3)
          .strong(2, "k", 4, 5, "b", "0:2");
      List<Anomaly> found = only(h.check(nodes("k=a@0:1")), AnomalyType.PHANTOM_READ);
      assertThat(found).singleElement().satisfies(a -> {
        assertThat(a.description()).contains("failed");
        assertThat(a.evidence()).containsExactly(h.op(3), h.op(2));
      });
    }

    @Test
    void phantomRead_ofAValueWrittenToAnotherKey_isReported() {
      CheckResult r = new Hist()
          .putOk(1, "k1", "a", 0, 1, "0:1")
          .get(2, "k2", 2, 3, "a", "0:1")
          .check();
      only(r, AnomalyType.PHANTOM_READ);
    }

    @Test
    void phantomRead_beforeItsWriteWasInvoked_isReported() {
      CheckResult r = new Hist()
          .get(2, "k", 0, 1, "a", "0:1")
          .putOk(1, "k", "a", 5, 6, "0:1")
          .check(nodes("k=a@0:1"));
      assertThat(only(r, AnomalyType.PHANTOM_READ)).singleElement()
          .satisfies(a -> assertThat(a.description()).contains("before its PUT #2 was invoked"));
    }

    @Test
    void phantomValue_inAFinalState_isReported() {
      CheckResult r = new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .check(nodes("k=zzz@0:2"));
      assertThat(only(r, AnomalyType.PHANTOM_READ)).singleElement()
          .satisfies(a -> assertThat(a.description()).contains("nodes n1, n2, n3 end with"));
    }

    @Test
    void readOfAConcurrentWrite_beforeItsAck_isClean() {
      clean(new Hist()
          .putOk(1, "k", "a", 0, 10, "0:1")
          .strong(2, "k", 2, 3, "a", "0:1")
          .check(nodes("k=a@0:1")));
    }
  }

  @Nested
  class StaleTokenRead {

    @Test
    void staleTokenRead_belowItsOwnWrite_isReported() {
      Hist h = new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .putOk(1, "k", "b", 2, 3, "0:5")
          .token(1, "k", "0:5", 4, 5, "a", "0:1");
      List<Anomaly> found = only(h.check(nodes("k=b@0:5")), AnomalyType.STALE_TOKEN_READ);
      assertThat(found).singleElement().satisfies(a -> {
        assertThat(a.description()).contains("sent 0:5").contains("missing PUT 'b' at 0:5");
        assertThat(a.evidence()).containsExactly(h.op(3), h.op(2));
      });
    }

    @Test
    void staleTokenRead_absentAfterItsOwnPut_isReported() {
      only(new Hist()
          .putOk(1, "k", "a", 0, 1, "0:3")
          .token(1, "k", "0:3", 2, 3, null, null)
          .check(nodes("k=a@0:3")), AnomalyType.STALE_TOKEN_READ);
    }

    @Test
    void staleTokenRead_missingARecordBelowATokenOfAnotherKey_isReported() {
      // The token 0:7 came from k2, but offsets are applied in order: 0:3 (k) must be applied too.
      only(new Hist()
          .putOk(2, "k", "a", 0, 1, "0:3")
          .putOk(1, "k2", "x", 2, 3, "0:7")
          .token(1, "k", "0:7", 4, 5, null, null)
          .check(nodes("k=a@0:3", "k2=x@0:7")), AnomalyType.STALE_TOKEN_READ);
    }

    @Test
    void tokenRead_absentExplainedByAnotherClientsDelete_isClean() {
      clean(new Hist()
          .putOk(1, "k", "a", 0, 1, "0:3")
          .deleteOk(2, "k", 1, 2, "0:4")
          .token(1, "k", "0:3", 3, 4, null, null)
          .check(nodes()));
    }

    @Test
    void tokenRead_aboveItsToken_isClean() {
      clean(new Hist()
          .putOk(1, "k", "a", 0, 1, "0:3")
          .putOk(2, "k", "b", 0, 2, "0:4")
          .token(1, "k", "0:3", 3, 4, "b", "0:4")
          .check(nodes("k=b@0:4")));
    }

    @Test
    void tokenInAnotherPartition_promisesNothingForTheKey() {
      clean(new Hist()
          .putOk(2, "k", "a", 0, 1, "0:3")
          .putOk(1, "k2", "x", 2, 3, "1:7")
          .token(1, "k", "1:7", 4, 5, null, null)
          .check(nodes("k=a@0:3", "k2=x@1:7")));
    }
  }

  @Nested
  class StaleStrongRead {

    @Test
    void staleStrongRead_missingAWriteAcknowledgedBeforeIt_isReported() {
      Hist h = new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .putOk(1, "k", "b", 2, 3, "0:2")
          .strong(2, "k", 4, 5, "a", "0:1");
      List<Anomaly> found = only(h.check(nodes("k=b@0:2")), AnomalyType.STALE_STRONG_READ);
      assertThat(found).singleElement().satisfies(a -> {
        assertThat(a.description()).contains("invoked after 0:2 was committed");
        assertThat(a.evidence()).containsExactly(h.op(3), h.op(2));
      });
    }

    @Test
    void staleStrongRead_absentAfterAnAcknowledgedPut_isReported() {
      only(new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .strong(2, "k", 2, 3, null, null)
          .check(nodes("k=a@0:1")), AnomalyType.STALE_STRONG_READ);
    }

    @Test
    void staleStrongRead_behindAnotherClientsCompletedRead_isReported() {
      only(new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .putUnknown(1, "k", "b", 2, 3)
          .get(3, "k", 4, 5, "b", "0:2")
          .strong(2, "k", 6, 7, "a", "0:1")
          .check(nodes("k=b@0:2")), AnomalyType.STALE_STRONG_READ);
    }

    @Test
    void staleStrongRead_missingARecordBelowAnotherKeysAcknowledgedWrite_isReported() {
      // k's write is not acknowledged yet, but k2's later offset in the same partition is.
      only(new Hist()
          .putOk(1, "k", "a", 0, 10, "0:1")
          .putOk(2, "k2", "x", 2, 3, "0:2")
          .strong(3, "k", 4, 5, null, null)
          .get(3, "k", 11, 12, "a", "0:1")
          .check(nodes("k=a@0:1", "k2=x@0:2")), AnomalyType.STALE_STRONG_READ);
    }

    @Test
    void strongRead_concurrentWithAWrite_mayMissIt() {
      clean(new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .putOk(1, "k", "b", 2, 6, "0:2")
          .strong(2, "k", 3, 4, "a", "0:1")
          .check(nodes("k=b@0:2")));
    }

    @Test
    void strongRead_absentAfterAnAcknowledgedDelete_isClean() {
      clean(new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .deleteOk(1, "k", 2, 3, "0:2")
          .strong(2, "k", 4, 5, null, null)
          .check(nodes()));
    }
  }

  @Nested
  class NonMonotonicRead {

    @Test
    void nonMonotonicRead_ofStrongReads_isReported() {
      Hist h = new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .putOk(1, "k", "b", 2, 3, "0:2")
          .strong(2, "k", 4, 5, "b", "0:2")
          .strong(2, "k", 6, 7, "a", "0:1");
      List<Anomaly> found = only(h.check(nodes("k=b@0:2")), AnomalyType.NON_MONOTONIC_READ);
      assertThat(found).singleElement()
          .satisfies(a -> assertThat(a.evidence()).containsExactly(h.op(3), h.op(4)));
    }

    @Test
    void nonMonotonicRead_ofATokenReadCarryingTheEarlierVersion_isReported() {
      only(new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .putOk(1, "k", "b", 2, 3, "0:2")
          .token(2, "k", "", 4, 5, "b", "0:2")
          .token(2, "k", "0:2", 6, 7, "a", "0:1")
          .check(nodes("k=b@0:2")), AnomalyType.NON_MONOTONIC_READ);
    }

    @Test
    void nonMonotonicRead_absentAfterPresentWithoutADelete_isReported() {
      only(new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .strong(2, "k", 2, 3, "a", "0:1")
          .strong(2, "k", 4, 5, null, null)
          .check(nodes("k=a@0:1")), AnomalyType.NON_MONOTONIC_READ);
    }

    @Test
    void tokenReads_goingBackWithWriteOnlyTokens_areLegal() {
      // p2's token carries only its own write (0:0): a lagging node may serve it an older k.
      clean(new Hist()
          .putOk(2, "k2", "y", 0, 1, "0:0")
          .putOk(1, "k", "a", 2, 3, "0:1")
          .putOk(1, "k", "b", 4, 5, "0:2")
          .token(2, "k", "0:0", 6, 7, "b", "0:2")
          .token(2, "k", "0:0", 8, 9, "a", "0:1")
          .check(nodes("k=b@0:2", "k2=y@0:0")));
    }

    @Test
    void defaultReads_goingBack_areLegal() {
      clean(new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .putOk(1, "k", "b", 2, 3, "0:2")
          .get(2, "k", 4, 5, "b", "0:2")
          .get(2, "k", 6, 7, "a", "0:1")
          .get(2, "k", 8, 9, null, null)
          .check(nodes("k=b@0:2")));
    }

    @Test
    void differentProcesses_goingBack_areNotNonMonotonic() {
      clean(new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .putOk(1, "k", "b", 2, 10, "0:2")
          .strong(2, "k", 3, 4, "b", "0:2")
          .strong(3, "k", 3, 5, "a", "0:1")
          .check(nodes("k=b@0:2")));
    }
  }

  @Nested
  class VersionMismatch {

    @Test
    void versionMismatch_twoReadsOfOnePositionWithDifferentValues_isReported() {
      assertThat(only(new Hist()
          .putUnknown(1, "k", "a", 0, 1)
          .putUnknown(2, "k", "b", 0, 1)
          .get(3, "k", 2, 3, "a", "0:5")
          .get(3, "k", 4, 5, "b", "0:5")
          .check(), AnomalyType.VERSION_MISMATCH)).singleElement()
          .satisfies(a -> assertThat(a.description()).contains("position 0:5"));
    }

    @Test
    void versionMismatch_readOfADeletesPosition_isReported() {
      only(new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .deleteOk(1, "k", 2, 3, "0:2")
          .get(2, "k", 4, 5, "a", "0:2")
          .check(), AnomalyType.VERSION_MISMATCH);
    }

    @Test
    void versionMismatch_keyInTwoPartitions_isReported() {
      assertThat(only(new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .putOk(1, "k", "b", 2, 3, "3:1")
          .check(), AnomalyType.VERSION_MISMATCH)).singleElement()
          .satisfies(a -> assertThat(a.description()).contains("partition 0").contains("partition 3"));
    }

    @Test
    void versionMismatch_twoKeysAtOnePosition_isReported() {
      only(new Hist()
          .putOk(1, "k1", "a", 0, 1, "0:1")
          .putOk(2, "k2", "b", 0, 1, "0:1")
          .check(), AnomalyType.VERSION_MISMATCH);
    }
  }

  /**
   * nginx resends a write to the next node when the first died or timed out after receiving it,
   * so one PUT may be appended at several positions with its one value.
   */
  @Nested
  class ResentPuts {

    @Test
    void oneValueAtTwoPositions_readBackAtThePositionTheClientNeverSaw_isClean() {
      clean(new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .get(2, "k", 2, 3, "a", "0:4")
          .strong(2, "k", 4, 5, "a", "0:4")
          .check(nodes("k=a@0:4")));
    }

    @Test
    void oneValueAtTwoPositions_inTheFinalStateOnly_isClean() {
      clean(new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .check(nodes("k=a@0:3")));
    }

    @Test
    void everyPositionOfAResentPut_countsAsThatWrite_soLosingTheLaterOneIsALostWrite() {
      // a lands at 0:1 (acknowledged) and again at 0:4 (seen by a read); b at 0:3 is below it.
      List<Anomaly> found = only(new Hist()
          .putOk(1, "k", "a", 0, 10, "0:1")
          .putOk(2, "k", "b", 1, 2, "0:3")
          .strong(3, "k", 11, 12, "a", "0:4")
          .check(nodes("k=b@0:3")), AnomalyType.LOST_WRITE);
      assertThat(found).singleElement()
          .satisfies(a -> assertThat(a.description()).contains("0:4"));
    }

    @Test
    void oneValueAtTwoPositions_doesNotHideAPositionWithTwoValues() {
      only(new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .putOk(2, "k", "b", 2, 3, "0:2")
          .get(3, "k", 4, 5, "a", "0:2")
          .check(), AnomalyType.VERSION_MISMATCH);
    }
  }

  @Nested
  class CleanHistories {

    @Test
    void concurrentWritesDeletesAndReads_pass() {
      CheckResult r = new Hist()
          .putOk(1, "k", "a", 0, 4, "0:2")
          .putOk(2, "k", "b", 1, 3, "0:1") // concurrent: invoked later, ordered first by Kafka
          .strong(3, "k", 5, 6, "a", "0:2")
          .deleteOk(2, "k", 7, 9, "0:3")
          .putOk(1, "k", "c", 8, 10, "0:4")
          .token(1, "k", "0:4", 11, 12, "c", "0:4")
          .get(3, "k", 11, 12, null, null) // a lagging node between the delete and c
          .putOk(1, "j", "d", 0, 2, "1:1")
          .strong(2, "j", 3, 4, "d", "1:1")
          .check(nodes("k=c@0:4", "j=d@1:1"));
      clean(r);
      assertThat(r.count(OpType.PUT, Outcome.OK)).isEqualTo(4);
      assertThat(r.count(OpType.GET, Outcome.OK)).isEqualTo(4);
      assertThat(r.count(OpType.DELETE, Outcome.OK)).isEqualTo(1);
    }

    @Test
    void unknownWrite_thatNeverAppears_passes() {
      CheckResult r = new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .putUnknown(1, "k", "b", 2, 3)
          .strong(2, "k", 4, 5, "a", "0:1")
          .check(nodes("k=a@0:1"));
      clean(r);
      assertThat(r.unknownPutsSeen()).isZero();
      assertThat(r.count(OpType.PUT, Outcome.UNKNOWN)).isEqualTo(1);
    }

    @Test
    void unknownWrite_thatAppearsLater_passes() {
      CheckResult r = new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .putUnknown(1, "k", "b", 2, 3)
          .strong(2, "k", 4, 5, "a", "0:1") // not there yet
          .strong(2, "k", 20, 21, "b", "0:2") // committed after the client gave up
          .check(nodes("k=b@0:2"));
      clean(r);
      assertThat(r.unknownPutsSeen()).isEqualTo(1);
    }

    @Test
    void failedAndUnknownReads_carryNoInformation() {
      CheckResult r = new Hist()
          .putOk(1, "k", "a", 0, 1, "0:1")
          .failedRead(2, "k", ReadMode.STRONG, 2, 3, Outcome.FAIL)
          .failedRead(2, "k", ReadMode.TOKEN, 4, 5, Outcome.UNKNOWN)
          .check(nodes("k=a@0:1"));
      clean(r);
      assertThat(r.count(OpType.GET, Outcome.FAIL)).isEqualTo(1);
      assertThat(r.count(OpType.GET, Outcome.UNKNOWN)).isEqualTo(1);
    }

    @Test
    void noFinalStates_checksTheHistoryAlone() {
      CheckResult r = new Hist().putOk(1, "k", "a", 0, 1, "0:1").check();
      clean(r);
      assertThat(r.finalStates()).isZero();
    }

    @Test
    void emptyHistory_passes() {
      clean(new Hist().check());
    }
  }

  @Test
  void duplicateValues_makeTheHistoryUncheckable() {
    Hist h = new Hist()
        .putOk(1, "k", "a", 0, 1, "0:1")
        .putUnknown(2, "k", "a", 2, 3);
    assertThatThrownBy(h::check)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unique values");
  }

  @Test
  void describe_printsTheCountsAndTheOffendingOperations() {
    CheckResult r = new Hist()
        .putOk(1, "k", "a", 0, 1, "0:1")
        .putOk(2, "k", "b", 2, 3, "0:2")
        .check(nodes("k=a@0:1"));
    String text = r.describe();
    assertThat(text)
        .contains("checked 2 operations")
        .contains("LOST_WRITE=1")
        .contains("LOST_WRITE key=k: nodes n1, n2, n3 end with 'a'@0:1")
        .contains("#2 p2 PUT k := 'b' @0:2 OK 200 n3 [2.000..3.000 ms]");
    assertThat(r.toString()).isEqualTo(text);
  }

  @Test
  void checkResult_roundTripsThroughJackson() throws Exception {
    CheckResult r = new Hist()
        .putOk(1, "k", "a", 0, 1, "0:1")
        .get(2, "k", 2, 3, "zzz", "0:9")
        .check(nodes("k=a@0:1"));
    ObjectMapper json = new ObjectMapper();
    CheckResult back = json.readValue(json.writeValueAsString(r), CheckResult.class);
    assertThat(back).isEqualTo(r);
    assertThat(back.anomalies()).hasSize(1);
  }
}
