package io.logkv.store;

import io.logkv.kafkalocal.KafkaBroker;
import io.logkv.kafkalocal.TempDirs;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Kafka broker for every test class that uses this extension, started once per test JVM
 * and stopped when the run ends. Tests isolate themselves with a topic of their own.
 */
public final class SharedBroker implements BeforeAllCallback {
  private static KafkaBroker broker;

  @Override
  public void beforeAll(ExtensionContext context) {
    bootstrapServers(context);
  }

  /** The shared broker's bootstrap address; starts the broker on first use. */
  static synchronized String bootstrapServers(ExtensionContext context) {
    if (broker == null) {
      Path dir = TempDirs.create("logkv-test-kafka");
      // The log cleaner looks for work every 200 ms instead of 15 s, so a test can see compaction
      // remove records (ResurrectionIT); every other test's topic is compacted too, as in production.
      KafkaBroker started = KafkaBroker.builder(dir).config("log.cleaner.backoff.ms", "200").build().start();
      broker = started;
      context
          .getRoot()
          .getStore(ExtensionContext.Namespace.GLOBAL)
          .put(
              "logkv-shared-broker",
              (AutoCloseable)
                  () -> {
                    started.close();
                    TempDirs.deleteRecursively(dir);
                  });
    }
    return broker.bootstrapServers();
  }

  static synchronized String bootstrapServers() {
    if (broker == null) {
      throw new IllegalStateException("annotate the test class with @ExtendWith(SharedBroker.class)");
    }
    return broker.bootstrapServers();
  }
}
