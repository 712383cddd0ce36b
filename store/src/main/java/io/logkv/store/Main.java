package io.logkv.store;

import io.logkv.store.config.NodeConfig;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.ParameterException;

/** {@code java -jar logkv-store.jar --bootstrap-servers HOST:PORT [options]}; {@code --help} lists them. */
public final class Main {
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
      node = Node.start(config);
    } catch (RuntimeException e) {
      System.err.println("logkv node failed to start: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  node.close();
                  stopped.countDown();
                },
                "shutdown"));
    stopped.await();
  }
}
