package io.logkv.store.http;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import java.net.InetSocketAddress;
import org.xnio.Options;

/**
 * The node's Undertow server. Limits that keep bad clients from stalling the node: header size,
 * time to send the request head, idle keep-alive connections, and the body size and time bounds
 * applied where a body is read.
 */
public final class HttpServer implements AutoCloseable {
  /** Request line plus headers; a larger head is refused. */
  public static final int MAX_HEADER_BYTES = 16 * 1024;

  private final Undertow undertow;
  private volatile boolean stopped;

  /**
   * @param requestTimeoutMillis time a client has to send the request line and headers
   * @param idleTimeoutMillis a keep-alive connection with no request for this long is closed
   */
  public HttpServer(String bind, int port, int ioThreads, int requestTimeoutMillis, int idleTimeoutMillis,
      Router router) {
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
            .setHandler(router)
            .build();
  }

  public HttpServer start() {
    undertow.start();
    return this;
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
