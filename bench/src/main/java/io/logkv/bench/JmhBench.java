package io.logkv.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs the JMH benchmarks from within the report, with fixed fork, warm-up and measurement counts. */
final class JmhBench {
  /** One benchmark result: its short name, parameters and score. */
  record Row(String benchmark, Map<String, String> params, double score, double error, String unit) {
    String param(String name) {
      return params.getOrDefault(name, "");
    }
  }

  private JmhBench() {}

  static List<Row> run(Path jsonOut, boolean quick) throws Exception {
    Options options = new OptionsBuilder()
        .include("io\\.logkv\\.bench\\.(cache|log)\\..*")
        // Two forks and five iterations: on a shared 2-core VM one fork's figure can be 40% off.
        .forks(quick ? 1 : 2)
        .warmupIterations(quick ? 1 : 2)
        .warmupTime(quick ? TimeValue.milliseconds(500) : TimeValue.seconds(1))
        .measurementIterations(quick ? 1 : 5)
        .measurementTime(quick ? TimeValue.milliseconds(500) : TimeValue.seconds(1))
        .resultFormat(ResultFormatType.JSON)
        .result(jsonOut.toString())
        .build();
    Collection<RunResult> results = new Runner(options).run();
    List<Row> rows = new ArrayList<>();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      String shortName = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
      Map<String, String> params = new TreeMap<>();
      for (String key : r.getParams().getParamsKeys()) {
        params.put(key, r.getParams().getParam(key));
      }
      rows.add(new Row(shortName, params, r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError(),
          r.getPrimaryResult().getScoreUnit()));
      // A group's threads each have their own figure beside the group's total: "<group>:<method>".
      r.getSecondaryResults().forEach((label, result) -> {
        if (!label.startsWith("·")) { // profilers' results (·gc.alloc.rate...) are not a side of the group
          rows.add(new Row(shortName + ":" + label, params, result.getScore(), result.getScoreError(),
              result.getScoreUnit()));
        }
      });
    }
    return rows;
  }
}
