package io.logkv.store.http;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import io.undertow.util.AttachmentKey;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.xnio.Options;

/**
 * The node's Undertow server. Limits that keep bad clients from stalling or exhausting the node:
 * header size, time to send the request head, idle keep-alive connections, open connections (503
 * above {@link HttpLimits#maxConnections()}, and no more accepted at all a little above it), and
 * the body size, time and in-flight bounds applied where a body is read ({@link BodyReader}).
 */
public final class HttpServer implements AutoCloseable {
  /** Request line plus headers; a larger head is refused. */
  public static final int MAX_HEADER_BYTES = 16 * 1024;
  private static final AttachmentKey<Boolean> COUNTED = AttachmentKey.create(Boolean.class);

  private final Undertow undertow;
  private final AtomicInteger connections = new AtomicInteger();
  private volatile boolean stopped;

  /**
   * @param requestTimeoutMillis time a client has to send the request line and headers
   * @param idleTimeoutMillis a keep-alive connection with no request for this long is closed
   */
  public HttpServer(String bind, int port, int ioThreads, int requestTimeoutMillis, int idleTimeoutMillis,
      HttpLimits limits, HttpHandler router) {
    int max = limits.maxConnections();
    HttpHandler guarded = ex -> {
      countConnection(ex);
      if (connections.get() > max) {
        ex.setPersistent(false);
        Responses.error(ex, ApiException.refusedBeforeHandling(ex.getRequestMethod(), "overloaded", "the node has more than " + max
            + " open connections (--max-connections); try again or another node"));
        return;
      }
      router.handleRequest(ex);
    };
    this.undertow =
        Undertow.builder()
            .addHttpListener(port, bind)
            .setIoThreads(ioThreads)
            .setWorkerThreads(Math.max(4, ioThreads * 2))
            .setServerOption(UndertowOptions.DECODE_URL, false)
            .setServerOption(UndertowOptions.MAX_HEADER_SIZE, MAX_HEADER_BYTES)
            .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, requestTimeoutMillis)
            .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, idleTimeoutMillis)
            .setServerOption(UndertowOptions.IDLE_TIMEOUT, idleTimeoutMillis)
            .setServerOption(UndertowOptions.MAX_HEADERS, 100)
            .setServerOption(UndertowOptions.MAX_PARAMETERS, 100)
            .setServerOption(UndertowOptions.ALWAYS_SET_DATE, true)
            .setSocketOption(Options.TCP_NODELAY, true)
            .setSocketOption(Options.BACKLOG, 1024)
            // A hard stop above the limit: connections that never send a request are not counted
            // by the handler, so past this the listener stops accepting until some close.
            .setSocketOption(Options.CONNECTION_HIGH_WATER, max + Math.max(16, max / 10))
            .setSocketOption(Options.CONNECTION_LOW_WATER, max)
            .setHandler(guarded)
            .build();
  }

  /** Counts a connection at its first request, and uncounts it when it closes. */
  private void countConnection(HttpServerExchange ex) {
    ServerConnection c = ex.getConnection();
    if (c.getAttachment(COUNTED) == null) {
      c.putAttachment(COUNTED, Boolean.TRUE);
      connections.incrementAndGet();
      c.addCloseListener(closed -> connections.decrementAndGet());
    }
  }

  public HttpServer start() {
    undertow.start();
    return this;
  }

  /** Connections that have sent at least one request and are open. */
  public int openConnections() {
    return connections.get();
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  @Override
  public synchronized void close() {
    if (!stopped) {
      stopped = true;
      undertow.stop();
    }
  }
}
