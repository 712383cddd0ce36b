package io.logkv.store;

import java.lang.management.ManagementFactory;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long each start-up step of a node took, for the one line the node logs when it first turns
 * ready. The line is made to be parsed (by the chaos report, by an operator's grep):
 *
 * <pre>
 * node n1 ready: total_ms=1234 jvm_ms=310 config_ms=120 topic_ms=95 writer_ms=60 http_ms=80 snapshot_ms=0 replay_ms=12 replay_records=0
 * </pre>
 *
 * <p>Every key is always there, in this order, each value a whole number of milliseconds (records
 * for {@code replay_records}). {@code total_ms} runs from the JVM's start to ready; {@code jvm_ms}
 * from the JVM's start to {@code main} (0 for a node embedded in another program, whose total then
 * starts at {@link Node#start}); {@code config_ms} from {@code main} to the first Kafka call (logging,
 * options, the auth file); {@code topic_ms} the topic check; {@code writer_ms} making the producer and
 * fetching its metadata; {@code http_ms} starting the HTTP server; {@code snapshot_ms} loading a snapshot;
 * {@code replay_ms} replaying the log after it. Loading and replaying run on the applier's thread
 * beside the rest, so the steps do not add up to the total. The same figures are in /status as
 * {@code startup} once the node is ready.
 *
 * <p>Steps are recorded from several threads (main, the applier); thread-safe.
 */
public final class StartupTimeline {
  /** The keys of the ready line, in order. */
  public static final String[] KEYS = {
    "total_ms", "jvm_ms", "config_ms", "topic_ms", "writer_ms", "http_ms", "snapshot_ms", "replay_ms",
    "replay_records"
  };
  private static final Pattern READY_LINE = Pattern.compile("node (\\S+) ready: ((?:\\w+=\\d+ ?)+)$");

  private final long jvmStartNanos;
  private final long mainNanos;
  private final LongSupplier nanoTime;
  private final Map<String, Long> values = new ConcurrentHashMap<>();
  private volatile Map<String, Long> atReady;

  private StartupTimeline(long jvmStartNanos, long mainNanos, LongSupplier nanoTime) {
    this.jvmStartNanos = jvmStartNanos;
    this.mainNanos = mainNanos;
    this.nanoTime = nanoTime;
  }

  /**
   * The timeline of a node started by {@link Main}: {@code mainEnteredNanos} is {@link
   * System#nanoTime} at the start of {@code main}. The JVM's own start is taken from its runtime
   * bean (millisecond precision), converted to the nano clock once here.
   */
  static StartupTimeline fromMain(long mainEnteredNanos) {
    long nowNanos = System.nanoTime();
    long nowMillis = System.currentTimeMillis();
    long jvmStartMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
    long jvmStartNanos = nowNanos - TimeUnit.MILLISECONDS.toNanos(nowMillis - jvmStartMillis);
    return new StartupTimeline(Math.min(jvmStartNanos, mainEnteredNanos), mainEnteredNanos, System::nanoTime);
  }

  /** The timeline of a node embedded in another program: it starts now, with no JVM or main step. */
  static StartupTimeline embedded() {
    long now = System.nanoTime();
    return new StartupTimeline(now, now, System::nanoTime);
  }

  /** A timeline on a given clock, for tests: the JVM started at {@code jvmStartNanos}, main at {@code mainNanos}. */
  static StartupTimeline on(LongSupplier nanoTime, long jvmStartNanos, long mainNanos) {
    return new StartupTimeline(jvmStartNanos, mainNanos, nanoTime);
  }

  /** Now, on this timeline's clock. */
  long now() {
    return nanoTime.getAsLong();
  }

  /** Step {@code key} (one of {@link #KEYS}, a {@code _ms} one) ran from {@code beganNanos} until now. */
  void took(String key, long beganNanos) {
    values.put(key, TimeUnit.NANOSECONDS.toMillis(Math.max(0, now() - beganNanos)));
  }

  /** Step {@code key} took {@code millis}. */
  void tookMillis(String key, long millis) {
    values.put(key, Math.max(0, millis));
  }

  /** A count, such as {@code replay_records}. */
  void count(String key, long n) {
    values.put(key, n);
  }

  /** The config step: from main to now. */
  void configDone() {
    took("config_ms", mainNanos);
  }

  /**
   * The node turned ready now: fixes the figures (later calls change nothing) and returns the line
   * to log; see the class comment for its format.
   */
  String ready(String nodeId) {
    Map<String, Long> v = new LinkedHashMap<>();
    for (String key : KEYS) {
      v.put(key, values.getOrDefault(key, 0L));
    }
    v.put("total_ms", TimeUnit.NANOSECONDS.toMillis(now() - jvmStartNanos));
    v.put("jvm_ms", TimeUnit.NANOSECONDS.toMillis(mainNanos - jvmStartNanos));
    atReady = Collections.unmodifiableMap(v);
    StringBuilder s = new StringBuilder("node ").append(nodeId).append(" ready:");
    v.forEach((key, value) -> s.append(' ').append(key).append('=').append(value));
    return s.toString();
  }

  /** The figures fixed when the node turned ready, keyed as {@link #KEYS}; null before. */
  public Map<String, Long> atReady() {
    return atReady;
  }

  /**
   * The values of a ready line found in {@code logLine} (which may carry a log prefix), keyed as
   * in {@link #KEYS} plus {@code node}; empty if the line is not one.
   */
  public static Map<String, String> parseReadyLine(String logLine) {
    Matcher m = READY_LINE.matcher(logLine.strip());
    Map<String, String> out = new LinkedHashMap<>();
    if (!m.find()) {
      return out;
    }
    out.put("node", m.group(1));
    for (String pair : m.group(2).trim().split(" ")) {
      String[] kv = pair.split("=", 2);
      out.put(kv[0], kv[1]);
    }
    return out;
  }
}
