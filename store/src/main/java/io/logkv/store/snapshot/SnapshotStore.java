package io.logkv.store.snapshot;

import io.logkv.store.cache.Cache;
import io.logkv.store.cache.Entry;
import io.logkv.store.log.AppliedPositions;
import io.logkv.store.log.LogTopic;
import io.logkv.store.log.StartingPoint;
import java.time.InstantSource;
import java.util.List;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's snapshot file, {@code <data dir>/snapshot.bin}.
 *
 * <p>Why a snapshot taken while the applier keeps going is correct (the "fuzzy snapshot" of
 * ZooKeeper): the applied positions P are read before the map is, so every record below P is
 * already in the map when the copy starts. The copy may also catch records at or above P, or
 * miss some of them; either way a restart loads the copy and replays the log from P, which
 * applies every record at or above P again, in log order. Each record is the whole state of its
 * key, so applying one again, or over a newer copy of the same key, ends in exactly the state
 * the log describes. Nothing pauses reads or writes while the copy is made.
 *
 * <p>One caveat makes an old snapshot unsafe: Kafka compaction removes tombstones after the
 * topic's delete.retention.ms, and a snapshot may hold a key whose delete is no longer in the log.
 * What matters is not when the snapshot was written but when its node was last caught up with the
 * log (a node cut off for a day writes a snapshot that is a day behind): every tombstone written
 * after that moment is still in the log for delete.retention.ms. So the file records that moment,
 * and a snapshot whose node was last caught up longer ago than the retention (less a margin for
 * the replay) is ignored, like a corrupt, truncated or foreign one: the node replays the whole
 * log, never wrong data.
 *
 * <p>Writing is atomic: a temporary file is written, forced to disk and renamed over the old
 * one, and the directory is forced, so a crash at any moment leaves the previous snapshot.
 */
public final class SnapshotStore {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
  static final String FILE = "snapshot.bin";
  private static final String TEMP_PREFIX = "snapshot.bin.tmp-";

  private final Path dir;

  public SnapshotStore(Path dir) {
    this.dir = dir;
  }

  public Path file() {
    return dir.resolve(FILE);
  }

  /** What a write produced. */
  public record Written(long entries, long bytes, long[] positions, long startedAtMillis, long millis) {}

