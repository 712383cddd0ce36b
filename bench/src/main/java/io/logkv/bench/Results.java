package io.logkv.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.logkv.bench.load.LoadResult;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Writing results: JSON documents and HdrHistogram percentile files (.hgrm, in milliseconds). */
final class Results {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Results() {}

  static void writeJson(Path file, Object value) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      JSON.writeValue(file.toFile(), value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void writeHgrm(Path file, Histogram h) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (PrintStream out = new PrintStream(Files.newOutputStream(file))) {
        h.outputPercentileDistribution(out, 1e6); // nanoseconds to milliseconds
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The figures of a load run, as a JSON-friendly map. */
  static Map<String, Object> summary(String name, LoadResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("mode", r.mode());
    m.put("target_rate", r.targetRate());
    m.put("requests", r.requests());
    m.put("successes", r.successes());
    m.put("failures", r.failures());
    m.put("statuses", r.statuses());
    m.put("seconds", r.seconds());
    m.put("throughput", r.throughput());
    m.put("latency_ms", percentiles(r.latency()));
    m.put("service_time_ms", percentiles(r.serviceTime()));
    return m;
  }

  static Map<String, Double> percentiles(Histogram h) {
    Map<String, Double> p = new LinkedHashMap<>();
    for (double q : new double[] {50, 90, 99, 99.9, 100}) {
      p.put(q == 100 ? "max" : "p" + (q == 99.9 ? "99.9" : String.valueOf((int) q)),
          h.getTotalCount() == 0 ? null : h.getValueAtPercentile(q) / 1e6);
    }
    return p;
  }

  static String describe(String name, LoadResult r) {
    return String.format("%-34s %9.0f req/s  p50 %7.3f ms  p99 %7.3f ms  p99.9 %7.3f ms  failures %d %s",
        name, r.throughput(), r.latencyMillis(50), r.latencyMillis(99), r.latencyMillis(99.9), r.failures(),
        r.failures() > 0 ? r.statuses() : "");
  }
}
