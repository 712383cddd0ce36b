package io.logkv.toxiproxy;

import static java.util.concurrent.TimeUnit.MICROSECONDS;
import static java.util.concurrent.TimeUnit.MILLISECONDS;

import com.fasterxml.jackson.annotation.JsonValue;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The kinds of toxic, each with its attributes and what it does to a link.
 *
 * <p>{@link #pipe} runs on the link's writer thread for every chunk the toxic applies to, and hands
 * what it lets through to {@code next} (the rest of the chain, then the socket). A toxic that waits
 * does so through {@link Link#sleepUntil}, which returns early when the toxic is removed; it then
 * passes on what it holds, so removing a toxic never loses bytes (timeout and reset_peer drop data
 * by design). Attributes are re-read on every wake-up, so updates act on held data too.
 */
enum ToxicType {

  /** Delays each chunk by latency ± jitter (ms), counted from its arrival; order is kept. */
  LATENCY("latency", "jitter") {
    @Override
    void pipe(Chunk chunk, Toxic toxic, ToxicState state, Link link, Next next)
        throws IOException, InterruptedException {
      // Drawn once per chunk, so a live change of latency shifts the chunk rather than re-rolling.
      long jitter = toxic.attribute("jitter");
      long jitterMillis = jitter > 0 ? ThreadLocalRandom.current().nextLong(-jitter, jitter + 1) : 0;
      link.sleepUntil(
          toxic,
          () -> chunk.arrivedNanos() + MILLISECONDS.toNanos(toxic.attribute("latency") + jitterMillis));
      next.accept(chunk.arrivedAt(System.nanoTime()));
    }
  },

  /** Throttles to rate KB/s (1 KB = 1000 bytes, so bytes per ms); rate 0 holds the direction. */
  BANDWIDTH("rate") {
    @Override
    void pipe(Chunk chunk, Toxic toxic, ToxicState state, Link link, Next next)
        throws IOException, InterruptedException {
      int offset = 0;
      while (offset < chunk.size()) {
        long rate = toxic.attribute("rate");
        if (rate <= 0) {
          // Rate 0 is the common way to cut a direction without closing it: hold until changed.
          if (!link.sleepUntil(
              toxic, () -> toxic.attribute("rate") > 0 ? System.nanoTime() : Link.NEVER)) {
            break;
          }
          continue;
        }
        // At most 100 ms of transfer at a time, as Toxiproxy does, so a new rate acts quickly.
        int size = (int) Math.min(chunk.size() - offset, rate * 100);
        state.paidUntilNanos =
            Math.max(state.paidUntilNanos, System.nanoTime()) + size * 1_000_000L / rate;
        long due = state.paidUntilNanos;
        if (!link.sleepUntil(toxic, () -> due)) {
          break;
        }
        next.accept(chunk.slice(offset, offset + size));
        offset += size;
      }
      if (offset < chunk.size()) {
        next.accept(chunk.slice(offset, chunk.size()));
      }
    }
  },

  /** Lets data through untouched, and holds the end of the stream for delay ms. */
  SLOW_CLOSE("delay") {
    @Override
    void pipe(Chunk chunk, Toxic toxic, ToxicState state, Link link, Next next)
        throws IOException, InterruptedException {
      next.accept(chunk);
    }

    @Override
    void end(Toxic toxic, ToxicState state, Link link) throws IOException, InterruptedException {
      long start = System.nanoTime();
      link.sleepUntil(toxic, () -> start + MILLISECONDS.toNanos(toxic.attribute("delay")));
    }
  },

  /**
   * Swallows all data; with timeout > 0 closes the connection once its direction has been silent
   * that long (ms), with 0 holds it open until the toxic is removed.
   */
  TIMEOUT("timeout") {
    @Override
    void pipe(Chunk chunk, Toxic toxic, ToxicState state, Link link, Next next) {
      state.lastDataNanos = System.nanoTime(); // the chunk is dropped; the silence starts again
    }

    @Override
    long idleDeadline(Toxic toxic, ToxicState state) {
      long timeout = toxic.attribute("timeout");
      return state.applies && timeout > 0
          ? state.lastDataNanos + MILLISECONDS.toNanos(timeout)
          : Link.NEVER;
    }

    @Override
    boolean closesWhenRemoved() {
      // The connection has lost bytes, so resuming it would hand the peer a broken stream;
      // Toxiproxy closes it, and clients reconnect to a healthy proxy.
      return true;
    }
  },

  /** Splits chunks into pieces of average_size ± size_variation bytes, delay µs apart. */
  SLICER("average_size", "size_variation", "delay") {
    @Override
    void pipe(Chunk chunk, Toxic toxic, ToxicState state, Link link, Next next)
        throws IOException, InterruptedException {
      int offset = 0;
      while (offset < chunk.size() && !toxic.isRemoved()) {
        long average = Math.max(1, toxic.attribute("average_size"));
        long variation = Math.min(toxic.attribute("size_variation"), average - 1);
        long size =
            average
                + (variation > 0
                    ? ThreadLocalRandom.current().nextLong(-variation, variation + 1)
                    : 0);
        int end = (int) Math.min(chunk.size(), offset + size);
        next.accept(chunk.slice(offset, end));
        offset = end;
        if (offset < chunk.size()) {
          long start = System.nanoTime();
          link.sleepUntil(toxic, () -> start + MICROSECONDS.toNanos(toxic.attribute("delay")));
        }
      }
      if (offset < chunk.size()) {
        next.accept(chunk.slice(offset, chunk.size()));
      }
    }
  },

  /** Lets bytes through (per connection and direction), then closes the connection. */
  LIMIT_DATA("bytes") {
    @Override
    void pipe(Chunk chunk, Toxic toxic, ToxicState state, Link link, Next next)
        throws IOException, InterruptedException {
      long limit = toxic.attribute("bytes");
      long room = limit - state.bytesPassed;
      if (room > 0) {
        int size = (int) Math.min(room, chunk.size());
        state.bytesPassed += size;
        next.accept(size == chunk.size() ? chunk : chunk.slice(0, size));
      }
      if (state.bytesPassed >= limit) {
        link.closeConnection();
      }
    }
  },

  /** On the first chunk (dropped), waits timeout ms, then resets the connection: RST, not FIN. */
  RESET_PEER("timeout") {
    @Override
    void pipe(Chunk chunk, Toxic toxic, ToxicState state, Link link, Next next)
        throws IOException, InterruptedException {
      long start = System.nanoTime();
      if (link.sleepUntil(toxic, () -> start + MILLISECONDS.toNanos(toxic.attribute("timeout")))) {
        link.resetConnection();
      } else {
        next.accept(chunk); // removed while waiting: nothing is lost
      }
    }
  };

  /** The rest of the chain after a toxic. */
  @FunctionalInterface
  interface Next {
    void accept(Chunk chunk) throws IOException, InterruptedException;
  }

  private final List<String> attributes;

  ToxicType(String... attributes) {
    this.attributes = List.of(attributes);
  }

  static ToxicType parse(String text) {
    for (ToxicType type : values()) {
      if (type.wireName().equals(text)) {
        return type;
      }
    }
    throw new IllegalArgumentException("invalid toxic type: " + text);
  }

  /** Attribute names, in the order the API shows them. */
  List<String> attributes() {
    return attributes;
  }

  @JsonValue
  String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Acts on one chunk; only the link's writer thread calls this. */
  abstract void pipe(Chunk chunk, Toxic toxic, ToxicState state, Link link, Next next)
      throws IOException, InterruptedException;

  /** Acts on the end of the stream before the link closes the connection. */
  void end(Toxic toxic, ToxicState state, Link link) throws IOException, InterruptedException {}

  /** When the link must close the connection if no data comes, or {@link Link#NEVER}. */
  long idleDeadline(Toxic toxic, ToxicState state) {
    return Link.NEVER;
  }

  /** Whether removing this toxic closes the connections it applied to. */
  boolean closesWhenRemoved() {
    return false;
  }
}
