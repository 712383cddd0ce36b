package io.logkv.store.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MembershipTest {
  private static final String FOUR = "n1=http://h1:8081,n2=http://h2:8081,n3=http://h3:8081,n4=http://h4:8081";

  @Test
  void everyPartitionHasRDistinctOwners_andEveryNodeComputesTheSameTable() {
    List<Member> members = Member.parseList(FOUR);
    Membership a = Membership.of(members, "n1", 2, 48);
    Membership b = Membership.of(members, "n3", 2, 48);
    for (int p = 0; p < 48; p++) {
      assertThat(a.owners(p)).hasSize(2).doesNotHaveDuplicates().isEqualTo(b.owners(p));
      assertThat(a.owns(p)).isEqualTo(a.owners(p).stream().anyMatch(m -> m.id().equals("n1")));
    }
    assertThat(a.sharded()).isTrue();
    // Each member holds about R/N of the partitions.
    for (String id : List.of("n1", "n2", "n3", "n4")) {
      assertThat(Membership.of(members, id, 2, 48).ownedPartitions().size()).isBetween(14, 34);
    }
  }

  @Test
  void addingAMember_movesAboutOneNthOfTheOwnerships() {
    List<Member> four = Member.parseList(FOUR);
    List<Member> five = Member.parseList(FOUR + ",n5=http://h5:8081");
    Membership before = Membership.of(four, "n1", 2, 240);
    Membership after = Membership.of(five, "n1", 2, 240);
    int moved = 0;
    for (int p = 0; p < 240; p++) {
      for (Member m : after.owners(p)) {
        if (!before.owners(p).contains(m)) {
          moved++;
        }
      }
    }
    // 480 ownerships; the new member takes about 2/5 of the partitions' slots' worth: ~96.
    assertThat(moved).isBetween(60, 140);
  }

  @Test
  void replicasAtLeastTheMemberCount_isAFullCopy() {
    Membership m = Membership.of(Member.parseList(FOUR), "n2", 4, 12);
    assertThat(m.sharded()).isFalse();
    assertThat(m.ownedPartitions()).hasSize(12);
    assertThat(Membership.fullCopy(6).ownedPartitions()).hasSize(6);
    assertThat(Membership.fullCopy(6).self()).isEmpty();
  }

  @Test
  void badMemberLists_areRefusedSayingWhy() {
    assertThatThrownBy(() -> Member.parseList("n1=http://a:1,n1=http://b:2")).hasMessageContaining("given twice");
    assertThatThrownBy(() -> Member.parseList("n1")).hasMessageContaining("id=url");
    assertThatThrownBy(() -> Member.parseList("n1=ftp://a:1")).hasMessageContaining("not an http(s) URL");
    assertThatThrownBy(() -> Membership.of(Member.parseList(FOUR), "n9", 2, 6)).hasMessageContaining("not in --members");
  }
}
