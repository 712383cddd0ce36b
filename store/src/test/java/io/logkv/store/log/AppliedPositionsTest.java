package io.logkv.store.log;

import io.logkv.store.record.Position;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class AppliedPositionsTest {
  @Test
  void waiter_completesWhenItsOffsetIsApplied_notBefore() {
    AppliedPositions positions = new AppliedPositions(2);
    CompletableFuture<Void> w = positions.whenApplied(new Position(1, 5), 60_000);
    positions.advance(1, 5); // offsets 0..4 applied
    assertThat(w).isNotDone();
    positions.advance(0, 100); // another partition
    assertThat(w).isNotDone();
    positions.advance(1, 6);
    assertThat(w).isCompleted();
    assertThat(positions.pendingWaiters()).isZero();
  }

  @Test
  void alreadyApplied_completesAtOnce_andPositionsNeverGoBack() {
    AppliedPositions positions = new AppliedPositions(1);
    positions.advance(0, 10);
    positions.advance(0, 3);
    assertThat(positions.nextOffset(0)).isEqualTo(10);
    assertThat(positions.whenApplied(new Position(0, 9), 60_000)).isCompleted();
    assertThat(positions.isApplied(new Position(0, 10))).isFalse();
  }

  @Test
  void timedOutWaiter_isRemoved() {
    AppliedPositions positions = new AppliedPositions(1);
    CompletableFuture<Void> w = positions.whenApplied(new Position(0, 3), 1);
    assertThat(w).failsWithin(5, TimeUnit.SECONDS).withThrowableThat().withCauseInstanceOf(TimeoutException.class);
    assertThat(positions.pendingWaiters()).isZero();
  }

  @Test
  void unknownPartition_isRejected() {
    assertThatThrownBy(() -> new AppliedPositions(3).whenApplied(new Position(3, 0), 60_000))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void waitersRegisteredWhileTheApplierAdvances_areNeverLost() throws Exception {
    AppliedPositions positions = new AppliedPositions(1);
    int n = 20_000;
    List<CompletableFuture<Void>> waiters = new ArrayList<>(n);
    CountDownLatch go = new CountDownLatch(1);
    Thread applier = new Thread(() -> {
      try {
        go.await();
      } catch (InterruptedException e) {
        return;
      }
      for (long next = 1; next <= n; next++) {
        positions.advance(0, next);
      }
    });
    applier.start();
    go.countDown();
    for (int i = 0; i < n; i++) {
      waiters.add(positions.whenApplied(new Position(0, i), 60_000));
    }
    applier.join(10_000);
    CompletableFuture.allOf(waiters.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
    assertThat(positions.pendingWaiters()).isZero();
  }
}
