package io.logkv.chaos.history;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An operation in flight, returned by {@code History.invoke*}; the issuing thread completes it
 * exactly once with {@code ok}, {@code fail} or {@code unknown}. Each completion method stamps the
 * complete time, records the operation and returns it.
 */
public final class Invocation {

  private final History history;
  private final long id;
  private final int process;
  private final OpType type;
  private final String key;
  private final String value;
  private final ReadMode mode;
  private final List<Position> tokens;
  private final long invokeNanos;
  private final AtomicBoolean done = new AtomicBoolean();

  Invocation(
      History history,
      long id,
      int process,
      OpType type,
      String key,
      String value,
      ReadMode mode,
      List<Position> tokens,
      long invokeNanos) {
    this.history = history;
    this.id = id;
    this.process = process;
    this.type = type;
    this.key = key;
    this.value = value;
    this.mode = mode;
    this.tokens = tokens;
    this.invokeNanos = invokeNanos;
  }

  public long id() {
    return id;
  }

  long invokeNanos() {
    return invokeNanos;
  }

  /**
   * A PUT or DELETE answered 200/202/204 with the position it was written at.
   *
   * @param status the HTTP status
   * @param node the node that answered, {@code null} when not known
   */
  public Operation ok(Position position, int status, String node) {
    if (!type.isWrite()) {
      throw new IllegalStateException("op #" + id + " is a GET: complete it with okRead");
    }
    return complete(Outcome.OK, value, position, status, node);
  }

  /**
   * A GET answered: {@code value} with its version ({@code ETag}), or {@code value == null} for a
   * 404.
   *
   * @param version the position of the record that wrote the value; {@code null} when absent or
   *     when the answer had no version
   */
  public Operation okRead(String value, Position version, int status, String node) {
    if (type != OpType.GET) {
      throw new IllegalStateException("op #" + id + " is a " + type + ": complete it with ok");
    }
    return complete(Outcome.OK, value, version, status, node);
  }

  /**
   * The operation certainly had no effect (e.g. 400, 413, or a 503 whose body says the write was
   * certainly not applied). For a GET, any failed answer.
   *
   * @param status the HTTP status, 0 when there was no HTTP answer
   */
  public Operation fail(int status, String node) {
    return complete(Outcome.FAIL, type == OpType.PUT ? value : null, null, status, node);
  }

  /**
   * The outcome is unknown: timeout, dropped connection, or a 503 saying the write may still be
   * applied.
   *
   * @param status the HTTP status, 0 when there was no HTTP answer
   */
  public Operation unknown(int status, String node) {
    return complete(Outcome.UNKNOWN, type == OpType.PUT ? value : null, null, status, node);
  }

  /**
   * Like {@link #unknown(int, String)} for a write whose position is known although its outcome
   * is not (rare: e.g. a 503 "applied here timed out" that still carried the position).
   */
  public Operation unknownAt(Position position, int status, String node) {
    if (!type.isWrite()) {
      throw new IllegalStateException("op #" + id + " is a GET: a read has no write position");
    }
    return complete(Outcome.UNKNOWN, value, position, status, node);
  }

  private Operation complete(
      Outcome outcome, String opValue, Position position, int status, String node) {
    long now = history.nanoTime();
    // Built before claiming completion, so a rejected argument leaves the invocation completable.
    Operation op =
        new Operation(
            id, process, type, key, opValue, mode, tokens, invokeNanos, Math.max(now, invokeNanos),
            outcome, position, status, node);
    if (!done.compareAndSet(false, true)) {
      throw new IllegalStateException("op #" + id + " was already completed");
    }
    history.complete(this, op);
    return op;
  }

  /** How the operation reads in a snapshot taken while it is still in flight. */
  Operation inFlight(long nowNanos) {
    return new Operation(
        id, process, type, key, type == OpType.PUT ? value : null, mode, tokens, invokeNanos,
        nowNanos, Outcome.UNKNOWN, null, 0, null);
  }
}
