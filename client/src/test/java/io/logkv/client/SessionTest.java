package io.logkv.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class SessionTest {

  @Test
  void position_parsesTheServersForm() {
    assertThat(Position.parse("3:1207")).isEqualTo(new Position(3, 1207));
    assertThat(new Position(0, 0)).hasToString("0:0");
    for (String bad : List.of("", ":", "3:", ":1", "3", "a:1", "3:b", "-1:0", "3:-1", "3:1:2", " 3:1", "3:+1",
        "99999999999:0", "3:99999999999999999999")) {
      assertThatThrownBy(() -> Position.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(new Position(1, 5).isAfter(new Position(1, 4))).isTrue();
    assertThatThrownBy(() -> new Position(1, 5).isAfter(new Position(2, 4))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void session_keepsTheHighestPositionPerPartition() {
    Session s = Session.readYourWrites();
    assertThat(s.token()).isEmpty();
    s.observe(new Position(3, 10));
    s.observe(new Position(0, 7));
    s.observe(new Position(3, 4));
    s.observe(new Position(11, 1));
    assertThat(s.positions()).containsExactly(new Position(0, 7), new Position(3, 10), new Position(11, 1));
    assertThat(s.token()).contains("0:7,3:10,11:1");
  }

  @Test
  void session_takesAToken_fromAnotherProcess() {
    Session s = Session.readYourWrites();
    s.observe(new Position(1, 50));
    s.observe("1:40, 2:9");
    assertThat(s.token()).contains("1:50,2:9");
    assertThatThrownBy(() -> s.observe("2:10,x")).isInstanceOf(IllegalArgumentException.class);
    assertThat(s.token()).as("nothing of a bad token is taken").contains("1:50,2:9");
  }

  @Test
  void session_mergesConcurrentWrites() throws Exception {
    Session s = Session.monotonicReads();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<CompletableFuture<Void>> all = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        all.add(CompletableFuture.runAsync(() -> {
          for (int i = 0; i < 10_000; i++) {
            s.observe(new Position(i % 6, (long) i * 4 + thread));
          }
        }, pool));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();
    } finally {
      pool.shutdown();
    }
    // The highest i for partition p is the last i < 10000 with i % 6 == p; thread 3 adds the most.
    for (Position p : s.positions()) {
      long lastI = 9_999 - Math.floorMod(9_999 - p.partition(), 6);
      assertThat(p.offset()).as("partition %d", p.partition()).isEqualTo(lastI * 4 + 3);
    }
    assertThat(s.positions()).hasSize(6);
    assertThat(s.includesReads()).isTrue();
  }
}
