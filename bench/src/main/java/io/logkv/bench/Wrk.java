package io.logkv.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * wrk, the C load generator, for every closed-model HTTP figure: one wrk thread, keep-alive
 * connections, one request in flight on each. Requests come from {@code wrk-logkv.lua} (a bounded
 * key set, PUT bodies, status counts), written next to the results at run time.
 *
 * <p>A run is {@link Result#clean()} only without socket errors and without answers of 400 or
 * more; the report quotes no other run as a figure but marks it invalid.
 */
final class Wrk {
  static final String SCRIPT = "wrk-logkv.lua";
  private static final Pattern REQUESTS_PER_SECOND = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern SOCKET_ERRORS =
      Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
  private static final Pattern DISTRIBUTION = Pattern.compile("(?m)^\\s+(50|75|90|99)%\\s+([0-9.]+)(us|ms|s|m|h)\\s*$");
  private static final String SUMMARY_PREFIX = "logkv-wrk ";

  private final Path binary;
  private final Path script;
  private final Path outDir;

  /** Writes the script into {@code outDir}, where each run's raw output goes too. */
  Wrk(Path binary, Path outDir) {
    this.binary = binary;
    this.outDir = outDir;
    this.script = outDir.resolve(SCRIPT);
    try (InputStream in = Wrk.class.getResourceAsStream(SCRIPT)) {
      if (in == null) {
        throw new IllegalStateException(SCRIPT + " is missing from the class path (bench/src/main/resources)");
      }
      Files.createDirectories(outDir);
      Files.write(script, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + script, e);
    }
  }

  /**
   * What to send.
   *
   * @param pathPrefix request n goes to {@code pathPrefix + (n mod keys)}
   * @param valueBytes a PUT's body size
   * @param countStatuses count answers by status (costs wrk a header parse per answer)
   */
  record Load(String url, String method, String pathPrefix, int keys, int valueBytes, int connections,
      boolean countStatuses) {
    static Load get(String url, String pathPrefix, int keys, int connections) {
      return new Load(url, "GET", pathPrefix, keys, 0, connections, false);
    }

    /** PUTs, counted by status: 200 (applied here) and 202 (durable, not yet applied) are told apart. */
    static Load put(String url, String pathPrefix, int keys, int valueBytes, int connections) {
      return new Load(url, "PUT", pathPrefix, keys, valueBytes, connections, true);
    }

    String describe() {
      return method + " " + url + pathPrefix + "{0.." + (keys - 1) + "}" + (valueBytes > 0 ? ", " + valueBytes + " B" : "")
          + ", " + connections + " connection" + (connections == 1 ? "" : "s");
    }
  }

  /**
   * One wrk run.
   *
   * @param latencyMs from wrk's --latency table (p50, p75, p90, p99) and the script (p99.9, max)
   * @param curve latency in ms by percentile (0..100), for plots
   * @param statuses answers by status, when counted (else empty)
   * @param socketErrors connect, read, write and timeout errors
   * @param errorAnswers answers of 400 or more ("Non-2xx or 3xx responses" in wrk's words)
   */
  record Result(String name, String command, long requests, double seconds, double requestsPerSecond,
      Map<String, Long> socketErrors, long errorAnswers, Map<String, Double> latencyMs,
      TreeMap<Double, Double> curve, Map<Integer, Long> statuses) {

    boolean clean() {
      return requests > 0 && errorAnswers == 0 && socketErrors.values().stream().allMatch(v -> v == 0);
    }

    /** Why the run is not clean, e.g. "120 answers >= 400; socket errors: read 3". */
    String problems() {
      List<String> p = new ArrayList<>();
      if (requests == 0) {
        p.add("no request completed");
      }
      if (errorAnswers > 0) {
        p.add(errorAnswers + " answers >= 400" + (statuses.isEmpty() ? "" : " " + statuses));
      }
      List<String> socket = new ArrayList<>();
      socketErrors.forEach((k, v) -> {
        if (v > 0) {
          socket.add(k + " " + v);
        }
      });
      if (!socket.isEmpty()) {
        p.add("socket errors: " + String.join(", ", socket));
      }
      return String.join("; ", p);
    }

    double latencyMs(String percentile) {
      Double v = latencyMs.get(percentile);
      if (v == null) {
        throw new IllegalArgumentException("no " + percentile + " in " + latencyMs.keySet());
      }
      return v;
    }

    /** Answers with {@code status}; only when statuses were counted. */
    long answered(int status) {
      return statuses.getOrDefault(status, 0L);
    }
  }

  /** A warm-up run (its output kept, its figures not), then the measured run. */
  Result measure(String name, Load load, Duration warmup, Duration duration) {
    if (!warmup.isZero()) {
      run(name + "-warmup", load, warmup);
    }
    return run(name, load, duration);
  }

  /** Runs wrk for {@code duration} (whole seconds) and parses its output, kept in {@code wrk-<name>.txt}. */
  Result run(String name, Load load, Duration duration) {
    long seconds = Math.max(1, duration.toSeconds());
    List<String> command = new ArrayList<>(List.of(binary.toString(), "-t1", "-c" + load.connections(),
        "-d" + seconds + "s", "--latency", "--timeout", "10s", "-s", script.toString(), load.url(), "--",
        load.method(), load.pathPrefix(), Integer.toString(load.keys()), Integer.toString(load.valueBytes())));
    if (load.countStatuses()) {
      command.add("statuses");
    }
    String output = Programs.run(command, outDir.resolve("wrk-" + name + ".txt"), Duration.ofSeconds(seconds + 60));
    return parse(name, String.join(" ", command), output);
  }

  /** Reads wrk's summary and the script's {@code logkv-wrk} line; fails if either is not there. */
  static Result parse(String name, String command, String output) {
    Matcher rps = REQUESTS_PER_SECOND.matcher(output);
    if (!rps.find()) {
      throw new IllegalStateException("no Requests/sec in wrk's output:\n" + output);
    }
    String summaryLine = output.lines().filter(l -> l.startsWith(SUMMARY_PREFIX)).findFirst()
        .orElseThrow(() -> new IllegalStateException("no '" + SUMMARY_PREFIX + "' line in wrk's output (did "
            + SCRIPT + " load?):\n" + output));
    JsonNode summary;
    try {
      summary = Results.JSON.readTree(summaryLine.substring(SUMMARY_PREFIX.length()));
    } catch (IOException e) {
      throw new IllegalStateException("unreadable summary from " + SCRIPT + ": " + summaryLine, e);
    }

    Map<String, Long> socket = new LinkedHashMap<>();
    Matcher se = SOCKET_ERRORS.matcher(output);
    boolean any = se.find();
    String[] kinds = {"connect", "read", "write", "timeout"};
    for (int i = 0; i < kinds.length; i++) {
      socket.put(kinds[i], any ? Long.parseLong(se.group(i + 1)) : 0L);
    }
    Matcher non2xx = NON_2XX.matcher(output);
    long errorAnswers = non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0;
    // The script sees the same counters; take the larger, so neither source can hide an error.
    errorAnswers = Math.max(errorAnswers, summary.path("errors").path("status").asLong());
    for (String kind : kinds) {
      socket.merge(kind, summary.path("errors").path(kind).asLong(), Math::max);
    }

    Map<String, Double> latency = new LinkedHashMap<>();
    Matcher d = DISTRIBUTION.matcher(output);
    while (d.find()) {
      latency.put("p" + d.group(1), toMillis(Double.parseDouble(d.group(2)), d.group(3)));
    }
    if (latency.size() != 4) {
      throw new IllegalStateException("no latency distribution (--latency) in wrk's output:\n" + output);
    }
    TreeMap<Double, Double> curve = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = summary.path("latency_us").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      curve.put(Double.parseDouble(e.getKey()), e.getValue().asDouble() / 1000.0);
    }
    latency.put("p99.9", curve.getOrDefault(99.9, Double.NaN));
    latency.put("max", curve.getOrDefault(100.0, Double.NaN));

    Map<Integer, Long> statuses = new TreeMap<>();
    summary.path("statuses").fields().forEachRemaining(e -> statuses.put(Integer.parseInt(e.getKey()), e.getValue().asLong()));
    long requests = summary.path("requests").asLong();
    double seconds = summary.path("duration_us").asDouble() / 1e6;
    return new Result(name, command, requests, seconds, Double.parseDouble(rps.group(1)), socket, errorAnswers, latency,
        curve, statuses);
  }

  private static double toMillis(double value, String unit) {
    return switch (unit) {
      case "us" -> value / 1000.0;
      case "ms" -> value;
      case "s" -> value * 1000.0;
      case "m" -> value * 60_000.0;
      case "h" -> value * 3_600_000.0;
      default -> throw new IllegalArgumentException("unknown time unit in wrk's output: " + unit);
    };
  }
}
