package io.logkv.toxiproxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/** Client-side socket helpers for the tests; every read is bounded in time. */
final class Wire {

  /** Long enough for any healthy loopback exchange; only a broken proxy makes a read wait this. */
  static final int READ_TIMEOUT_MS = 5_000;

  private Wire() {}

  /** Connects to {@code host:port} (a proxy's listen address) with a bounded read timeout. */
  static Socket connect(String hostPort) throws IOException {
    HostPort address = HostPort.parse(hostPort);
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(address.host(), address.port()), READ_TIMEOUT_MS);
    socket.setSoTimeout(READ_TIMEOUT_MS);
    socket.setTcpNoDelay(true);
    return socket;
  }

  /** Writes {@code data} and reads as many bytes back (through an echo upstream). */
  static byte[] roundTrip(Socket socket, byte[] data) throws IOException {
    socket.getOutputStream().write(data);
    return readExactly(socket, data.length);
  }

  static byte[] readExactly(Socket socket, int length) throws IOException {
    byte[] bytes = socket.getInputStream().readNBytes(length);
    if (bytes.length < length) {
      throw new IOException("stream ended after " + bytes.length + " of " + length + " bytes");
    }
    return bytes;
  }

  /** Reads until the peer closes the connection; what came before the end. */
  static byte[] readToEnd(Socket socket) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[4096];
    try {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        bytes.write(buffer, 0, read);
      }
    } catch (SocketTimeoutException e) {
      throw e;
    } catch (SocketException e) {
      // A reset also ends the connection; what arrived before it still counts.
    }
    return bytes.toByteArray();
  }

  /** True when the peer closed or reset the connection within {@link #READ_TIMEOUT_MS}. */
  static boolean isClosedByPeer(Socket socket) throws IOException {
    try {
      return socket.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true;
    }
  }

  /** True when nothing arrives within {@code window}; the socket's timeout is restored after. */
  static boolean isSilentFor(Socket socket, Duration window) throws IOException {
    int timeout = socket.getSoTimeout();
    socket.setSoTimeout((int) window.toMillis());
    try {
      socket.getInputStream().read(); // a byte or the end of the stream: not silent
      return false;
    } catch (SocketTimeoutException e) {
      return true;
    } finally {
      socket.setSoTimeout(timeout);
    }
  }

  /** True when a TCP connect to {@code host:port} is refused. */
  static boolean refusesConnections(String hostPort) {
    try {
      connect(hostPort).close();
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  static byte[] bytes(int length, int seed) {
    byte[] bytes = new byte[length];
    new java.util.Random(seed).nextBytes(bytes);
    return bytes;
  }

  static long millisSince(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
  }
}
