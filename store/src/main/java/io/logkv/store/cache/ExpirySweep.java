package io.logkv.store.cache;

import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes expired entries from memory now and then. Reads never see an expired entry either way;
 * the sweep only gives the memory back. Expiry is local: no tombstone is logged for an expired key,
 * so its last record stays in the (compacted) log until the key is written again, and {@link
 * #expired()} counts how many keys this node let go that way.
 */
public final class ExpirySweep {
  private static final Logger LOG = LoggerFactory.getLogger(ExpirySweep.class);

  private final Cache cache;
  private final InstantSource clock;
  private final AtomicLong expired = new AtomicLong();

  public ExpirySweep(Cache cache, InstantSource clock) {
    this.cache = cache;
    this.clock = clock;
  }

  /** Sweeps every {@code interval} on {@code scheduler} until it shuts down. */
  public void start(ScheduledExecutorService scheduler, Duration interval) {
    long every = interval.toMillis();
    scheduler.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
  }

  /** Removes what has expired by now; returns how many entries. */
  public int sweep() {
    try {
      int n = cache.removeExpired(clock.millis());
      expired.addAndGet(n);
      return n;
    } catch (RuntimeException e) {
      LOG.error("expiry sweep failed", e);
      return 0;
    }
  }

  /** Entries removed from memory because their deadline passed, since start. */
  public long expired() {
    return expired.get();
  }
}
