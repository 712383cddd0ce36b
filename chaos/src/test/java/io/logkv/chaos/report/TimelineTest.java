package io.logkv.chaos.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.logkv.chaos.history.History;
import io.logkv.chaos.history.Invocation;
import io.logkv.chaos.history.Position;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimelineTest {

  private static final long MS = 1_000_000L;

  /** 10 writes of 1 ms each in the first 250 ms, then one of 2 s that hangs across the next buckets. */
  private static History hangingHistory() {
    AtomicLong now = new AtomicLong();
    History h = History.create(now::get);
    for (int i = 0; i < 10; i++) {
      Invocation inv = h.invokePut(0, "k", "v" + i);
      now.addAndGet(MS);
      inv.ok(new Position(0, i), 200, "n1");
      now.addAndGet(10 * MS);
    }
    Invocation slow = h.invokePut(1, "k", "slow");
    var fault = h.startFault("pause-n3", "test");
    now.addAndGet(2000 * MS);
    fault.stop();
    slow.ok(new Position(0, 10), 200, "n3");
    return h;
  }

  @Test
  void buckets_countOkPerSecondAndShowAHangAsEmptyBucketsThenItsLatency() {
    Timeline t = Timeline.of(hangingHistory(), 250);
    assertThat(t.buckets().get(0).okPerSecond()).isEqualTo(40.0);
    assertThat(t.buckets().get(0).p99Millis()).isEqualTo(1.0);
    assertThat(t.buckets().get(3).completed()).isZero();
    assertThat(t.buckets().get(3).p99Millis()).isNaN();
    assertThat(t.buckets().get(t.buckets().size() - 1).p99Millis()).isEqualTo(2000.0);
  }

  @Test
  void chart_isWrittenAsAPng(@TempDir Path dir) throws Exception {
    History h = hangingHistory();
    Path png = dir.resolve("t.png");
    TimelineChart.write("test", Timeline.of(h, 250), h.faults(), h.originNanos(), png);
    byte[] head = Files.readAllBytes(png);
    assertThat(head).startsWith(0x89, 'P', 'N', 'G');
    String keep = System.getProperty("timeline.keep");
    if (keep != null) {
      Files.copy(png, Path.of(keep), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
