package io.logkv.store.log;

import io.logkv.store.cache.Cache;
import io.logkv.store.cache.Entry;
import io.logkv.store.snapshot.Snapshot;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
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
 * <p>It assigns itself every partition (no consumer group: each node needs all data), loads a
 * snapshot if one is usable (else starts at the beginning of the log), replays until it reaches
 * the end offsets fetched when it began (the catch-up target), signals
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
  private final SnapshotSource snapshots;
  private final RecordApplier recordApplier;
  private final List<TopicPartition> partitions = new ArrayList<>();
  private final ReplayProgress replay = new ReplayProgress();
  private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
  private final AtomicLong recordsApplied = new AtomicLong();
  private final AtomicLong recordsSkipped = new AtomicLong();
  private volatile long snapshotEntries;
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
      InstantSource clock,
      SnapshotSource snapshots) {
    this.topic = topic;
    this.snapshots = snapshots;
    this.recordApplier = new RecordApplier(cache);
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

  /** Starts applying: from the snapshot the source offers, else from the start of the log. */
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

  /** Keys loaded from a snapshot at start; 0 after a full replay. */
  public long snapshotEntries() {
    return snapshotEntries;
  }

  /** Non-null once the applier has stopped on an error it cannot recover from. */
  public Throwable failure() {
    return failure;
  }

  private void run() {
    try {
      consumer.assign(partitions);
      long[] logStart = offsets("the start of the log", consumer::beginningOffsets);
      long[] target = offsets("the end of the log", consumer::endOffsets);
      if (logStart == null || target == null) {
        return; // closed before the broker answered
      }
      long began = System.nanoTime();
      Optional<Snapshot> snapshot = snapshots.load(logStart, target);
      long[] start = snapshot.map(Snapshot::positions).orElse(logStart);
      snapshot.ifPresent(this::load);
      for (TopicPartition tp : partitions) {
        consumer.seek(tp, start[tp.partition()]);
      }
      replayTo(snapshot.isPresent() ? "snapshot" : "log", start, target, began);
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

  /** Per-partition offsets from the broker; retried until it answers or the node closes. */
  private long[] offsets(String what, BiFunction<List<TopicPartition>, Duration, Map<TopicPartition, Long>> lookup) {
    while (!closing) {
      try {
        Map<TopicPartition, Long> answer = lookup.apply(partitions, Duration.ofSeconds(5));
        long[] offsets = new long[partitions.size()];
        answer.forEach((tp, offset) -> offsets[tp.partition()] = offset);
        return offsets;
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        LOG.warn("waiting for the broker to tell {}: {}", what, e.getMessage());
      }
    }
    return null;
  }

  /** Puts a snapshot's entries in the (empty) cache and its positions in place. */
  private void load(Snapshot s) {
    List<String> keys = s.keys();
    List<Entry> entries = s.entries();
    cache.reserve(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      cache.applyPut(keys.get(i), entries.get(i));
    }
    positions.reset(s.positions());
    snapshotEntries = keys.size();
    LOG.info("loaded {} keys from a snapshot; replaying the log from {}", keys.size(), AppliedPositions.describe(s.positions()));
  }

  private void replayTo(String source, long[] start, long[] target, long began) {
    long total = 0;
    for (int p = 0; p < target.length; p++) {
      total += Math.max(0, target[p] - start[p]);
    }
    cache.reserve(total); // an upper bound on new keys: one per record
    replay.begin(source, total, began);
    LOG.info("replaying {} offsets of {} from the {} to catch up (target {})", total, topic.name(), source,
        AppliedPositions.describe(target));
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
        "caught up from the {}: {} records replayed in {} s ({} records/s); {} keys in memory",
        replay.source(),
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
    switch (recordApplier.apply(r, nowMillis)) {
      case SKIPPED_NO_KEY -> skip(r, "record without a key");
      case SKIPPED_UNKNOWN_FORMAT -> skip(r, "unknown record format " + (r.value().length > 0 ? r.value()[0] : -1));
      case APPLIED -> { }
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
