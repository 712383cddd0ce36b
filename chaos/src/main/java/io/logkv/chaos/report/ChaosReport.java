package io.logkv.chaos.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Writes {@code REPORT.md} from every {@code *.json} result in a directory. */
public final class ChaosReport {

  private ChaosReport() {}

  /**
   * @param dir where the results are and the report goes
   * @param header lines put above the table (machine, command, run time)
   * @param order scenario names in the order the suite runs them; others follow by name
   */
  public static Path write(Path dir, List<String> header, List<String> order) {
    List<ScenarioResult> results = read(dir, order);
    StringBuilder md = new StringBuilder("# Chaos suite results\n\n");
    header.forEach(h -> md.append(h).append('\n'));
    md.append("\n| scenario | mode | passed | replay ms | records replayed | replay rate/s | ready ms | converge ms "
        + "| client errors | operations (ok/fail/unknown) | ops/s | p99 ms | max ms | lost writes | anomalies |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (ScenarioResult r : results) {
      md.append("| [").append(r.scenario()).append("](").append(r.scenario()).append(".png)")
          .append(" | ").append(r.modeOrFullCopy())
          .append(" | ").append(r.passed() ? "yes" : "**NO**")
          .append(" | ").append(orDash(r.replayMillis()))
          .append(" | ").append(orDash(r.recordsReplayed()))
          .append(" | ").append(orDash(r.replayRate()))
          .append(" | ").append(orDash(r.readyMillis()))
          .append(" | ").append(orDash(r.convergeMillis()))
          .append(" | ").append(errors(r.clientErrors()))
          .append(" | ").append(operations(r.operations()))
          .append(" | ").append(fmt(r.throughputOpsPerSecond()))
          .append(" | ").append(fmt(r.p99Millis()))
          .append(" | ").append(fmt(r.maxLatencyMillis()))
          .append(" | ").append(r.lostWrites())
          .append(" | ").append(r.anomalyCount() == 0 ? "0" : anomalies(r.anomalies()))
          .append(" |\n");
    }
    md.append("\n## Per scenario\n");
    for (ScenarioResult r : results) {
      md.append("\n### ").append(r.scenario()).append("\n\n").append(r.fault())
          .append(" (").append(r.modeOrFullCopy()).append(")\n\n");
      md.append("![").append(r.scenario()).append(" timeline](").append(r.scenario()).append(".png)\n\n");
      r.measurements().forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
      r.faults().forEach(f -> md.append("- fault ").append(f).append('\n'));
      md.append("- checker: ").append(r.checkerReport().lines().findFirst().orElse("")).append('\n');
    }
    Path file = dir.resolve("REPORT.md");
    try {
      Files.writeString(file, md.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file + " failed", e);
    }
    return file;
  }

  /** The scenario results in {@code dir} (none when it does not exist), in suite order. */
  static List<ScenarioResult> read(Path dir, List<String> order) {
    List<ScenarioResult> results = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return results;
    }
    try (Stream<Path> files = Files.list(dir)) {
      files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().forEach(f -> results.add(ScenarioResult.read(f)));
    } catch (IOException e) {
      throw new UncheckedIOException("listing " + dir + " failed", e);
    }
    results.sort((a, b) -> {
      int ia = order.indexOf(a.scenario());
      int ib = order.indexOf(b.scenario());
      ia = ia < 0 ? Integer.MAX_VALUE : ia;
      ib = ib < 0 ? Integer.MAX_VALUE : ib;
      return ia != ib ? Integer.compare(ia, ib) : a.scenario().compareTo(b.scenario());
    });
    return results;
  }

  /**
   * {@code BACKENDS.md} in {@code localDir}: each scenario's latest result on the local and the
   * docker backend side by side, from the JSON files both runs left.
   */
  public static Path writeSideBySide(Path localDir, Path dockerDir, List<String> order) {
    Map<String, ScenarioResult> local = new LinkedHashMap<>();
    read(localDir, order).forEach(r -> local.put(r.scenario(), r));
    Map<String, ScenarioResult> docker = new LinkedHashMap<>();
    read(dockerDir, order).forEach(r -> docker.put(r.scenario(), r));
    List<String> scenarios = new ArrayList<>(order);
    local.keySet().stream().filter(k -> !scenarios.contains(k)).forEach(scenarios::add);
    docker.keySet().stream().filter(k -> !scenarios.contains(k)).forEach(scenarios::add);
    StringBuilder md = new StringBuilder("# Chaos suite: local and docker backends side by side\n\n");
    md.append("Written by the chaos suites (`ChaosSuiteIT`, `ShardedChaosSuiteIT`) from the latest JSON result")
        .append(" of each scenario on each backend: local in")
        .append(" [REPORT.md](REPORT.md) (`mvn verify`), docker in [docker/REPORT.md](docker/REPORT.md)")
        .append(" (`-Dchaos.backend=docker`). Each cell is local / docker; – where a backend has no result.\n\n");
    md.append("| scenario | passed | ready ms | converge ms | client errors | ops/s | p99 ms | max ms | lost writes | anomalies | finished at |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (String name : scenarios) {
      ScenarioResult l = local.get(name);
      ScenarioResult d = docker.get(name);
      if (l == null && d == null) {
        continue;
      }
      md.append("| ").append(name)
          .append(" | ").append(pair(l, d, r -> r.passed() ? "yes" : "**NO**"))
          .append(" | ").append(pair(l, d, r -> orDash(r.readyMillis())))
          .append(" | ").append(pair(l, d, r -> orDash(r.convergeMillis())))
          .append(" | ").append(pair(l, d, r -> Long.toString(r.clientErrorCount())))
          .append(" | ").append(pair(l, d, r -> fmt(r.throughputOpsPerSecond())))
          .append(" | ").append(pair(l, d, r -> fmt(r.p99Millis())))
          .append(" | ").append(pair(l, d, r -> fmt(r.maxLatencyMillis())))
          .append(" | ").append(pair(l, d, r -> Integer.toString(r.lostWrites())))
          .append(" | ").append(pair(l, d, r -> Integer.toString(r.anomalyCount())))
          .append(" | ").append(pair(l, d, ScenarioResult::finishedAt))
          .append(" |\n");
    }
    Path file = localDir.resolve("BACKENDS.md");
    try {
      Files.createDirectories(localDir);
      Files.writeString(file, md.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file + " failed", e);
    }
    return file;
  }

  private static String pair(ScenarioResult local, ScenarioResult docker, Function<ScenarioResult, String> cell) {
    return (local == null ? "–" : cell.apply(local)) + " / " + (docker == null ? "–" : cell.apply(docker));
  }

  private static String orDash(Long v) {
    return v == null ? "–" : v.toString();
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.1f", v);
  }

  private static String errors(Map<String, Long> errors) {
    if (errors.isEmpty()) {
      return "0";
    }
    return errors.entrySet().stream().map(e -> e.getValue() + "× " + e.getKey()).collect(Collectors.joining("<br>"));
  }

  private static String operations(Map<String, Map<String, Integer>> ops) {
    return ops.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue().getOrDefault("OK", 0) + "/" + e.getValue().getOrDefault("FAIL", 0)
            + "/" + e.getValue().getOrDefault("UNKNOWN", 0))
        .collect(Collectors.joining("<br>"));
  }

  private static String anomalies(Map<String, Integer> anomalies) {
    return anomalies.entrySet().stream().filter(e -> e.getValue() > 0)
        .map(e -> e.getValue() + "× " + e.getKey()).collect(Collectors.joining("<br>"));
  }
}
