package io.logkv.bench.log;

import io.logkv.store.cache.Cache;
import io.logkv.store.log.RecordApplier;
import io.logkv.store.record.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The apply loop without Kafka: records per second from consumer records into the map, as the
 * applier does it ({@code logkv}: key decoded, entry built, put in the concurrent map), beside
 * what a bare replay does ({@code hashmap}: the same key decoding into a plain HashMap, the raw
 * consumer's baseline in the replay benchmark). 100k records over 100k keys of 100-byte values.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar ApplyBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ApplyBenchmark {
  private static final int RECORDS = 100_000;

  @Param({"logkv", "hashmap"})
  public String impl;

  private ConsumerRecord<byte[], byte[]>[] records;
  private RecordApplier applier;
  private HashMap<String, byte[]> map;

  @Setup
  @SuppressWarnings("unchecked")
  public void build() {
    records = new ConsumerRecord[RECORDS];
    for (int i = 0; i < RECORDS; i++) {
      byte[] key = ("key-" + i).getBytes(StandardCharsets.UTF_8);
      records[i] = new ConsumerRecord<>("logkv", i % 6, i, key, RecordCodec.encode(new byte[100], 0, 0));
    }
  }

  @Setup(Level.Iteration)
  public void emptyMaps() {
    applier = new RecordApplier(Cache.inMemory());
    map = new HashMap<>();
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public Object applyAll() {
    long now = System.currentTimeMillis();
    if (impl.equals("hashmap")) {
      for (ConsumerRecord<byte[], byte[]> r : records) {
        map.put(new String(r.key(), StandardCharsets.UTF_8), r.value());
      }
      return map;
    }
    for (ConsumerRecord<byte[], byte[]> r : records) {
      applier.apply(r, now);
    }
    return applier;
  }
}
