package io.logkv.toxiproxy;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One client connection and its upstream connection, joined by two links. */
final class Connection {

  private static final Logger log = LoggerFactory.getLogger(Connection.class);

  private final Socket client;
  private final Socket server;
  private final Link upstream;
  private final Link downstream;
  private final Consumer<Connection> onClose;
  private final AtomicBoolean closed = new AtomicBoolean();

  Connection(Socket client, Socket server, ToxicSet toxics, Consumer<Connection> onClose)
      throws IOException {
    this.client = client;
    this.server = server;
    this.onClose = onClose;
    this.upstream = new Link(this, Direction.UPSTREAM, client, server, toxics);
    this.downstream = new Link(this, Direction.DOWNSTREAM, server, client, toxics);
  }

  void start(Executor threads) {
    upstream.start(threads);
    downstream.start(threads);
  }

  /** Closes both sockets (FIN) and stops both links. Idempotent. */
  void close() {
    close(false);
  }

  /** Closes both sockets with a TCP reset (RST), so both peers see "connection reset". */
  void reset() {
    close(true);
  }

  private void close(boolean reset) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    upstream.stop();
    downstream.stop();
    closeSocket(client, reset);
    closeSocket(server, reset);
    onClose.accept(this);
  }

  /**
   * Closes a socket that is being discarded. A failure here changes nothing for anyone (the peer
   * sees the connection end either way), so it is logged, not thrown.
   */
  static void closeSocket(Socket socket, boolean reset) {
    try {
      if (reset) {
        socket.setSoLinger(true, 0); // a zero linger makes close() send RST instead of FIN
      }
      socket.close();
    } catch (IOException e) {
      log.debug("closing {} failed: {}", socket, e.toString());
    }
  }
}
