package io.logkv.toxiproxy;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One direction of one proxied connection: bytes read from one socket, passed through the toxics
 * of that direction, written to the other socket.
 *
 * <p><b>Threads.</b> A reader thread only reads: it stamps each chunk with its arrival time and
 * queues it. The queue is short, so a toxic that holds data pushes back on the sender through TCP
 * instead of buffering without bound. A writer thread takes the chunks in order and runs each
 * through the toxic chain as it stands at that moment, then writes it. Because timing is counted
 * from arrival, latency delays chunks that follow each other closely once each, in parallel, as
 * Toxiproxy does, rather than one after the other.
 *
 * <p><b>Live toxics.</b> Every wait of the writer, between chunks or inside a toxic, is a wait on
 * this object's monitor, and every change to the proxy's toxics wakes it ({@link #toxicsChanged}).
 * So adding, updating or removing a toxic acts on open connections: a new one applies from the
 * next chunk, a changed one is re-read by the toxic holding a chunk, a removed one passes on what
 * it holds. Between chunks the writer also runs the only timer that needs no data: a timeout toxic
 * closes the connection once its direction has been silent long enough.
 *
 * <p><b>Ending.</b> The end of the stream passes through the chain too (slow_close holds it), then
 * the whole connection closes, both sockets, as Toxiproxy does: there is no half-close. A read or
 * write error closes the connection at once.
 */
final class Link {

  /** A deadline that never comes. */
  static final long NEVER = Long.MAX_VALUE;

  private static final Logger log = LoggerFactory.getLogger(Link.class);
  private static final int READ_BYTES = 32 * 1024;
  private static final int MAX_QUEUED_CHUNKS = 16;

  private final Connection connection;
  private final Direction direction;
  private final InputStream in;
  private final OutputStream out;
  private final ToxicSet toxics;
  private final Map<Toxic, ToxicState> states = new HashMap<>(); // writer thread only
  private final ArrayDeque<Chunk> queue = new ArrayDeque<>(); // guarded by this
  private boolean stopped; // guarded by this

  Link(Connection connection, Direction direction, Socket from, Socket to, ToxicSet toxics)
      throws IOException {
    this.connection = connection;
    this.direction = direction;
    this.in = from.getInputStream();
    this.out = to.getOutputStream();
    this.toxics = toxics;
  }

  void start(Executor threads) {
    toxics.subscribe(this);
    threads.execute(this::readLoop);
    threads.execute(this::writeLoop);
  }

  /** Ends both threads' waits; the connection closes the sockets. Idempotent. */
  void stop() {
    toxics.unsubscribe(this);
    synchronized (this) {
      stopped = true;
      queue.clear();
      notifyAll();
    }
  }

  /** Wakes the writer to re-read the toxics. Called by {@link ToxicSet} on every change. */
  synchronized void toxicsChanged() {
    notifyAll();
  }

  /**
   * Waits until {@code deadline} ({@link System#nanoTime()}, or {@link #NEVER}) has passed, or the
   * toxic is removed. The deadline is asked again after every change of the toxics, so it may
   * follow the toxic's attributes. Only the writer thread, inside a toxic, calls this.
   *
   * @return true when the deadline passed, false when the toxic was removed first
   * @throws IOException when the connection closed meanwhile
   */
  boolean sleepUntil(Toxic toxic, LongSupplier deadline) throws IOException, InterruptedException {
    synchronized (this) {
      while (true) {
        if (stopped) {
          throw new StoppedException();
        }
        if (toxic.isRemoved()) {
          return false;
        }
        long remaining = remainingNanos(deadline.getAsLong());
        if (remaining <= 0) {
          return true;
        }
        NANOSECONDS.timedWait(this, remaining);
      }
    }
  }

  /** Closes the connection (FIN) and unwinds the writer. Only the writer thread calls this. */
  void closeConnection() throws IOException {
    connection.close();
    throw new StoppedException();
  }

  /** Resets the connection (RST) and unwinds the writer. Only the writer thread calls this. */
  void resetConnection() throws IOException {
    connection.reset();
    throw new StoppedException();
  }

  private void readLoop() {
    byte[] buffer = new byte[READ_BYTES];
    try {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        if (!enqueue(new Chunk(Arrays.copyOf(buffer, read), System.nanoTime()))) {
          return;
        }
      }
      enqueue(Chunk.END);
    } catch (IOException e) {
      // Closed by us, or reset by the peer: nothing more comes from this side either way.
      log.debug("{} read ended: {}", direction, e.toString());
      connection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      connection.close();
    }
  }

  private synchronized boolean enqueue(Chunk chunk) throws InterruptedException {
    while (!stopped && queue.size() >= MAX_QUEUED_CHUNKS) {
      wait();
    }
    if (stopped) {
      return false;
    }
    queue.add(chunk);
    notifyAll();
    return true;
  }

  private void writeLoop() {
    try {
      Chunk chunk;
      while ((chunk = next()) != null) {
        List<Toxic> chain = toxics.chain(direction);
        if (chunk.isEnd()) {
          end(chain);
          break;
        }
        pass(chunk, chain, 0);
      }
    } catch (IOException e) {
      // A peer went away, or a toxic or the API closed the connection: it ends either way.
      log.debug("{} write ended: {}", direction, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      connection.close();
    }
  }

  /**
   * The next chunk, or null when the connection must close: stopped, a timeout toxic's silence
   * ran out, or a timeout toxic that applied was removed.
   */
  private Chunk next() throws InterruptedException {
    synchronized (this) {
      while (!stopped) {
        if (!reconcile()) {
          return null;
        }
        Chunk chunk = queue.poll();
        if (chunk != null) {
          notifyAll(); // the reader may be waiting for room
          return chunk;
        }
        long remaining = remainingNanos(idleDeadline());
        if (remaining <= 0) {
          return null;
        }
        NANOSECONDS.timedWait(this, remaining);
      }
      return null;
    }
  }

  /**
   * Brings the per-toxic states in line with the current chain, so that a new toxic's clock starts
   * when it is added, not when data next comes.
   *
   * @return false when a removed toxic requires the connection to close
   */
  private boolean reconcile() {
    List<Toxic> chain = toxics.chain(direction);
    boolean keepOpen = true;
    for (Iterator<Map.Entry<Toxic, ToxicState>> it = states.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Toxic, ToxicState> entry = it.next();
      if (!chain.contains(entry.getKey())) {
        it.remove();
        if (entry.getValue().applies && entry.getKey().type().closesWhenRemoved()) {
          keepOpen = false;
        }
      }
    }
    for (Toxic toxic : chain) {
      if (!toxic.isRemoved()) {
        state(toxic);
      }
    }
    return keepOpen;
  }

  private long idleDeadline() {
    long earliest = NEVER;
    for (Map.Entry<Toxic, ToxicState> entry : states.entrySet()) {
      long deadline = entry.getKey().type().idleDeadline(entry.getKey(), entry.getValue());
      if (deadline != NEVER && (earliest == NEVER || deadline - earliest < 0)) {
        earliest = deadline;
      }
    }
    return earliest;
  }

  private ToxicState state(Toxic toxic) {
    ToxicState state = states.computeIfAbsent(toxic, t -> new ToxicState(System.nanoTime()));
    double toxicity = toxic.toxicity();
    if (state.drawnFor != toxicity) {
      state.applies = ThreadLocalRandom.current().nextDouble() < toxicity;
      state.drawnFor = toxicity;
    }
    return state;
  }

  /** Runs the chunk through the toxics from {@code from} on, then writes what comes out. */
  private void pass(Chunk chunk, List<Toxic> chain, int from)
      throws IOException, InterruptedException {
    for (int i = from; i < chain.size(); i++) {
      Toxic toxic = chain.get(i);
      if (toxic.isRemoved()) {
        continue;
      }
      ToxicState state = state(toxic);
      if (state.applies) {
        int rest = i + 1;
        toxic.type().pipe(chunk, toxic, state, this, piece -> pass(piece, chain, rest));
        return;
      }
    }
    out.write(chunk.data());
    out.flush();
  }

  private void end(List<Toxic> chain) throws IOException, InterruptedException {
    for (Toxic toxic : chain) {
      if (toxic.isRemoved()) {
        continue;
      }
      ToxicState state = state(toxic);
      if (state.applies) {
        toxic.type().end(toxic, state, this);
      }
    }
  }

  private static long remainingNanos(long deadline) {
    return deadline == NEVER ? Long.MAX_VALUE : deadline - System.nanoTime();
  }

  /** The connection was closed while the writer waited or worked; unwinds the writer. */
  private static final class StoppedException extends IOException {
    StoppedException() {
      super("connection closed");
    }
  }
}
