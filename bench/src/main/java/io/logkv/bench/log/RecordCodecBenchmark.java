package io.logkv.bench.log;

import io.logkv.store.record.RecordCodec;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Encoding a value into a record (header + one copy of the value) and reading a record's header
 * back, for 100-byte and 4 KiB values.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar RecordCodecBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RecordCodecBenchmark {
  @Param({"100", "4096"})
  public int valueBytes;

  private byte[] value;
  private byte[] record;

  @Setup
  public void setUp() {
    value = new byte[valueBytes];
    record = RecordCodec.encode(value, 1_800_000_000_000L, 1_700_000_000_000L);
  }

  @Benchmark
  public byte[] encode() {
    return RecordCodec.encode(value, 1_800_000_000_000L, 1_700_000_000_000L);
  }

  @Benchmark
  public void decodeHeader(Blackhole bh) {
    bh.consume(RecordCodec.isReadable(record));
    bh.consume(RecordCodec.expiresAtMillis(record));
    bh.consume(RecordCodec.writtenAtMillis(record));
    bh.consume(RecordCodec.valueView(record));
  }
}
