package io.logkv.chaos.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PositionTest {

  @Test
  void parse_readsPartitionAndOffset_andToStringWritesThemBack() {
    Position p = Position.parse("3:1207");
    assertThat(p).isEqualTo(new Position(3, 1207));
    assertThat(p.toString()).isEqualTo("3:1207");
  }

  @Test
  void parse_ofQuotedETag_dropsTheQuotes() {
    assertThat(Position.parse("\"0:42\"")).isEqualTo(new Position(0, 42));
  }

  @Test
  void parse_ofGarbage_isRejectedWithTheText() {
    for (String bad : List.of("", "3", ":5", "3:", "a:1", "1:b", "-1:3", "1:-3")) {
      assertThatThrownBy(() -> Position.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void parseList_readsAHeader_andHeaderWritesItBack() {
    List<Position> ps = Position.parseList("0:12, 3:1207");
    assertThat(ps).containsExactly(new Position(0, 12), new Position(3, 1207));
    assertThat(Position.header(ps)).isEqualTo("0:12,3:1207");
    assertThat(Position.parseList(" ")).isEmpty();
  }

  @Test
  void compareTo_ordersByPartitionThenOffset() {
    List<Position> ps = new ArrayList<>(List.of(
        new Position(1, 5), new Position(0, 9), new Position(1, 2), new Position(0, 10)));
    ps.sort(null);
    assertThat(ps).containsExactly(
        new Position(0, 9), new Position(0, 10), new Position(1, 2), new Position(1, 5));
    assertThat(new Position(1, 2).samePartition(new Position(1, 9))).isTrue();
    assertThat(new Position(1, 2).samePartition(new Position(2, 2))).isFalse();
  }
}
