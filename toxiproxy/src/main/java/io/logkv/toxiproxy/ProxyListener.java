package io.logkv.toxiproxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One enabled period of a proxy: the bound listener, its accept thread, and the connections it
 * accepted. Closing it refuses new clients and closes every connection; enabling the proxy again
 * opens a new one on the same address.
 */
final class ProxyListener {

  private static final Logger log = LoggerFactory.getLogger(ProxyListener.class);
  private static final int BACKLOG = 128;
  private static final int CONNECT_TIMEOUT_MS = 5_000;
  private static final int ACCEPT_EXIT_WAIT_MS = 5_000;

  private final String proxyName;
  private final ServerSocket serverSocket;
  private final HostPort upstream;
  private final ToxicSet toxics;
  private final Executor threads;
  private final Set<Connection> connections = new HashSet<>(); // guarded by this
  private final CountDownLatch acceptorExited = new CountDownLatch(1);
  private boolean closed; // guarded by this

  private ProxyListener(
      String proxyName,
      ServerSocket serverSocket,
      HostPort upstream,
      ToxicSet toxics,
      Executor threads) {
    this.proxyName = proxyName;
    this.serverSocket = serverSocket;
    this.upstream = upstream;
    this.toxics = toxics;
    this.threads = threads;
  }

  /** Binds {@code config.listen()} and starts accepting. */
  static ProxyListener open(ProxyConfig config, ToxicSet toxics, Executor threads)
      throws IOException {
    ServerSocket serverSocket = new ServerSocket();
    try {
      // Rebinding the same port after disable must not fail on the old connections' TIME_WAIT.
      serverSocket.setReuseAddress(true);
      serverSocket.bind(config.listen().resolve(), BACKLOG);
    } catch (IOException e) {
      serverSocket.close();
      throw e;
    }
    ProxyListener listener =
        new ProxyListener(config.name(), serverSocket, config.upstream(), toxics, threads);
    try {
      threads.execute(listener::acceptLoop);
    } catch (RejectedExecutionException e) {
      serverSocket.close();
      throw new IOException("server is shutting down", e);
    }
    return listener;
  }

  /** The address actually bound. */
  HostPort address() {
    return HostPort.of((InetSocketAddress) serverSocket.getLocalSocketAddress());
  }

  /**
   * Refuses new clients, then closes every open connection. When it returns the port is free to
   * bind again and connects to it are refused. Idempotent.
   */
  void close() {
    List<Connection> open;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      open = new ArrayList<>(connections);
      connections.clear();
    }
    try {
      serverSocket.close();
    } catch (IOException e) {
      log.warn("proxy {}: closing the listener failed", proxyName, e);
    }
    awaitAcceptorExit();
    open.forEach(Connection::close);
  }

  /**
   * Java closes a socket that another thread is blocked on only once that thread has left the
   * call: until the accept thread exits, the port stays in LISTEN, so an enable or restart right
   * after would fail to bind and new clients would still be queued.
   */
  private void awaitAcceptorExit() {
    try {
      if (!acceptorExited.await(ACCEPT_EXIT_WAIT_MS, TimeUnit.MILLISECONDS)) {
        log.warn(
            "proxy {}: accept thread still running after {} ms; the port may stay bound",
            proxyName,
            ACCEPT_EXIT_WAIT_MS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  private void acceptLoop() {
    try {
      while (true) {
        Socket client;
        try {
          client = serverSocket.accept();
        } catch (IOException e) {
          if (!isClosed()) {
            log.warn("proxy {}: accept failed, no longer listening", proxyName, e);
          }
          return;
        }
        try {
          threads.execute(() -> connect(client));
        } catch (RejectedExecutionException e) {
          Connection.closeSocket(client, false);
          return;
        }
      }
    } finally {
      acceptorExited.countDown();
    }
  }

  /** Dials the upstream for a new client at once; if it cannot be reached the client is closed. */
  private void connect(Socket client) {
    Socket server = new Socket();
    Connection connection;
    try {
      client.setTcpNoDelay(true);
      server.setTcpNoDelay(true);
      server.connect(upstream.resolve(), CONNECT_TIMEOUT_MS);
      connection = new Connection(client, server, toxics, this::forget);
    } catch (IOException e) {
      // Expected while a chaos scenario has the upstream down; the client sees its connection end.
      log.debug("proxy {}: upstream {} unreachable: {}", proxyName, upstream, e.toString());
      Connection.closeSocket(client, false);
      Connection.closeSocket(server, false);
      return;
    }
    boolean accepted;
    synchronized (this) {
      accepted = !closed && connections.add(connection);
    }
    if (!accepted) {
      connection.close(); // disabled while dialling
      return;
    }
    try {
      connection.start(threads);
    } catch (RejectedExecutionException e) {
      connection.close();
    }
  }

  private synchronized void forget(Connection connection) {
    connections.remove(connection);
  }
}
