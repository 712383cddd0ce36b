package io.logkv.store.log;

/**
 * Start-up replay as seen from outside: where it started, how far it is, how long it took. One
 * writer (the applier thread), read by /status and /metrics.
 */
public final class ReplayProgress {
  private volatile String source = "log";
  private volatile long startedNanos;
  private volatile long finishedNanos;
  private volatile long records;
  private volatile long offsetsToReplay;
  private volatile long offsetsReplayed;
  private volatile boolean done;

  void begin(String source, long offsetsToReplay, long nowNanos) {
    this.source = source;
    this.offsetsToReplay = offsetsToReplay;
    this.startedNanos = nowNanos;
  }

  void progress(long records, long offsetsReplayed) {
    this.records = records;
    this.offsetsReplayed = offsetsReplayed;
  }

  void finish(long nowNanos) {
    this.finishedNanos = nowNanos;
    this.done = true;
  }

  /** "log" for a replay from the start of the log, "snapshot" for a tail replay. */
  public String source() {
    return source;
  }

  public boolean done() {
    return done;
  }

  /** Records applied during replay. */
  public long records() {
    return records;
  }

  /** Replay time in seconds, so far or in all once done. */
  public double seconds() {
    if (startedNanos == 0) {
      return 0;
    }
    long end = done ? finishedNanos : System.nanoTime();
    return (end - startedNanos) / 1e9;
  }

  /** Records per second over the replay. */
  public double rate() {
    double s = seconds();
    return s > 0 ? records / s : 0;
  }

  /** Percent of the catch-up target's offsets replayed, 0 to 100. */
  public double percent() {
    if (done || offsetsToReplay == 0) {
      return done ? 100 : 0;
    }
    return Math.min(100, 100.0 * offsetsReplayed / offsetsToReplay);
  }
}
