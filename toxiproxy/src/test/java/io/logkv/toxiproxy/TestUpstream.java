package io.logkv.toxiproxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A real upstream for the proxies under test: a TCP server on 127.0.0.1, on a free port. */
final class TestUpstream implements AutoCloseable {

  /** What the server does with each accepted connection. */
  private interface Behaviour {
    void serve(Socket socket) throws IOException;
  }

  private final ServerSocket server;
  private final Behaviour behaviour;
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();

  private TestUpstream(Behaviour behaviour) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.behaviour = behaviour;
    Thread acceptor = new Thread(this::acceptLoop, "upstream-accept-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Echoes every byte back until the client closes. */
  static TestUpstream echo() throws IOException {
    return new TestUpstream(
        socket -> {
          InputStream in = socket.getInputStream();
          OutputStream out = socket.getOutputStream();
          byte[] buffer = new byte[16 * 1024];
          int read;
          while ((read = in.read(buffer)) >= 0) {
            out.write(buffer, 0, read);
          }
        });
  }

  /** Writes {@code greeting} to each client, then closes the connection. */
  static TestUpstream greetAndClose(byte[] greeting) throws IOException {
    return new TestUpstream(socket -> socket.getOutputStream().write(greeting));
  }

  int port() {
    return server.getLocalPort();
  }

  /** {@code 127.0.0.1:port}, as a proxy's upstream. */
  String address() {
    return "127.0.0.1:" + port();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        accepted.add(socket);
        Thread worker = new Thread(() -> serve(socket), "upstream-conn-" + socket.getPort());
        worker.setDaemon(true);
        worker.start();
      } catch (IOException e) {
        return; // closed by the test
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      behaviour.serve(socket);
    } catch (IOException e) {
      // The proxy closed or reset the connection, which is what many tests do.
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : accepted) {
      socket.close();
    }
  }
}
