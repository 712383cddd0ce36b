package io.logkv.store.log;

import io.logkv.store.cache.Cache;
import io.logkv.store.cache.Entry;
import io.logkv.store.record.Position;
import io.logkv.store.record.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The write path: what a write means, in one place. Every write is a whole-state record appended
 * to the log (a put carries the value and its absolute deadline, a delete is a tombstone), so
 * replaying or compacting the log is always safe.
 *
 * <p>A write is, in order: admitted or refused at once (certainly not applied: the process has just
 * thawed from a freeze, the brokers have been silent too long, the key's partition has too few
 * in-sync replicas for an acks=all write, the map is at its memory cap, or too many bytes are in
 * flight); appended with acks=all and acknowledged
 * by the brokers; then awaited until this node has applied it, so a read here right after sees it.
 * The result says whether the apply happened within the write timeout ({@link Written#applied});
 * the write is durable either way. A write that fails after it was sent fails with {@link
 * WriteFailedException}, whose outcome says whether it may still appear in the log.
 *
 * <p>Nothing here blocks the caller: admission is a few atomic reads, the append never waits for
 * buffer space (the in-flight budget is half the producer's buffer), and completions run on the
 * producer's and the applier's threads. Thread-safe.
 */
public final class Replicator {
  private final LogWriter writer;
  private final AppliedPositions positions;
  private final ReadBarrier barrier;
  private final Cache cache;
  private final BrokerContact broker;
  private final FreezeWatch freezes;
  private final StalenessProbe probe;
  private final InstantSource clock;
  private final long maxMemoryBytes;
  private final long maxInflightBytes;
  private final AtomicLong inflightBytes = new AtomicLong();
  private final AtomicLong refusedOverloaded = new AtomicLong();

  /** A write acknowledged by the brokers: its position, and whether this node applied it in time. */
  public record Written(Position position, boolean applied) {}

  /** An expiry change: the position of the record that carries the new deadline. */
  public record TtlChanged(Position position, long expiresAtMillis, boolean applied) {}

  /**
   * @param maxMemoryBytes writes are refused (507) once the map would hold more than this
   * @param maxInflightBytes writes are refused (503, not applied) while this many record bytes
   *     are sent and not yet acknowledged; at most half of {@link LogWriter#BUFFER_BYTES}
   */
  public Replicator(LogWriter writer, AppliedPositions positions, ReadBarrier barrier, Cache cache,
      BrokerContact broker, FreezeWatch freezes, StalenessProbe probe, InstantSource clock, long maxMemoryBytes,
      long maxInflightBytes) {
    this.writer = writer;
    this.positions = positions;
    this.barrier = barrier;
    this.cache = cache;
    this.broker = broker;
    this.freezes = freezes;
    this.probe = probe;
    this.clock = clock;
    this.maxMemoryBytes = maxMemoryBytes;
    this.maxInflightBytes = Math.min(maxInflightBytes, LogWriter.BUFFER_BYTES / 2);
  }

  /** Puts {@code value} under {@code key}; {@code ttlMillis} 0 means no expiry. */
  public CompletableFuture<Written> put(String key, byte[] value, long ttlMillis) {
    byte[] keyBytes = utf8(key);
    admit(keyBytes);
    long cap = maxMemoryBytes;
    long after = cache.bytes() + cache.estimateBytes(key, value.length);
    if (after > cap) {
      throw WriteRefusedException.memoryCap("the node holds " + cache.bytes() + " bytes and the cap is " + cap
          + " (--max-memory-bytes); delete keys or raise the cap");
    }
    long now = clock.millis();
    return appendAndAwait(keyBytes, RecordCodec.encode(value, ttlMillis == 0 ? 0 : now + ttlMillis, now));
  }

  /** Deletes {@code key} (a tombstone); deleting an absent key is a write like any other. */
  public CompletableFuture<Written> delete(String key) {
    byte[] keyBytes = utf8(key);
    admit(keyBytes);
    return appendAndAwait(keyBytes, null);
  }

  /**
   * Read-modify-write: reads the key's current value and logs it again, whole, with the new
   * deadline. The read is a strong one (this node first applies the key's partition up to the end
   * offset of the moment, which covers the caller's tokens too), so the value logged again is never older
   * than a write acknowledged before the request, whichever node took that write. A write
   * concurrent with the change may still be overwritten by it: both are whole-state writes and
   * the later in the log wins. Empty when the key is absent.
   *
   * @param tokens positions the caller has seen (its X-Min-Position), possibly empty
   * @param continueOn where the read and the append run once the barrier is passed (the request's
   *     I/O thread), never the admin client's thread the barrier completes on
   */
  public CompletableFuture<Optional<TtlChanged>> changeTtl(
      String key, long ttlMillis, List<Position> tokens, Executor continueOn) {
    byte[] keyBytes = utf8(key);
    // Before the strong read, which would otherwise wait out its timeout when the brokers are away.
    admit(keyBytes);
    int partition = writer.topic().partitionFor(keyBytes);
    for (Position p : tokens) {
      if (p.partition() >= writer.topic().partitions()) {
        throw new IllegalArgumentException(
            "X-Min-Position names partition " + p.partition() + " but the log has " + writer.topic().partitions());
      }
    }
    // The strong read covers the caller's tokens too: every position it was given is at or below
    // the end of the partition as of now.
    return barrier.endOfPartition(partition).thenComposeAsync(
        ignored -> {
          long now = clock.millis();
          Entry current = cache.get(key, now);
          if (current == null) {
            return CompletableFuture.completedFuture(Optional.<TtlChanged>empty());
          }
          admit(keyBytes);
          long deadline = now + ttlMillis;
          return appendAndAwait(keyBytes, RecordCodec.encode(current.valueBytes(), deadline, now))
              .thenApply(w -> Optional.of(new TtlChanged(w.position(), deadline, w.applied())));
        },
        continueOn);
  }

  /** The partition {@code key}'s records go to. */
  public int partitionOf(String key) {
    return writer.topic().partitionFor(utf8(key));
  }

  /** Record bytes sent and not yet acknowledged. */
  public long inflightBytes() {
    return inflightBytes.get();
  }

  /** Writes refused because too many bytes were in flight. */
  public long refusedOverloaded() {
    return refusedOverloaded.get();
  }

  /**
   * Refuses a write that must not be taken now, in any form (handled here or forwarded to an owner):
   * the process has just thawed from a freeze, so the request may be a stale copy its sender
   * already sent elsewhere (see {@link FreezeWatch}). Certainly not applied.
   */
  public void refuseIfJustThawed() {
    String why = freezes.refusal();
    if (why != null) {
      throw WriteRefusedException.thawed(why);
    }
  }

  /** Refuses a write that cannot succeed now, before anything is sent: certainly not applied. */
  private void admit(byte[] keyBytes) {
    refuseIfJustThawed();
    if (broker.tooSilent()) {
      throw new WriteFailedException(
          "Kafka has not answered this node for " + broker.silenceMillis() + " ms; the write was refused",
          WriteFailedException.Outcome.NOT_APPLIED, null);
    }
    int partition = writer.topic().partitionFor(keyBytes);
    if (probe.belowMinInsyncReplicas(partition)) {
      throw new WriteFailedException(
          "partition " + partition + " has fewer in-sync replicas than min.insync.replicas ("
              + writer.topic().minInsyncReplicas() + "); an acks=all write cannot be acknowledged, so it was refused",
          WriteFailedException.Outcome.NOT_APPLIED, null);
    }
  }

  private CompletableFuture<Written> appendAndAwait(byte[] key, byte[] record) {
    long size = key.length + (record == null ? 0 : record.length);
    if (inflightBytes.addAndGet(size) > maxInflightBytes) {
      inflightBytes.addAndGet(-size);
      refusedOverloaded.incrementAndGet();
      throw WriteRefusedException.overloaded("more than " + maxInflightBytes + " bytes of writes are waiting for the"
          + " brokers' acknowledgement on this node; the write was refused");
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(writer.writeTimeoutMillis());
    CompletableFuture<Position> appended = writer.append(key, record); // never throws: failures complete it
    appended.whenComplete((p, failure) -> inflightBytes.addAndGet(-size)); // released on ack or failure
    return appended.thenCompose(position -> {
      broker.heard();
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        return CompletableFuture.completedFuture(new Written(position, positions.isApplied(position)));
      }
      return positions.whenApplied(position, left).handle((ok, failure) -> new Written(position, failure == null));
    });
  }

  private static byte[] utf8(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }
}
