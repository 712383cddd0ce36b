package io.logkv.store.log;

import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Appends records with an idempotent producer, acks=all. {@link #append} never blocks its caller
 * for long: the topic's metadata is fetched at start and kept (max idle raised), so send() only
 * blocks when the producer's buffer is full, and then for at most {@code max.block.ms}.
 *
 * <p>Every append completes within the write timeout: delivery.timeout.ms is set to it, so a
 * broker that is down turns into a failed future, never a hang.
 */
public final class LogWriter implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final LogTopic topic;
  private final long writeTimeoutMillis;

  public LogWriter(String bootstrapServers, String clientId, LogTopic topic, int maxRequestBytes,
      long writeTimeoutMillis) {
    this.topic = topic;
    this.writeTimeoutMillis = writeTimeoutMillis;
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-writer");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    // No lingering: each acknowledged write waits for its batch, and batches still form on their
    // own while requests are in flight.
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(64 * 1024));
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(maxRequestBytes));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(writeTimeoutMillis));
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(writeTimeoutMillis - 1));
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "250");
    p.put(ProducerConfig.METADATA_MAX_IDLE_CONFIG, Long.toString(365L * 24 * 3600 * 1000));
    p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
    p.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "500");
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * Fetches the topic's metadata so that later sends need not wait for it; retries until {@code
   * timeoutMillis} has passed.
   */
  public void warmUp(long timeoutMillis) {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (true) {
      try {
        producer.partitionsFor(topic.name());
        return;
      } catch (KafkaException e) {
        if (System.currentTimeMillis() > deadline) {
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

  /** The partition {@code key}'s records go to. */
  public int partitionFor(byte[] key) {
    return topic.partitionFor(key);
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
    producer.close(java.time.Duration.ofSeconds(5));
  }
}
