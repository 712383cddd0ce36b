package io.logkv.store.log;

import io.logkv.store.record.Position;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends records with an idempotent producer, acks=all. {@link #append} does not block its
 * caller: the topic's metadata is fetched at start and kept (max idle raised), and the {@link
 * Replicator} admits no more bytes than half of the producer's buffer, so send() never waits for
 * buffer space; {@code max.block.ms} is a last guard, not a wait anyone relies on.
 *
 * <p>Every append completes within the write timeout: delivery.timeout.ms is set to it, so a
 * broker that is down turns into a failed future, never a hang.
 */
public final class LogWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogWriter.class);
  /** The producer's buffer; the replicator admits at most half of it in flight. */
  public static final long BUFFER_BYTES = 64L << 20;

  private final KafkaProducer<byte[], byte[]> producer;
  private final LogTopic topic;
  private final long writeTimeoutMillis;

  /** The writer of {@code topic} with a producer from {@link #newProducer}. */
  public LogWriter(KafkaProducer<byte[], byte[]> producer, LogTopic topic, long writeTimeoutMillis) {
    this.producer = producer;
    this.topic = topic;
    this.writeTimeoutMillis = writeTimeoutMillis;
  }

  /**
   * The writer's producer. Making one contacts no broker, but loads and sets up much of the Kafka
   * client (a few hundred ms in a fresh JVM), so a starting node makes it while it checks the topic.
   */
  public static KafkaProducer<byte[], byte[]> newProducer(KafkaClients clients, int maxRequestBytes,
      long writeTimeoutMillis) {
    Properties p = clients.forRole("writer");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    // No lingering: each acknowledged write waits for its batch, and batches still form on their
    // own while requests are in flight.
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(64 * 1024));
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(BUFFER_BYTES));
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(maxRequestBytes));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(writeTimeoutMillis));
    // A third of the write timeout per attempt: when a leader hangs (paused, cut off without a
    // reset), the attempt gives up in time for the producer to learn the new leader (the
    // controller fences a silent broker within its session timeout) and retry there, inside
    // the same write timeout. Retries are safe: the producer is idempotent.
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.max(500, writeTimeoutMillis / 3)));
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "250");
    p.put(ProducerConfig.METADATA_MAX_IDLE_CONFIG, Long.toString(365L * 24 * 3600 * 1000));
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * Fetches the topic's metadata so that later sends need not wait for it; retries until {@code
   * timeout} has passed.
   */
  public void warmUp(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        producer.partitionsFor(topic.name());
        return;
      } catch (KafkaException e) {
        if (System.nanoTime() > deadline) {
          throw new LogException("the producer could not fetch metadata of " + topic.name(), e);
        }
      }
    }
  }

  /**
   * Appends a record; {@code value} null is a tombstone. The future completes with the record's
   * position once the broker has acknowledged it (acks=all), or fails with {@link
   * WriteFailedException}. Completion runs on the producer's I/O thread: keep callbacks short.
   */
  public CompletableFuture<Position> append(byte[] key, byte[] value) {
    int partition = topic.partitionFor(key);
    CompletableFuture<Position> result = new CompletableFuture<>();
    try {
      producer.send(
          new ProducerRecord<>(topic.name(), partition, key, value),
          (metadata, error) -> {
            if (error == null) {
              result.complete(new Position(metadata.partition(), metadata.offset()));
            } else {
              result.completeExceptionally(failure(error));
            }
          });
    } catch (KafkaException e) {
      // Thrown by send() itself: the record never entered the producer's buffer.
      result.completeExceptionally(
          new WriteFailedException(
              "write not accepted by the producer: " + e.getMessage(), WriteFailedException.Outcome.NOT_APPLIED, e));
    }
    return result;
  }

  public LogTopic topic() {
    return topic;
  }

  public long writeTimeoutMillis() {
    return writeTimeoutMillis;
  }

  private WriteFailedException failure(Exception error) {
    if (error instanceof TimeoutException) {
      return new WriteFailedException(
          "no acknowledgement from the broker within " + writeTimeoutMillis + " ms; the write may still appear",
          WriteFailedException.Outcome.UNKNOWN, error);
    }
    if (error instanceof InvalidTimestampException) {
      // The write fence refused this batch. It may be a retry of a batch whose first attempt was
      // appended (its acknowledgement lost), so the write may be in the log: unknown, not refused.
      LOG.warn("the broker refused a write as older than the write fence ({} ms): either the broker was"
          + " unreachable for that long, or this node's clock is behind the broker's; check clock skew"
          + " between this machine and the brokers ({})", writeTimeoutMillis, error.getMessage());
      return new WriteFailedException(
          "the broker refused the write as older than " + writeTimeoutMillis + " ms (write fence); an earlier"
              + " attempt of it may have been appended", WriteFailedException.Outcome.UNKNOWN, error);
    }
    if (error instanceof RetriableException) {
      return new WriteFailedException(
          "write failed (" + error.getClass().getSimpleName() + ": " + error.getMessage() + "); it may still appear",
          WriteFailedException.Outcome.UNKNOWN, error);
    }
    return new WriteFailedException(
        "write rejected by the broker: " + error.getClass().getSimpleName() + ": " + error.getMessage(),
        WriteFailedException.Outcome.NOT_APPLIED, error);
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
