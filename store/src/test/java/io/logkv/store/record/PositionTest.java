package io.logkv.store.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PositionTest {
  @Test
  void parse_readsPartitionAndOffset_andPrintsTheSame() {
    Position p = Position.parse("3:1207");
    assertThat(p).isEqualTo(new Position(3, 1207));
    assertThat(p.toString()).isEqualTo("3:1207");
  }

  @Test
  void parseList_acceptsBlanksAroundCommas() {
    assertThat(Position.parseList("0:1, 2:3")).isEqualTo(List.of(new Position(0, 1), new Position(2, 3)));
  }

  @Test
  void parse_rejectsEverythingElse_withTheTextInTheMessage() {
    for (String bad : new String[] {"", ":", "1:", ":1", "a:1", "1:b", "1:2:3", "-1:4", "1:-4", "1", "99999999999:1"}) {
      assertThatThrownBy(() -> Position.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> Position.parseList("0:1,,2:3")).isInstanceOf(IllegalArgumentException.class);
  }
}
