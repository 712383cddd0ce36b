package io.logkv.chaos.workload;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Client errors by kind ({@link Reply#errorKind()}), counted by any number of threads. */
public final class ErrorCounts {
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  public void add(String kind) {
    counts.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  /** A sorted copy. */
  public Map<String, Long> snapshot() {
    Map<String, Long> copy = new TreeMap<>();
    counts.forEach((k, v) -> copy.put(k, v.sum()));
    return copy;
  }

  public long total() {
    return counts.values().stream().mapToLong(LongAdder::sum).sum();
  }
}
