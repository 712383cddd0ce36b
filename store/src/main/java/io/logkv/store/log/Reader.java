package io.logkv.store.log;

import io.logkv.store.cache.Cache;
import io.logkv.store.cache.Digest;
import io.logkv.store.cache.Entry;
import io.logkv.store.record.Position;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The read path: reads are served from memory, after an optional bounded wait ({@link
 * ReadBarrier}) for the reader's own positions or for the end of the key's partition (strong).
 * Expiry is decided by the read clock, so an expired entry reads as absent on every node at the
 * same instant of its own clock. Thread-safe; nothing blocks.
 */
public final class Reader {
  private final Cache cache;
  private final ReadBarrier barrier;
  private final AppliedPositions positions;
  private final StalenessProbe staleness;
  private final LogTopic topic;
  private final InstantSource clock;

  /** @param clock decides expiry (a coarse clock for the system one: reads pay a volatile load) */
  public Reader(Cache cache, ReadBarrier barrier, AppliedPositions positions, StalenessProbe staleness, LogTopic topic,
      InstantSource clock) {
    this.cache = cache;
    this.barrier = barrier;
    this.positions = positions;
    this.staleness = staleness;
    this.topic = topic;
    this.clock = clock;
  }

  /**
   * Null when a read of {@code key} may be served at once, else a future that completes when it
   * may: the reader's token for the key's partition is applied here and, for a {@code strong}
   * read, the end of the key's partition as of now. Fails with {@link WaitTimedOutException} after
   * the read wait.
   *
   * <p>Only the key's partition matters: a key's state is decided by its partition's records
   * alone, so the tokens of other partitions (a session's writes to other keys) cannot change what
   * this read must see. That also lets a sharded node serve a session whose tokens name partitions
   * it does not hold.
   *
   * @throws IllegalArgumentException when a token names a partition the topic does not have
   */
  public CompletableFuture<Void> await(String key, List<Position> tokens, boolean strong) {
    int partition = topic.partitionFor(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    List<Position> relevant = new java.util.ArrayList<>(1);
    for (Position p : tokens) {
      if (p.partition() >= topic.partitions()) {
        throw new IllegalArgumentException(
            "X-Min-Position names partition " + p.partition() + " but the log has " + topic.partitions());
      }
      if (p.partition() == partition) {
        relevant.add(p);
      }
    }
    return barrier.await(relevant, strong ? partition : -1);
  }

  /** The live entry of {@code key}, or null. */
  public Entry get(String key) {
    return cache.get(key, clock);
  }

  /** A page of live keys in order; see {@link Cache#keys}. Scans the whole map: not on an I/O thread. */
  public List<String> keys(String prefix, String after, int limit) {
    return cache.keys(prefix, after, limit, clock.millis());
  }

  /** A page of live keys of the partitions {@code partitions} accepts. */
  public List<String> keys(String prefix, String after, int limit, java.util.function.IntPredicate partitions) {
    return cache.keys(prefix, after, limit, clock.millis(), partitions);
  }

  /** The digest of every live entry, to compare replicas. Hashes the whole map: not on an I/O thread. */
  public Digest digest() {
    return Digest.of(cache, clock.millis());
  }

  /** One digest per partition (those not held are empty), to compare the owners of a partition. */
  public List<Digest> digestByPartition() {
    return Digest.byPartition(cache, clock.millis(), topic.partitions());
  }

  /** {@code 0:12,1:7,...}: where this copy is. */
  public String applied() {
    return positions.describe();
  }

  /** Upper bound on how far this copy may be behind the log, in ms; -1 while replaying. */
  public long maxStalenessMillis() {
    return staleness.maxStalenessMillis();
  }
}
