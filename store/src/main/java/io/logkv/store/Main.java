package io.logkv.store;

import io.logkv.store.config.NodeConfig;
import io.logkv.store.log.Ticker;
import java.time.InstantSource;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ParameterException;

/**
 * {@code java -jar logkv-store.jar --bootstrap-servers HOST:PORT [options]}; {@code --help} lists them.
 *
 * <p>Exit status: 0 after a clean stop (SIGTERM), 1 when the node cannot start, 2 for bad options,
 * {@value #FATAL_EXIT_STATUS} when a running node can no longer work (its applier stopped): the
 * process exits rather than stay up answering 503 forever, so a supervisor (the launcher, Docker's
 * restart policy) starts it again. Run it with {@code -XX:+ExitOnOutOfMemoryError} for the same
 * reason (the launcher and the Docker image do).
 */
public final class Main {
  /** First of all, before logging starts: where the node's start-up timeline begins. */
  private static final long ENTERED_NANOS = System.nanoTime();
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  /** The applier stopped on an error the node cannot recover from. */
  public static final int FATAL_EXIT_STATUS = 70;

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    NodeConfig config;
    try {
      config = NodeConfig.parse(args, System.getenv());
    } catch (ParameterException e) {
      System.err.println(e.getMessage());
      System.err.println("Try --help for the options.");
      System.exit(2);
      return;
    }
    if (config.helpOnly()) {
      return;
    }
    Node node;
    try {
      node = Node.start(config, InstantSource.system(), Ticker.system(), StartupTimeline.fromMain(ENTERED_NANOS), failure -> {
        LOG.error("FATAL: node {} can no longer apply the log ({}); exiting with status {} so that it is restarted",
            config.nodeId(), failure, FATAL_EXIT_STATUS);
        // Not on the applier's thread: exit runs the shutdown hook, which waits for that thread.
        new Thread(() -> System.exit(FATAL_EXIT_STATUS), "fatal-exit").start();
      });
    } catch (RuntimeException e) {
      System.err.println("logkv node failed to start: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      node.close();
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
  }
}
