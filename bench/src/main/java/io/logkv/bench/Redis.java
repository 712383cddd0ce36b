package io.logkv.bench;

import io.logkv.kafkalocal.ChildProcess;
import io.logkv.kafkalocal.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Redis, the peer a user would pick instead of logkv: a redis-server this class starts on a free
 * loopback port without persistence ({@code --save '' --appendonly no}), measured with
 * redis-benchmark at logkv's concurrency, unpipelined, over as many keys with values as large.
 */
final class Redis implements AutoCloseable {
  private static final Duration WARMUP_TIMEOUT = Duration.ofMinutes(2);
  private final Path benchmark;
  private final Path outDir;
  private final int port = FreePorts.next();
  private final ChildProcess server;

  /**
   * @param workDir redis-server's working directory and log
   * @param outDir where each run's raw output goes ({@code redis-<name>.csv})
   */
  Redis(Path redisServer, Path redisBenchmark, Path workDir, Path outDir) {
    this.benchmark = redisBenchmark;
    this.outDir = outDir;
    this.server = ChildProcess.shellWatched("redis-server", List.of(redisServer.toString(),
        "--port", Integer.toString(port), "--bind", "127.0.0.1", "--protected-mode", "yes",
        "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", workDir.toAbsolutePath().toString()),
        workDir.resolve("redis-server.log"));
  }

  Redis start() {
    server.start();
    server.awaitReady(() -> FreePorts.isListening(port) && command("PING").equals("+PONG"), Duration.ofSeconds(20),
        "answering PING on " + port);
    return this;
  }

  int port() {
    return port;
  }

  /**
   * One redis-benchmark run, as parsed from its {@code --csv} output.
   *
   * @param test SET or GET
   * @param rps requests per second
   */
  record Result(String name, String command, String test, int clients, long requests, double rps, double avgMs,
      double minMs, double p50Ms, double p95Ms, double p99Ms, double maxMs) {}

  /**
   * A warm-up run of {@code warmupRequests} that also calibrates, then a run sized to last about
   * {@code duration} at the warm-up's rate.
   */
  Result measure(String name, String test, int clients, int valueBytes, int keys, long warmupRequests, Duration duration) {
    Result warm = run(name + "-warmup", test, clients, valueBytes, keys, warmupRequests, WARMUP_TIMEOUT);
    long requests = Math.max(1_000, (long) (warm.rps() * duration.toMillis() / 1000.0));
    return run(name, test, clients, valueBytes, keys, requests, duration.multipliedBy(3).plusSeconds(30));
  }

  /**
   * {@code redis-benchmark -t <test> -c <clients> -d <valueBytes> -r <keys> -P 1 -n <requests> --csv},
   * killed after {@code timeout}: redis-benchmark does not give up on a server that went away.
   */
  Result run(String name, String test, int clients, int valueBytes, int keys, long requests, Duration timeout) {
    if (!server.isAlive()) {
      throw new IllegalStateException("redis-server is not running (exit code " + server.exitCode() + "); its log:\n"
          + server.logTail(20));
    }
    List<String> command = List.of(benchmark.toString(), "-h", "127.0.0.1", "-p", Integer.toString(port),
        "-t", test.toLowerCase(Locale.ROOT), "-c", Integer.toString(clients), "-d", Integer.toString(valueBytes),
        "-r", Integer.toString(keys), "-P", "1", "-n", Long.toString(requests), "--csv");
    String output = Programs.run(command, outDir.resolve("redis-" + name + ".csv"), timeout);
    return parse(name, String.join(" ", command), clients, requests, output);
  }

  /**
   * Reads the CSV redis-benchmark 7 prints: a header naming rps, avg, min, p50, p95, p99 and max
   * latency (ms), then one row per test. Any other line (an error from the server) fails the run.
   */
  static Result parse(String name, String command, int clients, long requests, String output) {
    List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
    int header = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("\"test\",")) {
        header = i;
      }
    }
    if (header < 0 || header + 2 != lines.size()) {
      throw new IllegalStateException("unexpected output from redis-benchmark (one CSV header and one row expected):\n"
          + output);
    }
    List<String> names = cells(lines.get(header));
    List<String> values = cells(lines.get(header + 1));
    if (!names.equals(List.of("test", "rps", "avg_latency_ms", "min_latency_ms", "p50_latency_ms", "p95_latency_ms",
        "p99_latency_ms", "max_latency_ms")) || values.size() != names.size()) {
      throw new IllegalStateException("unexpected CSV columns from redis-benchmark:\n" + output);
    }
    double[] v = new double[7];
    for (int i = 0; i < 7; i++) {
      v[i] = Double.parseDouble(values.get(i + 1));
    }
    return new Result(name, command, values.get(0), clients, requests, v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
  }

  private static List<String> cells(String line) {
    return java.util.Arrays.stream(line.split(",")).map(c -> c.replace("\"", "").trim()).toList();
  }

  /** The number of keys the server holds. */
  long keyCount() {
    String answer = command("DBSIZE");
    if (!answer.startsWith(":")) {
      throw new IllegalStateException("unexpected answer to DBSIZE: " + answer);
    }
    return Long.parseLong(answer.substring(1));
  }

  /** Sends a one-word command and returns the first line of the answer ("" when it cannot connect). */
  private String command(String word) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      out.write(("*1\r\n$" + word.length() + "\r\n" + word + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c >= 0 && c != '\r'; c = in.read()) {
        line.append((char) c);
      }
      return line.toString();
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    server.stop(Duration.ofSeconds(10));
  }
}
