package io.logkv.chaos.checker;

import io.logkv.chaos.history.Operation;
import io.logkv.chaos.history.Position;

/**
 * A record of a key known to be in the log, learned from the write that returned its position or
 * from a read that returned it as a version.
 *
 * @param value the value written, {@code null} for a tombstone
 * @param source the operation that shows the record exists
 */
record LogRecord(Position position, String key, String value, Operation source) {

  boolean tombstone() {
    return value == null;
  }

  long offset() {
    return position.offset();
  }

  /** E.g. {@code PUT 'w-1-3' at 0:9 (acknowledged to #12)} or {@code ... (read by #14)}. */
  String describe() {
    String what = tombstone() ? "DELETE" : "PUT " + quote(value);
    String how = source.isWrite()
        ? (source.isOk() ? "acknowledged to #" : "returned to #") + source.id()
        : "read by #" + source.id();
    return what + " at " + position + " (" + how + ")";
  }

  static String quote(String value) {
    if (value == null) {
      return "absent";
    }
    return value.length() <= 40 ? "'" + value + "'" : "'" + value.substring(0, 37) + "...'";
  }
}
