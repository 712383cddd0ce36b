package io.logkv.store.log;

/**
 * Start-up replay as seen from outside: where it started, how far it is, how long it took. One
 * writer (the applier thread), read by /status and /metrics.
 */
public final class ReplayProgress {
  private volatile String source = "log";
  private volatile long startedNanos;
  private volatile long restoredNanos;
  private volatile long finishedNanos;
  private volatile long records;
  private volatile long offsetsToReplay;
  private volatile long offsetsReplayed;
  private volatile boolean done;

  /**
   * @param startedNanos when catching up began (before a snapshot was loaded)
   * @param restoredNanos when the snapshot was loaded (or found unusable) and replay proper began
   */
  void begin(String source, long offsetsToReplay, long startedNanos, long restoredNanos) {
    this.source = source;
    this.offsetsToReplay = offsetsToReplay;
    this.startedNanos = startedNanos;
    this.restoredNanos = restoredNanos;
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

  /** Time spent loading a snapshot (or finding none usable) before replay proper, in milliseconds. */
  public long restoreMillis() {
    return startedNanos == 0 ? 0 : java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(restoredNanos - startedNanos);
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
