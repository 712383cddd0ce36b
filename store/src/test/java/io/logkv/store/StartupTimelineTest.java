package io.logkv.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StartupTimelineTest {
  private final AtomicLong clock = new AtomicLong();

  private void advanceMillis(long ms) {
    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
  }

  @Test
  void readyLine_givesEveryStepInOrder_andParsesBack() {
    StartupTimeline t = StartupTimeline.on(clock::get, 0, TimeUnit.MILLISECONDS.toNanos(300));
    advanceMillis(300); // the JVM's share
    advanceMillis(120);
    t.configDone();
    long topic = t.now();
    advanceMillis(95);
    t.took("topic_ms", topic);
    t.tookMillis("replay_ms", 12);
    t.count("replay_records", 7);
    assertThat(t.atReady()).isNull();

    String line = t.ready("n1");

    assertThat(line).isEqualTo("node n1 ready: total_ms=515 jvm_ms=300 config_ms=120 topic_ms=95 writer_ms=0"
        + " http_ms=0 snapshot_ms=0 replay_ms=12 replay_records=7");
    assertThat(List.copyOf(t.atReady().keySet())).containsExactly(StartupTimeline.KEYS);
    assertThat(StartupTimeline.parseReadyLine("12:00:00.000 INFO  [main] io.logkv.store.Node - " + line))
        .containsEntry("node", "n1").containsEntry("total_ms", "515").containsEntry("replay_records", "7")
        .hasSize(StartupTimeline.KEYS.length + 1);
  }

  @Test
  void figuresAreFixedWhenTheNodeTurnsReady() {
    StartupTimeline t = StartupTimeline.on(clock::get, 0, 0);
    advanceMillis(50);
    t.ready("n1");
    advanceMillis(1000);
    t.tookMillis("replay_ms", 999);
    assertThat(t.atReady()).containsEntry("total_ms", 50L).containsEntry("replay_ms", 0L);
  }

  @Test
  void aLineThatIsNotAReadyLine_parsesToNothing() {
    assertThat(StartupTimeline.parseReadyLine("node n1 listening on http://127.0.0.1:8081 (ready)")).isEmpty();
  }
}
