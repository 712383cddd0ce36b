package io.logkv.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.logkv.kafkalocal.ChildProcess;
import io.logkv.kafkalocal.FreePorts;
import io.logkv.store.cache.Cache;
import io.logkv.store.cache.Entry;
import io.logkv.store.log.AppliedPositions;
import io.logkv.store.log.Applier;
import io.logkv.store.log.KafkaClients;
import io.logkv.store.log.LogTopic;
import io.logkv.store.log.ReplayProgress;
import io.logkv.store.log.StartingPoint;
import io.logkv.store.log.TopicSpec;
import io.logkv.store.record.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose applier has died must not stay up answering 503 forever (a zombie): the applier
 * reports the failure, and the node's process exits with a status of its own so that a supervisor
 * starts it again.
 */
@ExtendWith(SharedBroker.class)
class ZombieIT {
  private static final Path JAR = Path.of(System.getProperty("logkv.store.jar", "target/logkv-store.jar"));

  @Test
  void anyThrowableInTheApplier_isReportedAsFatal_andStopsTheApplier() throws Exception {
    String topic = "fatal-" + UUID.randomUUID().toString().substring(0, 8);
    KafkaClients clients = KafkaClients.plain(SharedBroker.bootstrapServers(), "fatal");
    LogTopic logTopic = LogTopic.open(clients, new TopicSpec(topic, 1, (short) 0, 0, 2 << 20, 5_000), Duration.ofSeconds(30));
    CompletableFuture<Throwable> fatal = new CompletableFuture<>();
    Cache poisoned = new ThrowingCache(Cache.inMemory(), (key, entry) -> {
      if (key.equals("poison")) {
        throw new StackOverflowError("a bug in the apply path");
      }
    });
    try (Applier applier = new Applier(clients, logTopic, List.of(0), poisoned, new AppliedPositions(1), InstantSource.system(),
        StartingPoint.logStart(), System::currentTimeMillis, new Applier.Listener() {
          @Override
          public void caughtUp(ReplayProgress replay) {}

          @Override
          public void rebuilding(String why) {}

          @Override
          public void failed(Throwable failure) {
            fatal.complete(failure);
          }
        })) {
      applier.start();
      applier.firstCatchUp().get(60, java.util.concurrent.TimeUnit.SECONDS);
      produce(topic, "fine", 1);
      produce(topic, "poison", 1);
      Throwable failure = fatal.get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(failure).isInstanceOf(StackOverflowError.class).hasMessage("a bug in the apply path");
      assertThat(applier.failure()).isSameAs(failure);
      assertThat(applier.isCaughtUp()).isFalse();
    }
  }

  @Test
  @Timeout(300)
  void nodeProcessWhoseApplierRunsOutOfMemory_exitsWithStatus70_insteadOfStayingUp(@TempDir Path dir)
      throws Exception {
    String topic = "oom-" + UUID.randomUUID().toString().substring(0, 8);
    LogTopic.open(KafkaClients.plain(SharedBroker.bootstrapServers(), "oom-setup"),
        new TopicSpec(topic, 1, (short) 0, 0, 2 << 20, 5_000), Duration.ofSeconds(30));
    produce(topic, "big", 160); // 160 x 512 KiB: far more than the node's 48 MiB heap holds
    int port = FreePorts.next();
    // Without -XX:+ExitOnOutOfMemoryError (which would end the JVM with status 3 first), the
    // applier's own handling is what is tested.
    ChildProcess node = ChildProcess.java("oom", List.of("-Xmx48m", "-XX:+UseSerialGC"), JAR.toAbsolutePath()
            + java.io.File.pathSeparator + ChildProcess.parentWatchLocation(), Main.class.getName(),
        List.of("--bootstrap-servers", SharedBroker.bootstrapServers(), "--topic", topic, "--partitions", "1",
            "--port", Integer.toString(port), "--node-id", "oom", "--data-dir", dir.toString(),
            "--snapshot-interval", "off", "--max-value-bytes", "1MiB"),
        dir.resolve("oom.log"));
    node.start();
    try {
      assertThat(node.awaitExit(Duration.ofSeconds(120))).as("the node exits; its log:\n" + node.logTail(40)).isTrue();
      assertThat(node.exitCode()).as(node.logTail(40)).isEqualTo(Main.FATAL_EXIT_STATUS);
      assertThat(Files.readString(dir.resolve("oom.log"))).contains("FATAL: node oom can no longer apply the log")
          .contains("OutOfMemoryError");
    } finally {
      node.kill();
    }
  }

  private static void produce(String topic, String keyPrefix, int count) {
    Properties p = new Properties();
    p.put("bootstrap.servers", SharedBroker.bootstrapServers());
    p.put("acks", "all");
    p.put("max.request.size", Integer.toString(2 << 20));
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      byte[] value = new byte[count > 1 ? 512 * 1024 : 10];
      for (int i = 0; i < count; i++) {
        String key = count > 1 ? keyPrefix + "-" + i : keyPrefix;
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
            RecordCodec.encode(value, 0, System.currentTimeMillis())));
      }
      producer.flush();
    }
  }

  /** A cache that runs {@code beforePut} before each put: a fault planted in the apply path. */
  private record ThrowingCache(Cache delegate, BiConsumer<String, Entry> beforePut) implements Cache {
    @Override
    public Entry get(String key, long nowMillis) {
      return delegate.get(key, nowMillis);
    }

    @Override
    public Entry get(String key, InstantSource clock) {
      return delegate.get(key, clock);
    }

    @Override
    public void applyPut(String key, Entry entry) {
      beforePut.accept(key, entry);
      delegate.applyPut(key, entry);
    }

    @Override
    public void applyDelete(String key) {
      delegate.applyDelete(key);
    }

    @Override
    public int removeExpired(long nowMillis) {
      return delegate.removeExpired(nowMillis);
    }

    @Override
    public long size() {
      return delegate.size();
    }

    @Override
    public long bytes() {
      return delegate.bytes();
    }

    @Override
    public long estimateBytes(String key, int valueLength) {
      return delegate.estimateBytes(key, valueLength);
    }

    @Override
    public void forEachLive(long nowMillis, BiConsumer<String, Entry> visitor) {
      delegate.forEachLive(nowMillis, visitor);
    }

    @Override
    public List<String> keys(String prefix, String after, int limit, long nowMillis) {
      return delegate.keys(prefix, after, limit, nowMillis);
    }

    @Override
    public List<String> keys(String prefix, String after, int limit, long nowMillis,
        java.util.function.IntPredicate partitions) {
      return delegate.keys(prefix, after, limit, nowMillis, partitions);
    }

    @Override
    public void clear() {
      delegate.clear();
    }

    @Override
    public void reserve(long expectedKeys) {
      delegate.reserve(expectedKeys);
    }
  }
}
