package io.logkv.kafkalocal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One supervised child process whose standard output and error go to a log file.
 *
 * <p>Orphan protection: the child's standard input is a pipe that this process never writes to.
 * Java children are started through {@link ParentWatch}, which exits when that pipe reaches end of
 * file, and that happens when this process dies for any reason, SIGKILL included. Non-Java
 * children get the same from a shell wrapper (see {@link #shellWatched}). {@link #close()} is
 * idempotent: SIGTERM, a grace period, then SIGKILL.
 */
public final class ChildProcess implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);

  private final String name;
  private final List<String> command;
  private final Path logFile;
  private final Map<String, String> environment;
  private volatile Process process;

  private ChildProcess(String name, List<String> command, Path logFile, Map<String, String> env) {
    this.name = name;
    this.command = List.copyOf(command);
    this.logFile = logFile;
    this.environment = Map.copyOf(env);
  }

  /**
   * A Java child running {@code mainClass} on this JVM's class path, watched by {@link
   * ParentWatch}.
   */
  public static ChildProcess java(
      String name, List<String> jvmOptions, String mainClass, List<String> args, Path logFile) {
    return java(name, jvmOptions, System.getProperty("java.class.path"), mainClass, args, logFile);
  }

  /**
   * A Java child running {@code mainClass} on {@code classPath}, which must also hold {@link
   * ParentWatch} (this module's jar).
   */
  public static ChildProcess java(
      String name, List<String> jvmOptions, String classPath, String mainClass, List<String> args, Path logFile) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add(ParentWatch.class.getName());
    cmd.add(mainClass);
    cmd.addAll(args);
    return new ChildProcess(name, cmd, logFile, Map.of());
  }

  /**
   * A non-Java child run by {@code sh}: the program runs in the background and is sent SIGTERM
   * when this process goes away (standard input closes) or when the wrapper itself gets SIGTERM.
   */
  public static ChildProcess shellWatched(String name, List<String> command, Path logFile) {
    StringBuilder quoted = new StringBuilder();
    for (String part : command) {
      quoted.append('\'').append(part.replace("'", "'\\''")).append("' ");
    }
    // A background job's standard input is /dev/null unless redirected, hence fd 3.
    String script =
        "exec 3<&0; "
            + quoted
            + "& child=$!; "
            + "trap 'kill -TERM $child 2>/dev/null; wait $child; exit 0' TERM INT; "
            + "(cat <&3 >/dev/null; kill -TERM $$ 2>/dev/null) & "
            + "wait $child";
    return new ChildProcess(name, List.of("sh", "-c", script), logFile, Map.of());
  }

  public String name() {
    return name;
  }

  public Path logFile() {
    return logFile;
  }

  /** Starts the process; output is appended to the log file, so restarts keep earlier output. */
  public synchronized ChildProcess start() {
    if (isAlive()) {
      throw new IllegalStateException(name + " is already running");
    }
    try {
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .redirectInput(ProcessBuilder.Redirect.PIPE);
      builder.environment().putAll(environment);
      process = builder.start();
      LOG.debug("started {} (pid {}): {}", name, process.pid(), command);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name + ": " + e.getMessage(), e);
    }
  }

  public boolean isAlive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  public long pid() {
    Process p = process;
    if (p == null) {
      throw new IllegalStateException(name + " was never started");
    }
    return p.pid();
  }

  /** SIGTERM, then SIGKILL if the process has not exited within {@code grace}. */
  public synchronized void stop(Duration grace) {
    Process p = process;
    if (p == null || !p.isAlive()) {
      return;
    }
    resume(); // a stopped process cannot handle SIGTERM
    p.destroy();
    if (!waitFor(p, grace)) {
      LOG.warn("{} did not exit within {} ms of SIGTERM; sending SIGKILL", name, grace.toMillis());
      kill();
    }
  }

  /** SIGKILL, and wait until the process is gone. */
  public synchronized void kill() {
    Process p = process;
    if (p == null || !p.isAlive()) {
      return;
    }
    p.destroyForcibly();
    waitFor(p, Duration.ofSeconds(30));
    closeStdin(p);
  }

  /** SIGSTOP: the process freezes, holding its sockets open. */
  public void pause() {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause()}. */
  public void resume() {
    signal("CONT");
  }

  /** Completes when the process started last exits (at once if it is not running). */
  public java.util.concurrent.CompletableFuture<ChildProcess> onExit() {
    Process p = process;
    if (p == null) {
      return java.util.concurrent.CompletableFuture.completedFuture(this);
    }
    return p.onExit().thenApply(ignored -> this);
  }

  /** Waits until the process has exited; false if it is still running after {@code timeout}. */
  public boolean awaitExit(Duration timeout) {
    Process p = process;
    return p == null || waitFor(p, timeout);
  }

  /** The process's exit code, or -1 while it runs. */
  public int exitCode() {
    Process p = process;
    return p == null || p.isAlive() ? -1 : p.exitValue();
  }

  /** The tail of the log file, for error messages. */
  public String logTail(int maxLines) {
    try {
      if (!Files.exists(logFile)) {
        return "(no output)";
      }
      if (!Files.isRegularFile(logFile)) {
        // e.g. a container's standard output: reading a pipe this process writes would never end
        return "(the output went to " + logFile + ", which is not a file)";
      }
      List<String> lines = Files.readAllLines(logFile);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - maxLines), lines.size()));
    } catch (IOException e) {
      return "(could not read " + logFile + ": " + e.getMessage() + ")";
    }
  }

  /**
   * Polls {@code ready} until it holds; fails early, with the log's tail, if the process exits.
   */
  public void awaitReady(BooleanSupplier ready, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (ready.getAsBoolean()) {
        return;
      }
      if (!isAlive()) {
        throw new IllegalStateException(
            name + " exited (code " + exitCode() + ") before " + what + "; its output:\n"
                + logTail(40));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            name + " not " + what + " after " + timeout.toMillis() + " ms; its output:\n"
                + logTail(40));
      }
      sleep(Duration.ofMillis(50));
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(15));
  }

  @Override
  public String toString() {
    return name + (isAlive() ? " (pid " + pid() + ")" : " (not running)");
  }

  private void signal(String signal) {
    Process p = process;
    if (p == null || !p.isAlive()) {
      return;
    }
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + p.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("kill -" + signal + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending SIG" + signal, e);
    }
  }

  private static boolean waitFor(Process p, Duration timeout) {
    try {
      return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !p.isAlive();
    }
  }

  private static void closeStdin(Process p) {
    try (OutputStream in = p.getOutputStream()) {
      // closing is the point
    } catch (IOException ignored) {
      // the pipe is already gone with the process
    }
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Where {@link ParentWatch} is loaded from: a class path entry every Java child needs. */
  public static Path parentWatchLocation() {
    try {
      return Path.of(ParentWatch.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException("cannot locate ParentWatch's class path entry", e);
    }
  }
}
