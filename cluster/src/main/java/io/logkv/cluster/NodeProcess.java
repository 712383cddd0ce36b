package io.logkv.cluster;

import io.logkv.kafkalocal.ChildProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One logkv node run as a child process ({@code io.logkv.store.Main} on this JVM's class path),
 * on a port fixed for its whole life, so a restarted node comes back where nginx expects it.
 */
public final class NodeProcess implements AutoCloseable {
  private final String id;
  private final int port;
  private final ChildProcess process;
  /** Whether the node should be running: set by start, cleared by stop and kill. */
  private volatile boolean wanted;
  private volatile java.util.function.Consumer<NodeProcess> onUnexpectedExit = n -> { };

  /** @param classPath the node's class path; null: this JVM's own */
  NodeProcess(String id, int port, String bootstrapServers, Path dataDir, Path logFile, List<String> jvmOptions,
      List<String> extraArgs, String classPath) {
    this.id = id;
    this.port = port;
    List<String> args = new ArrayList<>(List.of(
        "--bootstrap-servers", bootstrapServers,
        "--node-id", id,
        "--port", Integer.toString(port),
        "--data-dir", dataDir.toString()));
    args.addAll(extraArgs);
    this.process = classPath == null
        ? ChildProcess.java(id, jvmOptions, "io.logkv.store.Main", args, logFile)
        : ChildProcess.java(id, jvmOptions, classPath, "io.logkv.store.Main", args, logFile);
  }

  public String id() {
    return id;
  }

  public int port() {
    return port;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public ChildProcess process() {
    return process;
  }

  /** Starts the process; {@link #awaitReady} waits until it serves data. */
  public synchronized NodeProcess start() {
    process.start();
    wanted = true;
    process.onExit().thenRun(() -> {
      if (wanted && !process.isAlive()) {
        onUnexpectedExit.accept(this);
      }
    });
    return this;
  }

  /**
   * Called (on another thread) when the node exits without having been stopped or killed through
   * this object: it crashed, or was killed from outside.
   */
  void onUnexpectedExit(java.util.function.Consumer<NodeProcess> listener) {
    this.onUnexpectedExit = listener;
  }

  /** Waits until /health/ready answers 200, failing early (with the node's log) if it exits. */
  public NodeProcess awaitReady(Duration timeout) {
    process.awaitReady(this::isReady, timeout, "ready at " + url());
    return this;
  }

  public boolean isReady() {
    return HttpProbe.answers200(url() + "/health/ready");
  }


  /** SIGTERM: a clean stop. */
  public void stop() {
    wanted = false;
    process.stop(Duration.ofSeconds(20));
  }

  /** SIGKILL: a crash (wanted: a supervising cluster does not restart it). */
  public void kill() {
    wanted = false;
    process.kill();
  }

  /** SIGSTOP: the node hangs with its sockets open. */
  public void pause() {
    process.pause();
  }

  /** SIGCONT. */
  public void resume() {
    process.resume();
  }

  /** Stops the node (cleanly) if it runs, starts it again and waits until it is ready. */
  public NodeProcess restart(Duration readyTimeout) {
    stop();
    return start().awaitReady(readyTimeout);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return id + " " + url() + " " + process;
  }
}
