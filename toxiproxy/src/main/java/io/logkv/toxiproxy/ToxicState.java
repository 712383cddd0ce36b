package io.logkv.toxiproxy;

/**
 * What one link remembers about one toxic: whether it applies to this connection and the toxic's
 * own counters. Only that link's writer thread touches it, so it needs no locking.
 */
final class ToxicState {

  /** Whether the toxic acts on this connection, drawn against {@link #drawnFor}. */
  boolean applies;

  /** The toxicity {@link #applies} was drawn for; a change of toxicity draws again. */
  double drawnFor = Double.NaN;

  /** timeout: when data last came (or the toxic first met this link), {@link System#nanoTime()}. */
  long lastDataNanos;

  /** limit_data: bytes let through so far. */
  long bytesPassed;

  /** bandwidth: when the bytes already let through have been paid for, {@link System#nanoTime()}. */
  long paidUntilNanos;

  ToxicState(long nowNanos) {
    lastDataNanos = nowNanos;
    paidUntilNanos = nowNanos;
  }
}
