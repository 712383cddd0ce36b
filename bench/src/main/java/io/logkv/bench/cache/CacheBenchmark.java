package io.logkv.bench.cache;

import io.logkv.store.cache.Cache;
import io.logkv.store.cache.Entry;
import io.logkv.store.record.RecordCodec;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The node's cache ({@code logkv}) beside a raw {@code ConcurrentHashMap<String, byte[]>}
 * ({@code chm}), with and without an expiry deadline, in the shapes the node uses it: readers
 * alone (1 and 2 threads: the HTTP workers), the one writer alone (the applier is the only thread
 * that changes the map), and the one writer beside readers at once ({@code writerAndReaders}, a
 * JMH group as in Caffeine's benchmarks: one thread puts while the others get; its figures are
 * the group's total and each side's own). The map is pre-filled with 64k keys of 100-byte values;
 * each thread walks the keys in its own stride (no random numbers in the loop). A get is what
 * serving a value needs: the lookup and the value's size (both variants touch the value). A logkv
 * get goes through the node's read path: the lookup, then, for an entry with a deadline, the
 * node's read clock and the check.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar CacheBenchmark}; more readers beside the
 * writer: {@code -tg 1,3}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CacheBenchmark {
  private static final int KEYS = 1 << 16;
  private static final int MASK = KEYS - 1;
  /** The node's read clock: the system clock read once a millisecond (see CoarseClock). */
  private static final java.time.InstantSource CLOCK =
      io.logkv.store.cache.CoarseClock.of(java.time.InstantSource.system(), "bench-clock");

  @Param({"logkv", "chm"})
  public String impl;

  @Param({"false", "true"})
  public boolean ttl;

  private String[] keys;
  private Entry[] entries;
  private byte[][] values;
  private Cache cache;
  private ConcurrentHashMap<String, byte[]> chm;

  /** Per thread: where it is in the key space. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    @Setup(Level.Iteration)
    public void start() {
      next = (int) (Thread.currentThread().getId() * 7919);
    }

    int nextIndex() {
      next += 17; // odd stride: every key, in a cache-unfriendly order
      return next & MASK;
    }
  }

  @Setup
  public void fill() {
    keys = new String[KEYS];
    entries = new Entry[KEYS];
    values = new byte[KEYS][];
    long deadline = ttl ? System.currentTimeMillis() + 3_600_000L : 0;
    cache = Cache.inMemory();
    chm = new ConcurrentHashMap<>(KEYS * 2);
    for (int i = 0; i < KEYS; i++) {
      keys[i] = "user:" + i;
      values[i] = new byte[100];
      entries[i] = new Entry(RecordCodec.encode(values[i], deadline, 0), i % 6, i);
      cache.applyPut(keys[i], entries[i]);
      chm.put(keys[i], values[i]);
    }
  }

  /** A get as serving it needs: the value found and its size read (a miss reads as -1). */
  private int get(int i) {
    if (impl.equals("chm")) {
      byte[] v = chm.get(keys[i]);
      return v == null ? -1 : v.length;
    }
    Entry e = cache.get(keys[i], CLOCK);
    return e == null ? -1 : e.valueLength();
  }

  private void put(int i) {
    if (impl.equals("chm")) {
      chm.put(keys[i], values[i]);
    } else {
      cache.applyPut(keys[i], entries[i]);
    }
  }

  @Benchmark
  @Threads(1)
  public int get_1thread(Cursor c) {
    return get(c.nextIndex());
  }

  @Benchmark
  @Threads(2)
  public int get_2threads(Cursor c) {
    return get(c.nextIndex());
  }

  @Benchmark
  @Threads(1)
  public void put_1thread(Cursor c) {
    put(c.nextIndex());
  }

  /** The applier's side of the group: the one thread that changes the map. */
  @Benchmark
  @Group("writerAndReaders")
  @GroupThreads(1)
  public void writer(Cursor c) {
    put(c.nextIndex());
  }

  /** The HTTP workers' side of the group, reading while the writer writes. */
  @Benchmark
  @Group("writerAndReaders")
  @GroupThreads(1)
  public int reader(Cursor c) {
    return get(c.nextIndex());
  }
}
