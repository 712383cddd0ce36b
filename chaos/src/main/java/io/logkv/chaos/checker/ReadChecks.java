package io.logkv.chaos.checker;

import io.logkv.chaos.history.Operation;
import io.logkv.chaos.history.Position;
import io.logkv.chaos.history.ReadMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What each answered read promised, and whether it kept it: PHANTOM_READ, NON_MONOTONIC_READ,
 * STALE_TOKEN_READ, STALE_STRONG_READ; at most one of them per read, in that order, since a read
 * that shows a phantom value or goes back in time is stale for the same reason.
 *
 * <p>"Reflects a record" means: returns its version or a later one; or, for a PUT's record,
 * returns absent where some DELETE invoked before the read completed could follow it. A TOKEN
 * read must reflect every known record of its key at or below the highest token it sent in the
 * key's partition: offsets of a partition are assigned in order, so once the token's offset is
 * applied every lower one is too, whichever key the token came from. A STRONG read must reflect
 * every known record of its key at or below the highest offset of that partition returned by any
 * operation completed before the read was invoked (see {@link VisibilityBounds}).
 *
 * <p>Monotonic reads: a TOKEN or STRONG read must not return an older version of a key than an
 * earlier TOKEN or STRONG read of the same process. STRONG reads promise it outright. A TOKEN read
 * promises it only when its token covers that earlier version, i.e. when the client carries the
 * versions its reads returned in {@code X-Min-Position} (a session token): a client that sends only
 * its write positions may legally be served by a node that lags behind what it read before, and
 * reporting that would make every run with a lagging node fail.
 */
final class ReadChecks {

  private ReadChecks() {}

  static void run(Index index, Findings findings) {
    for (KeyHistory k : index.keys.values()) {
      // Per process, its TOKEN/STRONG read of this key with the highest version so far.
      Map<Integer, Operation> highestSeen = new HashMap<>();
      for (Operation op : k.ops) {
        if (!op.isRead() || !op.isOk()) {
          continue; // a failed read carries no information
        }
        String phantom = k.phantomReason(op);
        if (phantom != null) {
          List<Operation> evidence = new ArrayList<>();
          evidence.add(op);
          evidence.add(k.putsByValue.get(op.value()));
          findings.report(AnomalyType.PHANTOM_READ, k.key,
              op.mode() + " read returned a value never written: " + phantom, evidence);
          continue;
        }
        if (op.mode() == ReadMode.DEFAULT || k.partition < 0) {
          continue;
        }
        Position version = op.position();
        if (version != null && version.partition() != k.partition) {
          continue; // reported as VERSION_MISMATCH; its offset means nothing here
        }
        Operation earlier = highestSeen.get(op.process());
        if (earlier == null || !wentBack(k, op, earlier, findings)) {
          checkStale(k, op, index.bounds, findings);
        }
        if (version != null
            && (earlier == null || version.offset() > earlier.position().offset())) {
          highestSeen.put(op.process(), op);
        }
      }
    }
  }

  private static boolean wentBack(
      KeyHistory k, Operation read, Operation earlier, Findings findings) {
    if (earlier.completeNanos() >= read.invokeNanos()) {
      return false; // overlapping: not one sequential process, nothing was promised
    }
    long seen = earlier.position().offset();
    if (read.mode() == ReadMode.TOKEN && tokenBound(k, read) < seen) {
      return false; // the token did not carry the earlier version: see class doc
    }
    LogRecord seenRecord = new LogRecord(earlier.position(), k.key, earlier.value(), earlier);
    if (!misses(k, read, seenRecord)) {
      return false;
    }
    findings.report(AnomalyType.NON_MONOTONIC_READ, k.key,
        "process " + read.process() + "'s " + read.mode() + " read #" + read.id() + " returned "
            + returned(read) + " after its earlier " + earlier.mode() + " read #" + earlier.id()
            + " returned " + returned(earlier),
        List.of(earlier, read));
    return true;
  }

  private static void checkStale(KeyHistory k, Operation read, VisibilityBounds bounds,
      Findings findings) {
    long bound = tokenBound(k, read);
    Operation boundSource = null;
    if (read.mode() == ReadMode.STRONG) {
      Operation committed = bounds.highestCompletedBefore(k.partition, read.invokeNanos());
      if (committed != null && committed.position().offset() > bound) {
        bound = committed.position().offset();
        boundSource = committed;
      }
    }
    if (bound < 0) {
      return;
    }
    LogRecord missed = k.highestAtOrBelow(bound);
    if (missed == null || !misses(k, read, missed)) {
      return;
    }
    String why;
    AnomalyType type;
    if (read.mode() == ReadMode.TOKEN) {
      type = AnomalyType.STALE_TOKEN_READ;
      why = "TOKEN read sent " + Position.header(read.tokens());
    } else {
      type = AnomalyType.STALE_STRONG_READ;
      why = boundSource != null
          ? "STRONG read invoked after " + k.partition + ":" + bound + " was committed (#"
              + boundSource.id() + " completed first)"
          : "STRONG read sent " + Position.header(read.tokens());
    }
    findings.report(type, k.key,
        why + " but returned " + returned(read) + ", missing " + missed.describe(),
        List.of(read, missed.source(), boundSource == null ? read : boundSource));
  }

  /** Whether the read reflects a state older than {@code record} (see class doc). */
  static boolean misses(KeyHistory k, Operation read, LogRecord record) {
    if (read.value() == null) {
      return !record.tombstone() && !k.deleteCouldFollow(record.offset(), read.completeNanos());
    }
    Long offset = versionOffset(k, read);
    return offset != null && offset < record.offset();
  }

  /** The read's version, from its ETag or, lacking one, from the known record of its value. */
  private static Long versionOffset(KeyHistory k, Operation read) {
    if (read.position() != null) {
      return read.position().offset();
    }
    LogRecord r = k.recordOf(read.value());
    return r == null ? null : r.offset();
  }

  /** The highest offset the read sent for the key's partition, -1 when none. */
  private static long tokenBound(KeyHistory k, Operation read) {
    long bound = -1;
    for (Position p : read.tokens()) {
      if (p.partition() == k.partition) {
        bound = Math.max(bound, p.offset());
      }
    }
    return bound;
  }

  private static String returned(Operation read) {
    if (read.value() == null) {
      return "absent";
    }
    return LogRecord.quote(read.value()) + (read.position() == null ? "" : "@" + read.position());
  }
}
