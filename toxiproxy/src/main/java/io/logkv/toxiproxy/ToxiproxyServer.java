package io.logkv.toxiproxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * A server that speaks the Toxiproxy HTTP API, for chaos runs without a real Toxiproxy.
 *
 * <p>{@link #start} serves the control API on the given address (port 0 picks a free one) and runs
 * the proxies it is asked for on blocking sockets, two threads per direction of each connection:
 * made for loopback test traffic, not for throughput. Drive it with the toxiproxy-java client
 * ({@code new ToxiproxyClient("127.0.0.1", server.port())}), or run {@link #main} in place of the
 * toxiproxy-server binary.
 */
public interface ToxiproxyServer extends AutoCloseable {

  /** The port Toxiproxy's API uses by default. */
  int DEFAULT_PORT = 8474;

  /** Starts the API on {@code address}; port 0 picks a free port, see {@link #port()}. */
  static ToxiproxyServer start(InetSocketAddress address) {
    return UndertowToxiproxyServer.start(address);
  }

  /** Starts the API on 127.0.0.1:{@code port}; port 0 picks a free port. */
  static ToxiproxyServer start(int port) {
    return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
  }

  /** The API's base URL, such as {@code http://127.0.0.1:8474}. */
  String url();

  /** The port the API is bound to. */
  int port();

  /** Stops the API and every proxy, closing all proxied connections. Idempotent. */
  @Override
  void close();

  /**
   * Runs the server until the process is stopped: {@code [--host H] [--port N]}, default
   * 127.0.0.1:8474 ({@code --host 0.0.0.0} in a container).
   */
  static void main(String[] args) throws InterruptedException {
    int port = DEFAULT_PORT;
    String host = InetAddress.getLoopbackAddress().getHostAddress();
    try {
      for (int i = 0; i < args.length; i++) {
        if (args[i].equals("--host") && i + 1 < args.length) {
          host = args[++i];
        } else if (args[i].equals("--port") && i + 1 < args.length) {
          port = Integer.parseInt(args[++i]);
        } else if (args[i].startsWith("--port=")) {
          port = Integer.parseInt(args[i].substring("--port=".length()));
        } else {
          throw new IllegalArgumentException("unknown argument: " + args[i]);
        }
      }
    } catch (IllegalArgumentException e) { // NumberFormatException included
      System.err.println(e.getMessage());
      System.err.println("usage: ToxiproxyServer [--host H] [--port N]   (default 127.0.0.1:" + DEFAULT_PORT + ")");
      System.exit(2);
    }
    ToxiproxyServer server = start(new InetSocketAddress(host, port));
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "toxiproxy-shutdown"));
    System.out.println("Toxiproxy API listening on " + server.url());
    new CountDownLatch(1).await(); // serve until the process is stopped
  }
}
