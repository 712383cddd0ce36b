package io.logkv.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** wrk, where it is installed: a second, C, client for the closed-model peak beside our own. */
final class Wrk {
  private Wrk() {}

  static Optional<Path> find() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path p = Path.of(dir, "wrk");
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Requests per second of a GET of {@code url}, one wrk thread, {@code connections} connections. */
  static double requestsPerSecond(Path wrk, String url, int connections, int seconds) throws Exception {
    Process p = new ProcessBuilder(List.of(wrk.toString(), "-t1", "-c" + connections, "-d" + seconds + "s", url))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("wrk failed: " + out);
    }
    Matcher m = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("no Requests/sec in wrk's output: " + out);
    }
    if (out.contains("Non-2xx")) {
      throw new IllegalStateException("wrk saw non-2xx answers: " + out);
    }
    return Double.parseDouble(m.group(1));
  }
}
