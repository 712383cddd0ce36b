package io.logkv.store.shard;

import io.logkv.store.record.Partitioner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Who owns which partition: the R members with the highest rendezvous score of (partition,
 * member id), computed the same way by every node and client with nothing to coordinate. Adding
 * or removing a member moves only about 1/N of the partitions. Without a member list, or with R
 * at least the number of members, every node owns every partition: the full-copy mode.
 *
 * <p>The score is Kafka's murmur2 (see {@link Partitioner}) of the UTF-8 bytes of {@code
 * "<partition>:<member id>"}, made positive; ties (improbable) are broken by member id. Part of
 * the contract: {@code GET /cluster} names it, and nginx and smart clients read the owner table
 * from there rather than computing it.
 */
public final class Membership {
  /** How {@code GET /cluster} names the owner function. */
  public static final String OWNER_FUNCTION = "rendezvous: the R members with the highest"
      + " toPositive(murmur2(utf8(\"<partition>:<member id>\")))";

  private final List<Member> members;
  private final Member self;
  private final int replicas;
  private final int partitions;
  private final List<List<Member>> owners;
  private final boolean[] owned;

  private Membership(List<Member> members, Member self, int replicas, int partitions) {
    this.members = List.copyOf(members);
    this.self = self;
    this.replicas = Math.min(replicas, members.size());
    this.partitions = partitions;
    this.owners = new ArrayList<>(partitions);
    this.owned = new boolean[partitions];
    for (int p = 0; p < partitions; p++) {
      int partition = p;
      List<Member> ranked = members.stream()
          .sorted(Comparator.comparingInt((Member m) -> score(partition, m.id())).reversed().thenComparing(Member::id))
          .limit(this.replicas)
          .toList();
      owners.add(ranked);
      owned[p] = self == null || ranked.contains(self);
    }
  }

  /** Every node a full copy: no member list. */
  public static Membership fullCopy(int partitions) {
    return new Membership(List.of(), null, 0, partitions);
  }

  /**
   * A member list, this node's id in it, and R.
   *
   * @throws IllegalArgumentException when {@code selfId} is not a member or R is below 1
   */
  public static Membership of(List<Member> members, String selfId, int replicas, int partitions) {
    Member self = members.stream().filter(m -> m.id().equals(selfId)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("this node's id " + selfId + " is not in --members ("
            + members.stream().map(Member::id).collect(Collectors.joining(", ")) + ")"));
    if (replicas < 1) {
      throw new IllegalArgumentException("--replicas must be at least 1, not " + replicas);
    }
    return new Membership(members, self, replicas, partitions);
  }

  /** The rendezvous score of {@code member} for {@code partition}. */
  static int score(int partition, String memberId) {
    return Partitioner.toPositive(Partitioner.murmur2((partition + ":" + memberId).getBytes(StandardCharsets.UTF_8)));
  }

  /** Whether partitions are spread over the members (R below their number), not copied to all. */
  public boolean sharded() {
    return self != null && replicas < members.size();
  }

  /** Whether this node holds {@code partition}. */
  public boolean owns(int partition) {
    return owned[partition];
  }

  /** The partitions this node holds, ascending. */
  public List<Integer> ownedPartitions() {
    List<Integer> list = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      if (owned[p]) {
        list.add(p);
      }
    }
    return list;
  }

  /** {@code partition}'s owners, best first; empty in full-copy mode without a member list. */
  public List<Member> owners(int partition) {
    return owners.get(partition);
  }

  public List<Member> members() {
    return members;
  }

  /** This node as a member; empty without a member list. */
  public Optional<Member> self() {
    return Optional.ofNullable(self);
  }

  public Optional<Member> member(String id) {
    return members.stream().filter(m -> m.id().equals(id)).findFirst();
  }

  /** R: how many members hold each partition (the member count when it is larger). */
  public int replicas() {
    return replicas;
  }

  public int partitions() {
    return partitions;
  }
}
