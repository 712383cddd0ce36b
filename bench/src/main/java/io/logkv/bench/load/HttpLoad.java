package io.logkv.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Drives one HTTP/1.1 server from a single selector thread. Every connection is kept alive and
 * carries one request at a time.
 *
 * <p>Open model: request n is due at {@code start + n / rate}. It is sent as soon as it is due
 * and a connection is free; its latency counts from the due time, so time spent waiting for a
 * connection because the server is slow is part of the figure (wrk2's correction for
 * coordinated omission). Closed model: each connection sends its next request when the answer to
 * the last one arrives; the figure is throughput.
 *
 * <p>Bounded: a run stops after {@code duration} (or {@code maxRequests}), waits at most {@link
 * #DRAIN_NANOS} for answers in flight, and counts the rest as failures.
 */
public final class HttpLoad {
  private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(15);
  private static final long MAX_TRACKED_NANOS = TimeUnit.SECONDS.toNanos(60);

  /** Called with each answer's header bytes, on the load thread; keep it short. */
  @FunctionalInterface
  public interface AnswerListener {
    void answered(long request, int status, String head, long dueNanos, long doneNanos);
  }

  private final InetSocketAddress target;
  private final String host;
  private final int connections;
  private final Workload workload;
  private static final AnswerListener NO_LISTENER = (n, s, h, due, done) -> { };
  private AnswerListener listener = NO_LISTENER;

  public HttpLoad(String host, int port, int connections, Workload workload) {
    this.target = new InetSocketAddress(host, port);
    this.host = host + ":" + port;
    this.connections = connections;
    this.workload = workload;
  }

  public HttpLoad onAnswer(AnswerListener l) {
    this.listener = l;
    return this;
  }

  /** As fast as the server answers, for {@code durationNanos} or {@code maxRequests}. */
  public LoadResult closed(long durationNanos, long maxRequests) {
    return run(0, durationNanos, maxRequests);
  }

  /** At a constant {@code ratePerSecond}, for {@code durationNanos}. */
  public LoadResult open(double ratePerSecond, long durationNanos) {
    if (ratePerSecond <= 0) {
      throw new IllegalArgumentException("rate must be positive");
    }
    return run(ratePerSecond, durationNanos, Long.MAX_VALUE);
  }

  private static final class Conn {
    SocketChannel channel;
    SelectionKey key;
    ByteBuffer out;
    ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    long request = -1;
    long due;
    long sent;
    int headEnd = -1;
    int scanFrom;
    int status;
    long contentLength;
  }

  private LoadResult run(double rate, long durationNanos, long maxRequests) {
    Histogram latency = new Histogram(MAX_TRACKED_NANOS, 3);
    Histogram service = new Histogram(MAX_TRACKED_NANOS, 3);
    Map<Integer, Long> statuses = new HashMap<>();
    long[] counts = new long[3]; // requests, successes, failures
    boolean open = rate > 0;
    double interval = open ? 1e9 / rate : 0;
    try (Selector selector = Selector.open()) {
      ArrayDeque<Conn> idle = new ArrayDeque<>();
      for (int i = 0; i < connections; i++) {
        idle.add(connect(selector));
      }
      long start = System.nanoTime();
      long end = start + durationNanos;
      long issued = 0;
      int inFlight = 0;
      while (true) {
        long now = System.nanoTime();
        boolean issuing = now < end && issued < maxRequests;
        if (!issuing && inFlight == 0) {
          break;
        }
        if (!issuing && now > end + DRAIN_NANOS) {
          counts[2] += inFlight;
          statuses.merge(0, (long) inFlight, Long::sum);
          counts[0] += inFlight;
          break;
        }
        while (issuing && !idle.isEmpty()) {
          long due = open ? start + (long) (issued * interval) : now;
          if (due > now) {
            break;
          }
          Conn c = idle.poll();
          send(c, issued, due, now);
          issued++;
          inFlight++;
          issuing = now < end && issued < maxRequests;
        }
        long nextDue = open && issuing ? start + (long) (issued * interval) : Long.MAX_VALUE;
        long wait = nextDue == Long.MAX_VALUE ? Long.MAX_VALUE : nextDue - System.nanoTime();
        int ready;
        if (!idle.isEmpty() && wait < 2_000_000) {
          // A request is due within 2 ms: poll and nap briefly rather than block a whole ms.
          ready = selector.selectNow();
          if (ready == 0 && wait > 0) {
            LockSupport.parkNanos(Math.min(wait, 50_000));
          }
        } else {
          ready = selector.select(Math.max(1, Math.min(100, wait / 1_000_000)));
        }
        if (ready == 0) {
          continue;
        }
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey k = it.next();
          it.remove();
          Conn c = (Conn) k.attachment();
          try {
            if (k.isValid() && k.isWritable()) {
              c.channel.write(c.out);
              if (!c.out.hasRemaining()) {
                k.interestOps(SelectionKey.OP_READ);
              }
            }
            if (k.isValid() && k.isReadable() && readAnswer(c)) {
              long done = System.nanoTime();
              boolean ok = workload.isSuccess(c.request, c.status);
              record(latency, done - c.due);
              record(service, done - c.sent);
              statuses.merge(c.status, 1L, Long::sum);
              counts[0]++;
              counts[ok ? 1 : 2]++;
              if (listener != NO_LISTENER) {
                listener.answered(c.request, c.status, head(c), c.due, done);
              }
              reset(c);
              inFlight--;
              idle.add(c);
            }
          } catch (IOException e) {
            // The connection broke with a request in flight: a failure; open a new one.
            counts[0]++;
            counts[2]++;
            statuses.merge(0, 1L, Long::sum);
            record(latency, System.nanoTime() - c.due);
            inFlight--;
            k.cancel();
            closeQuietly(c.channel);
            idle.add(connect(selector));
          }
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      for (SelectionKey k : selector.keys()) {
        closeQuietly((SocketChannel) k.channel());
      }
      return new LoadResult(open ? "open" : "closed", counts[0], counts[1], counts[2], LoadResult.sorted(statuses),
          seconds, rate, latency, service);
    } catch (IOException e) {
      throw new UncheckedIOException("load against " + target + " failed: " + e.getMessage(), e);
    }
  }

  private Conn connect(Selector selector) throws IOException {
    Conn c = new Conn();
    c.channel = SocketChannel.open();
    c.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    c.channel.connect(target);
    c.channel.configureBlocking(false);
    c.key = c.channel.register(selector, 0, c);
    return c;
  }

  private void send(Conn c, long request, long due, long now) throws IOException {
    c.request = request;
    c.due = due;
    c.sent = now;
    c.out = ByteBuffer.wrap(workload.request(request, host));
    c.channel.write(c.out);
    c.key.interestOps(c.out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
  }

  /** Reads what is there; true once a whole answer (head and Content-Length body) is in. */
  private static boolean readAnswer(Conn c) throws IOException {
    int n = c.channel.read(c.in);
    if (n < 0) {
      throw new IOException("connection closed by the server");
    }
    if (c.headEnd < 0) {
      int limit = c.in.position();
      byte[] a = c.in.array();
      for (int i = Math.max(3, c.scanFrom); i < limit; i++) {
        if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
          c.headEnd = i + 1;
          break;
        }
      }
      c.scanFrom = limit;
      if (c.headEnd < 0) {
        if (!c.in.hasRemaining()) {
          throw new IOException("answer head larger than " + c.in.capacity() + " bytes");
        }
        return false;
      }
      c.status = (a[9] - '0') * 100 + (a[10] - '0') * 10 + (a[11] - '0');
      c.contentLength = contentLength(a, c.headEnd, c.status);
      long total = c.headEnd + c.contentLength;
      if (total > c.in.capacity()) {
        ByteBuffer bigger = ByteBuffer.allocate((int) total);
        c.in.flip();
        bigger.put(c.in);
        c.in = bigger;
      }
    }
    return c.in.position() >= c.headEnd + c.contentLength;
  }

  private static final byte[] CONTENT_LENGTH = "\r\ncontent-length:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** The Content-Length header's value, found without building a String. */
  private static long contentLength(byte[] a, int headEnd, int status) throws IOException {
    outer:
    for (int i = 0; i + CONTENT_LENGTH.length < headEnd; i++) {
      for (int j = 0; j < CONTENT_LENGTH.length; j++) {
        byte b = a[i + j];
        if (b >= 'A' && b <= 'Z') {
          b += 32;
        }
        if (b != CONTENT_LENGTH[j]) {
          continue outer;
        }
      }
      long v = 0;
      for (int k = i + CONTENT_LENGTH.length; k < headEnd && a[k] != '\r'; k++) {
        if (a[k] >= '0' && a[k] <= '9') {
          v = v * 10 + (a[k] - '0');
        }
      }
      return v;
    }
    if (status == 204 || status == 304) {
      return 0;
    }
    throw new IOException("answer without Content-Length (chunked answers are not supported), status " + status);
  }

  private static String head(Conn c) {
    return new String(c.in.array(), 0, c.headEnd, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  private static void reset(Conn c) {
    c.in.clear();
    c.headEnd = -1;
    c.scanFrom = 0;
    c.request = -1;
  }

  private static void record(Histogram h, long nanos) {
    h.recordValue(Math.max(1, Math.min(nanos, MAX_TRACKED_NANOS)));
  }

  private static void closeQuietly(SocketChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // closing a client connection
    }
  }
}
