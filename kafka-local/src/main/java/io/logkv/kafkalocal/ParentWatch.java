package io.logkv.kafkalocal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Entry point of every Java child: runs the real main class and halts the JVM when standard input
 * reaches end of file, which happens when the parent dies, however it dies. Without it a launcher
 * killed with SIGKILL would leave brokers and nodes holding their ports.
 *
 * <p>Usage: {@code java -cp ... io.logkv.kafkalocal.ParentWatch <main class> [args...]}.
 */
public final class ParentWatch {
  private ParentWatch() {}

  public static void main(String[] args) throws Throwable {
    if (args.length < 1) {
      System.err.println("usage: ParentWatch <main class> [args...]");
      System.exit(2);
    }
    Thread watcher = new Thread(ParentWatch::haltAtEndOfInput, "parent-watch");
    watcher.setDaemon(true);
    watcher.start();
    Method main = Class.forName(args[0]).getMethod("main", String[].class);
    main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
  }

  private static void haltAtEndOfInput() {
    InputStream in = System.in;
    byte[] buffer = new byte[256];
    try {
      while (in.read(buffer) >= 0) {
        // the parent never writes; anything read is ignored
      }
    } catch (IOException e) {
      // a broken pipe means the same thing as end of file
    }
    System.err.println("parent process is gone; exiting");
    // Orderly exit runs shutdown hooks (the broker closes its logs cleanly); halt if that hangs.
    Thread halter =
        new Thread(
            () -> {
              try {
                Thread.sleep(10_000);
              } catch (InterruptedException ignored) {
                // exiting anyway
              }
              Runtime.getRuntime().halt(1);
            },
            "parent-watch-halt");
    halter.setDaemon(true);
    halter.start();
    System.exit(1);
  }
}