  /**
   * Writes a snapshot of {@code cache} while it keeps changing; see the class comment for why
   * the positions are read first.
   */
  public Written write(Cache cache, AppliedPositions positions, LogTopic topic, long caughtUpAtMillis,
      InstantSource clock, java.util.function.IntPredicate held) throws IOException {
    long started = System.nanoTime();
    long startedAt = clock.millis();
    long[] replayFrom = positions.snapshot(); // first: everything below is already in the map
    for (int p = 0; p < replayFrom.length; p++) {
      if (!held.test(p)) {
        replayFrom[p] = -1; // not held here (sharded): no entry of it, no position
      }
    }
    Path temp = dir.resolve(TEMP_PREFIX + System.nanoTime());
    long entries;
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 20);
      SnapshotFormat.Writer writer = new SnapshotFormat.Writer(out, topic.name(),
          topic.topicId().getMostSignificantBits(), topic.topicId().getLeastSignificantBits(), replayFrom, startedAt,
          caughtUpAtMillis);
      try {
        cache.forEachLive(startedAt, (key, entry) -> {
          try {
            writer.entry(key, entry);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      entries = writer.finish();
      out.flush();
      channel.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    long bytes = Files.size(temp);
    Files.move(temp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    forceDirectory();
    return new Written(entries, bytes, replayFrom, startedAt, (System.nanoTime() - started) / 1_000_000);
  }

  /**
   * Restores the snapshot into the cache when it may be used against {@code topic}: the applier's
   * starting point.
   */
  public StartingPoint startingPoint(LogTopic topic, InstantSource clock) {
    return (cache, logStart, logEnd, held) -> loadValid(topic, logStart, logEnd, clock.millis(), held).map(s -> {
      // A snapshot taken under another ownership serves the partitions in common; a partition held
      // now that it did not hold is replayed from the log start, one it held that is not held now
      // is dropped.
      long[] resume = logStart.clone();
      for (int p = 0; p < resume.length; p++) {
        if (held.test(p) && s.positions()[p] >= 0) {
          resume[p] = s.positions()[p];
        }
      }
      List<String> keys = s.keys();
      List<Entry> entries = s.entries();
      cache.reserve(keys.size());
      long loaded = 0;
      for (int i = 0; i < keys.size(); i++) {
        Entry e = entries.get(i);
        if (held.test(e.partition())) {
          cache.applyPut(keys.get(i), e);
          loaded++;
        }
      }
      LOG.info("loaded {} keys from a snapshot; replaying the log from {}", loaded, AppliedPositions.describe(resume));
      return new StartingPoint.Restored(resume, loaded);
    });
  }

  /**
   * The snapshot, if there is one and it may be used against this log; else empty, with the
   * reason logged.
   *
   * @param logStart per partition, the first offset the log still holds
   * @param logEnd per partition, the end offset of the log
   */
  public Optional<Snapshot> loadValid(LogTopic topic, long[] logStart, long[] logEnd, long nowMillis,
      java.util.function.IntPredicate held) {
    removeTemporaryFiles();
    Path file = file();
    if (!Files.exists(file)) {
      LOG.info("no snapshot in {}; replaying the whole log", dir);
      return Optional.empty();
    }
    Snapshot s;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size > Integer.MAX_VALUE) {
        // One mapping holds at most 2 GiB (some 14M keys of 100 bytes); larger maps replay the log.
        return ignore(file, "it is " + size + " bytes, more than this version maps (2 GiB)");
      }
      s = SnapshotFormat.read(channel.map(FileChannel.MapMode.READ_ONLY, 0, size), nowMillis);
    } catch (IOException | RuntimeException e) {
      return ignore(file, e.getMessage());
    }
    String problem = problem(s, topic, logStart, logEnd, nowMillis, held);
    if (problem != null) {
      return ignore(file, problem);
    }
    return Optional.of(s);
  }

  /** Why {@code s} may not be used against this log, or null if it may. */
  static String problem(Snapshot s, LogTopic topic, long[] logStart, long[] logEnd, long nowMillis,
      java.util.function.IntPredicate held) {
    if (!s.topic().equals(topic.name())) {
      return "it belongs to topic " + s.topic() + ", not " + topic.name();
    }
    if (s.topicIdHigh() != topic.topicId().getMostSignificantBits()
        || s.topicIdLow() != topic.topicId().getLeastSignificantBits()) {
      return "it belongs to an earlier topic of the same name (the topic was recreated)";
    }
    if (s.positions().length != topic.partitions()) {
      return "it has " + s.positions().length + " partitions, the topic " + topic.partitions();
    }
    for (int p = 0; p < topic.partitions(); p++) {
      if (!held.test(p) || s.positions()[p] < 0) {
        continue; // not needed now, or not in the snapshot: replayed from the log start
      }
      if (s.positions()[p] < logStart[p]) {
        return "partition " + p + " resumes at " + s.positions()[p] + ", below the log start " + logStart[p];
      }
      if (s.positions()[p] > logEnd[p]) {
        return "partition " + p + " resumes at " + s.positions()[p] + ", beyond the log end " + logEnd[p];
      }
    }
    if (s.caughtUpAtMillis() < 0) {
      return "its format (1) does not record when its node was last caught up with the log, so deletes it"
          + " would need may have been compacted away";
    }
    long retention = topic.deleteRetentionMillis();
    long behind = nowMillis - s.caughtUpAtMillis();
    if (behind > topic.tombstoneSafeMillis()) {
      return "its node was last caught up with the log " + behind + " ms ago, longer than the topic keeps"
          + " tombstones (delete.retention.ms " + retention + ", less a margin for the replay): deletes it would"
          + " need may have been compacted away";
    }
    return null;
  }

  private Optional<Snapshot> ignore(Path file, String why) {
    LOG.warn("ignoring snapshot {}: {}; replaying the whole log", file, why);
    return Optional.empty();
  }

  private void removeTemporaryFiles() {
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, TEMP_PREFIX + "*")) {
      for (Path t : temps) {
        Files.deleteIfExists(t);
      }
    } catch (IOException e) {
      LOG.warn("could not remove unfinished snapshot files in {}: {}", dir, e.toString());
    }
  }

  private void forceDirectory() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some file systems cannot sync a directory; the rename itself is still atomic.
      LOG.debug("could not sync directory {}: {}", dir, e.toString());
    }
  }
}
