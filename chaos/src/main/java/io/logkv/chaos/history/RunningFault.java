package io.logkv.chaos.history;

import java.util.concurrent.atomic.AtomicBoolean;

/** A fault that has been injected and not yet healed; {@link #stop()} closes its window. */
public final class RunningFault {

  private final History history;
  private final String name;
  private final String description;
  private final long startNanos;
  private final AtomicBoolean stopped = new AtomicBoolean();

  RunningFault(History history, String name, String description, long startNanos) {
    this.history = history;
    this.name = name;
    this.description = description;
    this.startNanos = startNanos;
  }

  long startNanos() {
    return startNanos;
  }

  FaultEvent event(long stopNanos) {
    return new FaultEvent(name, startNanos, stopNanos, description);
  }

  /** Marks the fault healed now; idempotent, so a finally block may call it again. */
  public FaultEvent stop() {
    FaultEvent event = event(Math.max(history.nanoTime(), startNanos));
    if (stopped.compareAndSet(false, true)) {
      history.stopped(this, event);
    }
    return event;
  }
}
