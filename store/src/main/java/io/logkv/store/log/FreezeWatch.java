package io.logkv.store.log;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices that this process did not run for a while (SIGSTOP, a stalled VM or container, a very
 * long GC pause), so that writes handled just after are refused.
 *
 * <p>Why: a request that reached this node's socket while the process was frozen is still there
 * when it thaws, and would be handled then. Its sender (nginx, a forwarding node) gave up on it
 * meanwhile and sent it to another node, which applied it; other writes to the key may have
 * followed. Appending the stale copy now would put the old request after them in the log and undo
 * them: an acknowledged write lost. So while the watch has not ticked for longer than the freeze
 * limit, and for a grace period after it notices such a gap, writes are refused as not applied
 * ({@link WriteRefusedException.Reason#THAWED}): the requests that waited in the socket are handled
 * in that window, and whoever still waits for one of them may send it elsewhere.
 *
 * <p>The limit sits well below the senders' own timeouts (nginx gives up after 6 s, a forwarding
 * node after the write timeout plus 1 s), so a freeze long enough for a sender to give up is always
 * noticed; a shorter one leaves nothing stale behind. A machine so loaded that the watch's thread
 * does not run for the limit looks frozen too, and refuses writes briefly: safe, since they were
 * never applied.
 */
public final class FreezeWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FreezeWatch.class);

  private final Ticker ticker;
  private final long limitNanos;
  private final long graceNanos;
  private final long tickMillis;
  private final AtomicLong freezes = new AtomicLong();
  private volatile long lastTickNanos;
  private volatile long thawedAtNanos;
  private volatile Thread thread;

  /**
   * @param limit a gap between two ticks longer than this is a freeze
   * @param grace how long after noticing a freeze writes stay refused
   */
  public FreezeWatch(Ticker ticker, Duration limit, Duration grace) {
    if (limit.toMillis() < 100) {
      throw new IllegalArgumentException("the freeze limit must be at least 100 ms, not " + limit.toMillis() + " ms");
    }
    this.ticker = ticker;
    this.limitNanos = limit.toNanos();
    this.graceNanos = grace.toNanos();
    this.tickMillis = Math.max(10, limit.toMillis() / 10);
    this.lastTickNanos = ticker.nanos();
  }

  /** Starts the watch's own thread (not a shared scheduler, whose other work could delay a tick). */
  public void start() {
    lastTickNanos = ticker.nanos(); // the time before start (a node's topic check) is no freeze
    Thread t = new Thread(this::run, "freeze-watch");
    t.setDaemon(true);
    t.setPriority(Thread.MAX_PRIORITY);
    thread = t;
    t.start();
  }

  private void run() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(tickMillis);
      } catch (InterruptedException e) {
        return;
      }
      tick();
    }
  }

  /** One look at the clock: a gap since the last one longer than the limit was a freeze. */
  void tick() {
    long now = ticker.nanos();
    long gap = now - lastTickNanos;
    if (gap > limitNanos) {
      thawedAtNanos = now;
      freezes.incrementAndGet(); // after thawedAtNanos: a count above 0 means it is set
      LOG.warn("this process did not run for {} ms (frozen, stalled or paused); writes are refused for the next {}"
          + " ms, since requests that waited meanwhile may have been sent elsewhere already",
          TimeUnit.NANOSECONDS.toMillis(gap), TimeUnit.NANOSECONDS.toMillis(graceNanos));
    }
    lastTickNanos = now;
  }

  /** Why a write must be refused now, or null: the process is thawing from a freeze. */
  public String refusal() {
    long now = ticker.nanos();
    long sinceTick = now - lastTickNanos;
    if (sinceTick > limitNanos) {
      return "this node's process did not run for the last " + TimeUnit.NANOSECONDS.toMillis(sinceTick)
          + " ms (frozen or stalled): the write may be one its sender already gave up on, so it was refused";
    }
    if (freezes.get() > 0 && now - thawedAtNanos < graceNanos) {
      return "this node's process was frozen or stalled until " + TimeUnit.NANOSECONDS.toMillis(now - thawedAtNanos)
          + " ms ago: the write may be one its sender already gave up on, so it was refused";
    }
    return null;
  }

  /** Freezes noticed since start. */
  public long freezes() {
    return freezes.get();
  }

  @Override
  public void close() {
    Thread t = thread;
    if (t != null) {
      t.interrupt();
    }
  }
}
