package io.logkv.store.log;

import io.logkv.store.cache.Cache;
import io.logkv.store.cache.Entry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that applies the log to the cache.
 *
 * <p>It assigns itself every partition (no consumer group: each node needs all data), replays from
 * the start until it reaches the end offsets fetched when it began (the catch-up target), signals
 * {@link #caughtUp()}, and then keeps applying forever. Records of one partition are applied in
 * offset order; after each poll the applied position of every partition is advanced, which wakes
 * the requests waiting for it. The applier never takes a lock that readers wait on: the cache is a
 * concurrent map and positions are atomics.
 *
 * <p>If the broker goes away, poll simply returns nothing and the consumer reconnects by itself;
 * reads go on being served from the cache meanwhile.
 */
public final class Applier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Applier.class);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final LogTopic topic;
  private final Cache cache;
  private final AppliedPositions positions;
  private final InstantSource clock;
  private final List<TopicPartition> partitions = new ArrayList<>();
  private final ReplayProgress replay = new ReplayProgress();
  private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
  private final AtomicLong recordsApplied = new AtomicLong();
  private final AtomicLong recordsSkipped = new AtomicLong();
  private final Thread thread;
  private volatile boolean closing;
  private volatile boolean started;
  private volatile Throwable failure;

  public Applier(
      String bootstrapServers,
      String clientId,
      LogTopic topic,
      Cache cache,
      AppliedPositions positions,
      InstantSource clock) {
    this.topic = topic;
    this.cache = cache;
    this.positions = positions;
    this.clock = clock;
    for (int p = 0; p < topic.partitions(); p++) {
      partitions.add(new TopicPartition(topic.name(), p));
    }
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-applier");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // Never skip data silently: a position outside the log is an error, not a reset.
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(8 * 1024 * 1024));
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(64 * 1024 * 1024));
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
    props.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
    props.put(ConsumerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "500");
    props.put(ConsumerConfig.RECEIVE_BUFFER_CONFIG, Integer.toString(1024 * 1024));
    this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::run, clientId + "-applier");
    this.thread.setDaemon(true);
  }

  /** Starts applying from the beginning of every partition. */
  public void start() {
    started = true;
    thread.start();
  }

  /** Completes when the node has applied everything that was in the log when it started. */
  public CompletableFuture<Void> caughtUp() {
    return caughtUp;
  }

  public ReplayProgress replay() {
    return replay;
  }

  public long recordsApplied() {
    return recordsApplied.get();
  }

  /** Records of a format this version cannot read; each is logged. */
  public long recordsSkipped() {
    return recordsSkipped.get();
  }

  /** Non-null once the applier has stopped on an error it cannot recover from. */
  public Throwable failure() {
    return failure;
  }

  private void run() {
    try {
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long[] start = new long[partitions.size()];
      for (TopicPartition tp : partitions) {
        start[tp.partition()] = position(tp);
      }
      long[] target = catchUpTarget();
      if (target == null) {
        return; // closed before the broker answered
      }
      replayTo(start, target);
      while (!closing) {
        applyBatch(consumer.poll(Duration.ofMillis(200)));
      }
    } catch (WakeupException e) {
      if (!closing) {
        fail(e);
      }
    } catch (OffsetOutOfRangeException e) {
      fail(new LogException(
          "the log no longer holds the records this node needs (" + e.getMessage()
              + "); restart the node to replay from the start", e));
    } catch (RuntimeException | Error e) {
      fail(e);
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private void fail(Throwable e) {
    failure = e;
    LOG.error("the applier stopped: {}", e.toString(), e);
    caughtUp.completeExceptionally(e);
  }

  /** The end offsets when replay starts; retried until the broker answers or the node closes. */
  private long[] catchUpTarget() {
    while (!closing) {
      try {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(5));
        long[] target = new long[partitions.size()];
        ends.forEach((tp, end) -> target[tp.partition()] = end);
        return target;
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        LOG.warn("waiting for the broker to learn the end of the log: {}", e.getMessage());
      }
    }
    return null;
  }

  private void replayTo(long[] start, long[] target) {
    long total = 0;
    for (int p = 0; p < target.length; p++) {
      total += Math.max(0, target[p] - start[p]);
    }
    long began = System.nanoTime();
    replay.begin("log", total, began);
    LOG.info("replaying {} offsets of {} to catch up (target {})", total, topic.name(), AppliedPositions.describe(target));
    long lastReport = began;
    long lastRecords = 0;
    while (!closing && !reached(target)) {
      applyBatch(consumer.poll(Duration.ofMillis(200)));
      long now = System.nanoTime();
      replay.progress(recordsApplied.get(), replayed(start, target));
      if (now - lastReport >= 1_000_000_000L) {
        long records = recordsApplied.get();
        LOG.info(
            "replay: {} records, {} records/s, {}%",
            records,
            Math.round((records - lastRecords) / ((now - lastReport) / 1e9)),
            String.format("%.1f", replay.percent()));
        lastReport = now;
        lastRecords = records;
      }
    }
    if (closing) {
      return;
    }
    replay.progress(recordsApplied.get(), total);
    replay.finish(System.nanoTime());
    LOG.info(
        "caught up: {} records replayed in {} s ({} records/s); {} keys in memory",
        replay.records(),
        String.format("%.3f", replay.seconds()),
        Math.round(replay.rate()),
        cache.size());
    caughtUp.complete(null);
  }

  private boolean reached(long[] target) {
    for (int p = 0; p < target.length; p++) {
      if (positions.nextOffset(p) < target[p]) {
        return false;
      }
    }
    return true;
  }

  private long replayed(long[] start, long[] target) {
    long done = 0;
    for (int p = 0; p < target.length; p++) {
      done += Math.max(0, Math.min(positions.nextOffset(p), target[p]) - start[p]);
    }
    return done;
  }

  private void applyBatch(ConsumerRecords<byte[], byte[]> records) {
    if (!records.isEmpty()) {
      long now = clock.millis();
      for (ConsumerRecord<byte[], byte[]> r : records) {
        apply(r, now);
      }
      recordsApplied.addAndGet(records.count());
    }
    // Positions move past compacted gaps too, so ask the consumer rather than the last record.
    for (TopicPartition tp : partitions) {
      positions.advance(tp.partition(), position(tp));
    }
  }

  private void apply(ConsumerRecord<byte[], byte[]> r, long nowMillis) {
    if (r.key() == null) {
      skip(r, "record without a key");
      return;
    }
    String key = new String(r.key(), StandardCharsets.UTF_8);
    byte[] value = r.value();
    if (value == null) {
      cache.applyDelete(key);
    } else if (!RecordCodec.isReadable(value)) {
      skip(r, "unknown record format " + (value.length > 0 ? value[0] : -1));
    } else {
      Entry entry = new Entry(value, r.partition(), r.offset());
      if (entry.isLiveAt(nowMillis)) {
        cache.applyPut(key, entry);
      } else {
        // Already expired: the key's state is "absent", and keeping it would only cost memory.
        cache.applyDelete(key);
      }
    }
  }

  private void skip(ConsumerRecord<byte[], byte[]> r, String why) {
    recordsSkipped.incrementAndGet();
    LOG.error("skipping record {}:{} of {}: {}", r.partition(), r.offset(), topic.name(), why);
  }

  private long position(TopicPartition tp) {
    return consumer.position(tp, Duration.ofSeconds(30));
  }

  /** Stops the thread and closes the consumer; idempotent. */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    if (!started) {
      consumer.close(Duration.ZERO);
      return;
    }
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!caughtUp.isDone()) {
      caughtUp.completeExceptionally(new LogException("the node closed before it caught up"));
    }
  }


}
