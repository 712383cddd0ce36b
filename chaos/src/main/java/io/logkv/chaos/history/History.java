package io.logkv.chaos.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * A workload's history: the operations and fault windows of one scenario run.
 *
 * <p>Recording: any number of client threads call {@code invoke*} before sending a request and
 * complete the returned {@link Invocation} once with the answer. Times come from one injected
 * monotonic clock, so invoke and complete times of different threads are comparable; the checker
 * relies on "completed before invoked" meaning real time order. A single short lock guards the
 * lists: recording is a few thousand operations a second, far from contended, and a lock makes
 * the snapshot exact.
 *
 * <p>Reading: {@link #operations()} and {@link #faults()} are immutable snapshots; operations
 * still in flight appear as {@link Outcome#UNKNOWN}, completing at the snapshot time, because a
 * write that never answered may still take effect.
 */
public final class History {

  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final LongSupplier clock;
  private final long originNanos;

  private final Object lock = new Object();
  private long nextId; // guarded by lock
  private final List<Operation> completed = new ArrayList<>(); // guarded by lock
  private final Map<Long, Invocation> pending = new LinkedHashMap<>(); // guarded by lock
  private final List<FaultEvent> faults = new ArrayList<>(); // guarded by lock
  private final Set<RunningFault> runningFaults = new LinkedHashSet<>(); // guarded by lock

  private History(LongSupplier clock, long originNanos) {
    this.clock = clock;
    this.originNanos = originNanos;
  }

  /** An empty history timed by {@link System#nanoTime()}. */
  public static History create() {
    return create(System::nanoTime);
  }

  /** An empty history timed by {@code nanoClock} (monotonic, nanoseconds), for tests. */
  public static History create(LongSupplier nanoClock) {
    Objects.requireNonNull(nanoClock, "nanoClock");
    return new History(nanoClock, nanoClock.getAsLong());
  }

  /**
   * A history made of already completed operations, e.g. a synthetic one in a test or one read
   * back from a results file. It can still record, timed by {@link System#nanoTime()}.
   *
   * @param originNanos the time reports count from
   */
  public static History of(
      long originNanos, Collection<Operation> operations, Collection<FaultEvent> faults) {
    History h = new History(System::nanoTime, originNanos);
    h.completed.addAll(operations);
    h.faults.addAll(faults);
    h.nextId = operations.stream().mapToLong(Operation::id).max().orElse(-1) + 1;
    return h;
  }

  /** Like {@link #of(long, Collection, Collection)}, counting from the first invoke. */
  public static History of(Collection<Operation> operations) {
    long origin = operations.stream().mapToLong(Operation::invokeNanos).min().orElse(0);
    return of(origin, operations, List.of());
  }

  /** The time {@link Operation#describe(long) reports} count from. */
  public long originNanos() {
    return originNanos;
  }

  /** The history's clock, for a scenario that wants to time its own steps on the same scale. */
  public long nanoTime() {
    return clock.getAsLong();
  }

  /** Records that {@code process} is about to write {@code value} to {@code key}. */
  public Invocation invokePut(int process, String key, String value) {
    Objects.requireNonNull(value, "value");
    return invoke(process, OpType.PUT, key, value, null, List.of());
  }

  /** Records that {@code process} is about to delete {@code key}. */
  public Invocation invokeDelete(int process, String key) {
    return invoke(process, OpType.DELETE, key, null, null, List.of());
  }

  /**
   * Records that {@code process} is about to read {@code key}.
   *
   * @param tokens the positions sent as {@code X-Min-Position}; empty unless the mode is TOKEN
   */
  public Invocation invokeGet(int process, String key, ReadMode mode, Collection<Position> tokens) {
    Objects.requireNonNull(mode, "mode");
    return invoke(process, OpType.GET, key, null, mode, List.copyOf(tokens));
  }

  private Invocation invoke(
      int process, OpType type, String key, String value, ReadMode mode, List<Position> tokens) {
    Objects.requireNonNull(key, "key");
    synchronized (lock) {
      // Time taken under the lock so ids and invoke times increase together.
      Invocation inv =
          new Invocation(this, nextId++, process, type, key, value, mode, tokens, clock.getAsLong());
      pending.put(inv.id(), inv);
      return inv;
    }
  }

  void complete(Invocation inv, Operation op) {
    synchronized (lock) {
      pending.remove(inv.id());
      completed.add(op);
    }
  }

  /** Marks the start of a fault; {@link RunningFault#stop()} marks its end. */
  public RunningFault startFault(String name, String description) {
    RunningFault f = new RunningFault(this, name, description, clock.getAsLong());
    synchronized (lock) {
      runningFaults.add(f);
    }
    return f;
  }

  /** Records a fault window timed by the caller on this history's clock. */
  public void recordFault(FaultEvent fault) {
    synchronized (lock) {
      faults.add(Objects.requireNonNull(fault, "fault"));
    }
  }

  void stopped(RunningFault f, FaultEvent event) {
    synchronized (lock) {
      runningFaults.remove(f);
      faults.add(event);
    }
  }

  /** Every operation so far, in invoke order; in-flight ones as UNKNOWN (see class doc). */
  public List<Operation> operations() {
    List<Operation> ops;
    long now = clock.getAsLong();
    synchronized (lock) {
      ops = new ArrayList<>(completed.size() + pending.size());
      ops.addAll(completed);
      for (Invocation inv : pending.values()) {
        ops.add(inv.inFlight(Math.max(now, inv.invokeNanos())));
      }
    }
    ops.sort(Comparator.comparingLong(Operation::invokeNanos).thenComparingLong(Operation::id));
    return List.copyOf(ops);
  }

  /** Every fault window so far, by start time; a running fault as stopping now. */
  public List<FaultEvent> faults() {
    List<FaultEvent> all;
    long now = clock.getAsLong();
    synchronized (lock) {
      all = new ArrayList<>(faults);
      for (RunningFault f : runningFaults) {
        all.add(f.event(Math.max(now, f.startNanos())));
      }
    }
    all.sort(Comparator.comparingLong(FaultEvent::startNanos));
    return List.copyOf(all);
  }

  /** The history as one JSON document: {@code {"originNanos", "operations", "faults"}}. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(snapshot());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("serializing the history to JSON failed", e);
    }
  }

  /** Writes {@link #toJson()} to {@code file}, creating its parent directories. */
  public void writeJson(Path file) {
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      JSON.writeValue(file.toFile(), snapshot());
    } catch (IOException e) {
      throw new UncheckedIOException("writing the history to " + file + " failed", e);
    }
  }

  /** Reads a history written by {@link #toJson()}. */
  public static History fromJson(String json) {
    try {
      return JSON.readValue(json, Snapshot.class).toHistory();
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a history: " + e.getOriginalMessage(), e);
    }
  }

  /** Reads a history written by {@link #writeJson(Path)}. */
  public static History readJson(Path file) {
    try {
      return JSON.readValue(file.toFile(), Snapshot.class).toHistory();
    } catch (IOException e) {
      throw new UncheckedIOException("reading a history from " + file + " failed", e);
    }
  }

  private Snapshot snapshot() {
    return new Snapshot(originNanos, operations(), faults());
  }

  /** The JSON form; a record so Jackson needs no annotations on the history itself. */
  record Snapshot(long originNanos, List<Operation> operations, List<FaultEvent> faults) {
    Snapshot {
      operations = operations == null ? List.of() : operations;
      faults = faults == null ? List.of() : faults;
    }

    History toHistory() {
      return History.of(originNanos, operations, faults);
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "History[" + completed.size() + " completed, " + pending.size() + " in flight, "
          + (faults.size() + runningFaults.size()) + " faults]";
    }
  }
}
