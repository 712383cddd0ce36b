package io.logkv.bench;

import io.logkv.client.LogkvClient;
import io.logkv.client.ServerErrorException;
import io.logkv.client.Value;
import io.logkv.client.Written;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Requests whose every outcome is counted, for the capacity figures: the data set written, read
 * back and checked, and a fixed mixed load. They go through one URL (nginx) with the client library
 * told not to route to owners itself, so nginx (or the node behind it) decides where each goes.
 * Bounded in count and in time: a fixed number of requests, {@value #IN_FLIGHT} in flight, and
 * nothing issued after the deadline (what was not finished by then is counted as such).
 */
final class DataSetLoad {
  static final int IN_FLIGHT = 32;
  /** Above nginx's own retry window (3 tries of 6 s), so that nginx, not the client, decides a node failed. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  /**
   * Tries per request. A GET, or a PUT of the same value, is safe to send again; on a loaded
   * machine a node sometimes answers 503 (no owner reachable in time, or outcome unknown), and a
   * data set with a hole in it measures nothing. A 507 (the cap) is never sent again.
   */
  static final int TRIES = 3;
  private static final Duration RETRY_DELAY = Duration.ofSeconds(1);

  private DataSetLoad() {}

  /**
   * Outcomes of the writes.
   *
   * @param accepted answered 202: durable in the log, not yet applied by the node that answered
   * @param refusedByCap answered 507 memory_cap: the owner that took it was full
   * @param failed any other failure after {@value #TRIES} tries (first one in {@code firstFailure})
   * @param unfinished not issued, or not answered, by the deadline
   * @param retried tries after a first one that failed, over all writes (0 on a quiet machine)
   */
  record Writes(long requests, long applied, long accepted, long refusedByCap, long failed, long unfinished,
      String firstFailure, double seconds, long retried) {
    boolean complete() {
      return applied + accepted == requests;
    }

    String problems() {
      return Report.f("%,d of %,d writes not done: %,d refused by a node's cap (507), %,d failed, %,d unfinished in time%s",
          requests - applied - accepted, requests, refusedByCap, failed, unfinished,
          firstFailure == null ? "" : "; first failure: " + firstFailure);
    }
  }

  /**
   * Outcomes of reading every key back.
   *
   * @param intact the value read is the one written, byte for byte
   * @param mismatched a value came back, but not the one written
   * @param missing 404
   */
  record Readback(long keys, long intact, long mismatched, long missing, long failed, long unfinished,
      String firstFailure, double seconds) {
    boolean allIntact() {
      return intact == keys;
    }

    String problems() {
      return Report.f("%,d of %,d keys not read back intact: %,d mismatched, %,d missing, %,d failed, %,d unfinished in time%s",
          keys - intact, keys, mismatched, missing, failed, unfinished,
          firstFailure == null ? "" : "; first failure: " + firstFailure);
    }
  }

  /**
   * Outcomes of a fixed mixed load.
   *
   * @param retried requests sent again after a failure (each reached nginx, so each counts as sent)
   */
  record Mixed(long requests, long ok, long failed, long unfinished, String firstFailure, double seconds, long retried) {
    /** Requests that reached nginx: the first tries and those sent again. */
    long sent() {
      return requests + retried;
    }

    boolean clean() {
      return ok == requests;
    }

    String problems() {
      return Report.f("%,d of %,d requests failed or unfinished in time (%,d, %,d)%s", requests - ok, requests, failed,
          unfinished, firstFailure == null ? "" : "; first failure: " + firstFailure);
    }
  }

  /** Writes keys {@code cap-0} to {@code cap-<count-1>} of the data set through {@code url}. */
  static Writes write(String url, int count, int valueBytes, Duration limit) {
    return write(url, count, CapacityDataSet::key, i -> CapacityDataSet.value(i, valueBytes), limit);
  }

  /**
   * Writes {@code k0..k<count-1>} with values of {@code valueBytes} through {@code url}: the keys
   * wrk and the fixed load use, with the same patience as the data set (HttpBench.fill gives up
   * on the first answer that takes 10 s, which a loaded 2-core machine gives).
   */
  static Writes fill(String url, int count, int valueBytes, Duration limit) {
    byte[] value = new byte[valueBytes];
    Arrays.fill(value, (byte) 'v');
    return write(url, count, i -> "k" + i, i -> value, limit);
  }

  private static Writes write(String url, int count, IntFunction<String> key, IntFunction<byte[]> value,
      Duration limit) {
    LongAdder applied = new LongAdder();
    LongAdder accepted = new LongAdder();
    LongAdder refused = new LongAdder();
    LongAdder failed = new LongAdder();
    LongAdder retried = new LongAdder();
    AtomicReference<String> first = new AtomicReference<>();
    long start = System.nanoTime();
    try (LogkvClient client = client(url)) {
      run(count, limit, i -> put(client, key.apply(i), value.apply(i), TRIES, retried)
          .whenComplete((w, e) -> {
            if (e == null) {
              (w.applied() ? applied : accepted).increment();
            } else if (unwrap(e) instanceof ServerErrorException s && s.status() == 507) {
              refused.increment();
              first.compareAndSet(null, s.getMessage());
            } else {
              failed.increment();
              first.compareAndSet(null, String.valueOf(unwrap(e).getMessage()));
            }
          }));
    }
    long done = applied.sum() + accepted.sum() + refused.sum() + failed.sum();
    return new Writes(count, applied.sum(), accepted.sum(), refused.sum(), failed.sum(), count - done, first.get(),
        seconds(start), retried.sum());
  }

  private static CompletableFuture<Written> put(LogkvClient client, String key, byte[] value, int tries,
      LongAdder retried) {
    return tries(() -> client.putAsync(key, value), tries, retried);
  }

  /** {@code op} up to {@code tries} times while it fails with anything but a 507; counts each try after the first. */
  private static <T> CompletableFuture<T> tries(Supplier<CompletableFuture<T>> op, int tries, LongAdder retried) {
    return op.get().handle((r, e) -> {
      if (e == null) {
        return CompletableFuture.completedFuture(r);
      }
      Throwable t = unwrap(e);
      if (tries <= 1 || t instanceof ServerErrorException s && s.status() == 507) {
        return CompletableFuture.<T>failedFuture(t);
      }
      retried.increment();
      // A second later: a 502 from nginx right after the cluster starts lasts longer than three immediate tries.
      return CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(RETRY_DELAY.toMillis(),
          TimeUnit.MILLISECONDS)).thenCompose(ignored -> tries(op, tries - 1, retried));
    }).thenCompose(f -> f);
  }

  /** Reads every key of the data set back through {@code url} and compares each value with the one written. */
  static Readback read(String url, int count, int valueBytes, Duration limit) {
    LongAdder intact = new LongAdder();
    LongAdder mismatched = new LongAdder();
    LongAdder missing = new LongAdder();
    LongAdder failed = new LongAdder();
    AtomicReference<String> first = new AtomicReference<>();
    long start = System.nanoTime();
    try (LogkvClient client = client(url)) {
      run(count, limit, i -> client.getAsync(CapacityDataSet.key(i)).whenComplete((Optional<Value> v, Throwable e) -> {
        if (e != null) {
          failed.increment();
          first.compareAndSet(null, String.valueOf(unwrap(e).getMessage()));
        } else if (v.isEmpty()) {
          missing.increment();
          first.compareAndSet(null, CapacityDataSet.key(i) + " is missing (404)");
        } else if (Arrays.equals(v.get().bytes(), CapacityDataSet.value(i, valueBytes))) {
          intact.increment();
        } else {
          mismatched.increment();
          first.compareAndSet(null, CapacityDataSet.key(i) + " came back with another value (" + v.get().bytes().length
              + " bytes)");
        }
      }));
    }
    long done = intact.sum() + mismatched.sum() + missing.sum() + failed.sum();
    return new Readback(count, intact.sum(), mismatched.sum(), missing.sum(), failed.sum(), count - done, first.get(),
        seconds(start));
  }

  /**
   * {@code requests} requests through {@code url} over the keys {@code k0..k<keys-1>}: request n
   * to key n mod keys, every tenth a PUT of {@code valueBytes}, the others GETs.
   */
  static Mixed mixed(String url, int requests, int keys, int valueBytes, Duration limit) {
    byte[] value = new byte[valueBytes];
    Arrays.fill(value, (byte) 'v');
    LongAdder ok = new LongAdder();
    LongAdder failed = new LongAdder();
    LongAdder retried = new LongAdder();
    AtomicReference<String> first = new AtomicReference<>();
    long start = System.nanoTime();
    try (LogkvClient client = client(url)) {
      run(requests, limit, i -> {
        String key = "k" + (i % keys);
        CompletableFuture<?> f = i % 10 == 9
            ? tries(() -> client.putAsync(key, value), TRIES, retried)
            : tries(() -> client.getAsync(key), TRIES, retried);
        return f.whenComplete((r, e) -> {
          if (e == null) {
            ok.increment();
          } else {
            failed.increment();
            first.compareAndSet(null, String.valueOf(unwrap(e).getMessage()));
          }
        });
      });
    }
    return new Mixed(requests, ok.sum(), failed.sum(), requests - ok.sum() - failed.sum(), first.get(), seconds(start),
        retried.sum());
  }

  private static LogkvClient client(String url) {
    return LogkvClient.builder().baseUrls(url).routeToOwners(false).requestTimeout(REQUEST_TIMEOUT)
        .retryBudget(REQUEST_TIMEOUT).build();
  }

  /**
   * Calls {@code op(i)} for i from 0 to count-1, {@link #IN_FLIGHT} at a time, issuing none after
   * {@code limit}; then waits (bounded) for those in flight.
   */
  private static void run(int count, Duration limit, IntFunction<CompletableFuture<?>> op) {
    Semaphore slots = new Semaphore(IN_FLIGHT);
    long deadline = System.nanoTime() + limit.toNanos();
    try {
      for (int i = 0; i < count && System.nanoTime() < deadline; i++) {
        if (!slots.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          break;
        }
        op.apply(i).whenComplete((r, e) -> slots.release());
      }
      // Each request ends within the client's timeout and retry budget.
      slots.tryAcquire(IN_FLIGHT, REQUEST_TIMEOUT.multipliedBy(3).toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
