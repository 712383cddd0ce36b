package io.logkv.store.log;

import io.logkv.store.cache.Cache;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
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
 * The one thread that applies the log to the cache: the replay path and the apply path.
 *
 * <p>Replay: it assigns itself every partition this node holds (no consumer group: in full-copy
 * mode that is every partition; sharded, the partitions it owns),
 * restores a saved state if the {@link StartingPoint} has a usable one (else starts at the
 * beginning of the log), and applies records until it reaches the end offsets fetched when it
 * began (the catch-up target). Then it reports {@link Listener#caughtUp} and applies forever.
 *
 * <p>Apply: records of one partition are applied in offset order by {@link RecordApplier}; after
 * each poll the applied position of every partition is advanced, which wakes the requests waiting
 * for it. The applier never takes a lock that readers wait on: the cache is a concurrent map and
 * positions are atomics. If the broker goes away, poll returns nothing and the consumer reconnects
 * by itself; reads go on being served from the cache meanwhile.
 *
 * <p>Rebuild: compaction removes a deleted key's records, tombstone included, once the tombstone
 * is older than the topic's {@code delete.retention.ms}. A node that has not been caught up for
 * about that long (cut off, paused) may have missed such a delete, and resuming from its old
 * positions would keep the key forever. So before applying anything after such a gap, and when
 * its positions have fallen out of the log, the applier turns the node unready ({@link
 * Listener#rebuilding}), drops the map and replays the whole log, as at a first start.
 */
public final class Applier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Applier.class);

  /** What the node learns from the applier; called on the applier thread, keep it short. */
  public interface Listener {
    /** Replay reached its target: the node may serve. Called after start-up and after a rebuild. */
    void caughtUp(ReplayProgress replay);

    /** The node must stop serving data: it is about to drop the map and replay the whole log. */
    void rebuilding(String why);

    /** The applier stopped on an error it cannot recover from; the node can no longer work. */
    void failed(Throwable failure);
  }

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final LogTopic topic;
  private final Cache cache;
  private final AppliedPositions positions;
  private final InstantSource clock;
  private final StartingPoint startingPoint;
  private final LongSupplier lastCaughtUpMillis;
  private final Listener listener;
  private final RecordApplier recordApplier;
  /** The partitions this node holds: every one in full-copy mode, its own when sharded. */
  private final List<TopicPartition> partitions = new ArrayList<>();
  private final java.util.function.IntPredicate held;
  private final CompletableFuture<Void> firstCatchUp = new CompletableFuture<>();
  private final AtomicLong recordsApplied = new AtomicLong();
  private final AtomicLong recordsSkipped = new AtomicLong();
  private final AtomicLong rebuilds = new AtomicLong();
  private final Thread thread;
  private volatile ReplayProgress replay = new ReplayProgress();
  private volatile long restoredEntries;
  private volatile boolean caughtUp;
  private volatile boolean closing;
  /** Released by {@link #close()}: what a member that holds no partition waits for. */
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile boolean started;
  private volatile Throwable failure;

  /**
   * @param heldPartitions the partitions this node holds, ascending
   * @param lastCaughtUpMillis wall-clock time at which this node last had applied everything the
   *     log held (the staleness probe's answer); compared with the topic's delete.retention.ms
   */
  public Applier(
      KafkaClients clients,
      LogTopic topic,
      List<Integer> heldPartitions,
      Cache cache,
      AppliedPositions positions,
      InstantSource clock,
      StartingPoint startingPoint,
      LongSupplier lastCaughtUpMillis,
      Listener listener) {
    this.topic = topic;
    this.cache = cache;
    this.positions = positions;
    this.clock = clock;
    this.startingPoint = startingPoint;
    this.lastCaughtUpMillis = lastCaughtUpMillis;
    this.listener = listener;
    this.recordApplier = new RecordApplier(cache);
    boolean[] isHeld = new boolean[topic.partitions()];
    for (int p : heldPartitions) {
      partitions.add(new TopicPartition(topic.name(), p));
      isHeld[p] = true;
    }
    this.held = p -> isHeld[p];
    Properties props = clients.forRole("applier");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // Never skip data silently: a position outside the log is an error (a rebuild), not a reset.
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(8 * 1024 * 1024));
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(64 * 1024 * 1024));
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
    props.put(ConsumerConfig.RECEIVE_BUFFER_CONFIG, Integer.toString(1024 * 1024));
    // A fetch from a leader that hangs (paused, cut off) is given up after 3 s, not Kafka's 30 s,
    // so the node goes on from the partition's new leader and replication stalls only that long.
    props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
    this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::run, clients.forRole("applier").getProperty("client.id"));
    this.thread.setDaemon(true);
  }

  /** Starts applying: from the starting point's state, else from the start of the log. */
  public void start() {
    started = true;
    thread.start();
  }

  /** Completes when the node has first applied everything that was in the log when it started. */
  public CompletableFuture<Void> firstCatchUp() {
    return firstCatchUp;
  }

  /** Whether the node is caught up: false while it replays, at start or in a rebuild. */
  public boolean isCaughtUp() {
    return caughtUp;
  }

  /** The current or last replay. */
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

  /** Times the node dropped its map and replayed the whole log because it may have missed deletes. */
  public long rebuilds() {
    return rebuilds.get();
  }

  /** Keys restored from a saved state at start; 0 after a full replay. */
  public long restoredEntries() {
    return restoredEntries;
  }

  /** Non-null once the applier has stopped on an error it cannot recover from. */
  public Throwable failure() {
    return failure;
  }

  private void run() {
    try {
      consumer.assign(partitions);
      if (!catchUp(startingPoint, "log")) {
        return; // closed before the broker answered
      }
      if (partitions.isEmpty()) {
        // A member that holds no partition (more members than partitions times R): nothing to
        // consume, and a consumer assigned nothing refuses to poll.
        closed.await();
        return;
      }
      while (!closing) {
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = consumer.poll(Duration.ofMillis(200));
        } catch (OffsetOutOfRangeException e) {
          rebuild("the log no longer holds the records this node needs next (" + e.getMessage() + ")");
          continue;
        }
        if (!records.isEmpty()) {
          String gap = missedDeletesPossible();
          if (gap != null) {
            rebuild(gap); // the records just fetched are read again in order by the replay
            continue;
          }
        }
        applyBatch(records);
      }
    } catch (WakeupException e) {
      if (!closing) {
        fail(e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      fail(e);
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  /**
   * Why this node may have missed deletes, or null: it was last caught up longer ago than the
   * topic keeps tombstones, less a margin for the replay that follows.
   */
  private String missedDeletesPossible() {
    long behind = clock.millis() - lastCaughtUpMillis.getAsLong();
    if (behind <= topic.tombstoneSafeMillis()) {
      return null;
    }
    return "this node was last caught up with the log " + behind + " ms ago, longer than the topic keeps"
        + " tombstones (delete.retention.ms " + topic.deleteRetentionMillis() + " ms, less a margin): compaction"
        + " may have removed deletes it never applied";
  }

  /** Drops the map and replays the whole log; the node is unready meanwhile. */
  private void rebuild(String why) {
    caughtUp = false;
    rebuilds.incrementAndGet();
    LOG.warn("rebuilding: {}; dropping {} keys and replaying the whole log, unready meanwhile", why, cache.size());
    listener.rebuilding(why);
    cache.clear();
    catchUp(StartingPoint.logStart(), "log (rebuild)");
  }

  private void fail(Throwable e) {
    failure = e;
    caughtUp = false;
    LOG.error("the applier stopped: {}", e.toString(), e);
    firstCatchUp.completeExceptionally(e);
    listener.failed(e);
  }

  /**
   * The replay path: restores a saved state or starts at the log start, then applies records until
   * the end offsets of this moment are reached. Returns false if the node closed meanwhile.
   */
  private boolean catchUp(StartingPoint from, String sourceName) {
    long[] logStart = offsets("the start of the log", consumer::beginningOffsets);
    long[] target = offsets("the end of the log", consumer::endOffsets);
    if (logStart == null || target == null) {
      return false;
    }
    long began = System.nanoTime();
    Optional<StartingPoint.Restored> restored = from.restore(cache, logStart, target, held);
    long restoredAt = System.nanoTime();
    long[] start = restored.map(StartingPoint.Restored::positions).orElse(logStart);
    restoredEntries = restored.map(StartingPoint.Restored::entries).orElse(0L);
    positions.reset(start);
    for (TopicPartition tp : partitions) {
      consumer.seek(tp, start[tp.partition()]);
    }
    long total = 0;
    for (int p = 0; p < target.length; p++) {
      total += Math.max(0, target[p] - start[p]);
    }
    cache.reserve(total); // an upper bound on new keys: one per record
    ReplayProgress progress = new ReplayProgress();
    progress.begin(restored.isPresent() ? "snapshot" : sourceName, total, began, restoredAt);
    replay = progress;
    LOG.info("replaying {} offsets of {} from the {} to catch up (target {})", total, topic.name(), progress.source(),
        AppliedPositions.describe(target));
    long appliedBefore = recordsApplied.get();
    long lastReport = began;
    long lastRecords = 0;
    while (!closing && !reached(target)) {
      ConsumerRecords<byte[], byte[]> batch;
      try {
        batch = consumer.poll(Duration.ofMillis(200));
      } catch (OffsetOutOfRangeException e) {
        // The log start moved past where replay resumes (records deleted meanwhile): from the start.
        LOG.warn("replay: the log no longer holds the records at {} ({}); replaying from the start of the log",
            AppliedPositions.describe(start), e.getMessage());
        cache.clear();
        return catchUp(StartingPoint.logStart(), sourceName);
      }
      applyBatch(batch);
      long now = System.nanoTime();
      long records = recordsApplied.get() - appliedBefore;
      progress.progress(records, replayed(start, target));
      if (now - lastReport >= 1_000_000_000L) {
        LOG.info("replay: {} records, {} records/s, {}%", records,
            Math.round((records - lastRecords) / ((now - lastReport) / 1e9)), String.format("%.1f", progress.percent()));
        lastReport = now;
        lastRecords = records;
      }
    }
    if (closing) {
      return false;
    }
    progress.progress(recordsApplied.get() - appliedBefore, total);
    progress.finish(System.nanoTime());
    LOG.info("caught up from the {}: {} records replayed in {} s ({} records/s); {} keys in memory",
        progress.source(), progress.records(), String.format("%.3f", progress.seconds()), Math.round(progress.rate()),
        cache.size());
    caughtUp = true;
    listener.caughtUp(progress);
    firstCatchUp.complete(null);
    return true;
  }

  /** Per-partition offsets from the broker; retried until it answers or the node closes. */
  private long[] offsets(String what, BiFunction<List<TopicPartition>, Duration, Map<TopicPartition, Long>> lookup) {
    while (!closing) {
      try {
        Map<TopicPartition, Long> answer = lookup.apply(partitions, Duration.ofSeconds(5));
        long[] offsets = new long[topic.partitions()]; // 0 for a partition this node does not hold
        answer.forEach((tp, offset) -> offsets[tp.partition()] = offset);
        return offsets;
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        LOG.warn("waiting for the broker to tell {}: {}", what, e.getMessage());
      }
    }
    return null;
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

  /** The apply path: every record of a poll in order, then the positions (waking waiters). */
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
      positions.advance(tp.partition(), consumer.position(tp, Duration.ofSeconds(30)));
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

  /** Stops the thread and closes the consumer; idempotent. */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    closed.countDown();
    caughtUp = false;
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
    if (!firstCatchUp.isDone()) {
      firstCatchUp.completeExceptionally(new LogException("the node closed before it caught up"));
    }
  }
}
