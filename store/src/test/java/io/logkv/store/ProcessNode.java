package io.logkv.store;

import static org.awaitility.Awaitility.await;

import io.logkv.kafkalocal.ChildProcess;
import io.logkv.kafkalocal.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A node in a process of its own, on a one-partition topic of the shared broker, for tests that
 * freeze it (SIGSTOP) with its sockets open, which an in-JVM node cannot be. Killed on close.
 */
final class ProcessNode implements AutoCloseable {
  private final ChildProcess process;
  private final int port;

  private ProcessNode(ChildProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts node {@code id} on {@code topic} (snapshots off) and waits until it is ready. */
  static ProcessNode startReady(String id, String topic, Path dir, String... extraArgs) {
    return startReady(id, FreePorts.next(), topic, dir, extraArgs);
  }

  /** {@link #startReady(String, String, Path, String...)} on a given port (one a member list names). */
  static ProcessNode startReady(String id, int port, String topic, Path dir, String... extraArgs) {
    List<String> args = new ArrayList<>(List.of("--bootstrap-servers", SharedBroker.bootstrapServers(), "--topic",
        topic, "--partitions", "1", "--port", Integer.toString(port), "--node-id", id, "--data-dir", dir.toString(),
        "--snapshot-interval", "off"));
    args.addAll(List.of(extraArgs));
    ChildProcess process = ChildProcess.java(id, List.of("-Xmx256m"), Main.class.getName(), args,
        dir.resolve(id + ".log"));
    ProcessNode node = new ProcessNode(process, port);
    process.start();
    try {
      await(id + " is ready").atMost(Duration.ofSeconds(90)).ignoreExceptions()
          .failFast(id + " exited", () -> !process.isAlive())
          .until(() -> Http.get(node.url() + "/health/ready").statusCode() == 200);
    } catch (RuntimeException | Error e) {
      process.kill();
      throw e;
    }
    return node;
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  /** SIGSTOP: frozen with its sockets open, as a hung machine; the kernel keeps accepting bytes. */
  void pause() {
    process.pause();
  }

  /** SIGCONT. */
  void resume() {
    process.resume();
  }

  @Override
  public void close() {
    process.kill();
  }
}
