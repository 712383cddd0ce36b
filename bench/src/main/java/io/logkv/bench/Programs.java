package io.logkv.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short-lived external program (wrk, redis-benchmark) to its end, within a time limit. */
final class Programs {
  private Programs() {}

  /**
   * Runs {@code command} with its output (standard and error) going to {@code output}, which
   * starts with the command line; returns the output. A program still running after {@code
   * timeout} is killed, and that, like a non-zero exit, is an exception with the output in it.
   */
  static String run(List<String> command, Path output, Duration timeout) {
    try {
      Files.createDirectories(output.toAbsolutePath().getParent());
      Path raw = Files.createTempFile(output.toAbsolutePath().getParent(), ".run-", ".txt");
      try {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(raw.toFile()).start();
        p.getOutputStream().close();
        boolean exited = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!exited) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String out = Files.readString(raw, StandardCharsets.UTF_8);
        Files.writeString(output, String.join(" ", command) + "\n\n" + out, StandardCharsets.UTF_8);
        if (!exited) {
          throw new IllegalStateException(command.get(0) + " did not finish within " + timeout.toSeconds() + " s and was killed ("
              + String.join(" ", command) + "); its output:\n" + tail(out));
        }
        if (p.exitValue() != 0) {
          throw new IllegalStateException(command.get(0) + " exited with " + p.exitValue() + " (" + String.join(" ", command)
              + "); its output:\n" + tail(out));
        }
        return out;
      } finally {
        Files.deleteIfExists(raw);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command.get(0), e);
    }
  }

  private static String tail(String out) {
    List<String> lines = out.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
