package io.logkv.cluster;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** Raw HTTP/1.1 on a socket (plain or TLS), for requests no well-behaved client would send. */
final class RawHttp implements AutoCloseable {
  private final Socket socket;

  /** A plain connection to 127.0.0.1:{@code port}. */
  RawHttp(int port) {
    this(port, null);
  }

  /** A TLS connection when {@code tls} is given (the handshake is done here), else plain. */
  RawHttp(int port, SSLContext tls) {
    try {
      Socket plain = new Socket();
      plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      plain.setSoTimeout(15_000);
      if (tls == null) {
        socket = plain;
      } else {
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
        s.startHandshake();
        socket = s;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  RawHttp send(String text) {
    try {
      socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
    } catch (IOException e) {
      // The server may close early (that is often what is being tested); reading tells.
    }
    return this;
  }

  /** Everything the server sends until it closes the connection; fails if it has not within {@code within}. */
  String readUntilClosed(Duration within) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long deadline = System.nanoTime() + within.toNanos();
    try {
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[8192];
      while (System.nanoTime() < deadline) {
        socket.setSoTimeout((int) Math.max(1, Duration.ofNanos(deadline - System.nanoTime()).toMillis()));
        int n = in.read(buf);
        if (n < 0) {
          return out.toString(StandardCharsets.ISO_8859_1);
        }
        out.write(buf, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server kept the connection open for " + within + "; it sent: " + out);
    } catch (IOException e) {
      return out.toString(StandardCharsets.ISO_8859_1); // reset by the server: closed too
    }
    throw new AssertionError("the server kept the connection open for " + within + "; it sent: " + out);
  }

  /** The response's head (status line and headers), whether or not the connection stays open. */
  String readHead(Duration within) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long deadline = System.nanoTime() + within.toNanos();
    try {
      InputStream in = socket.getInputStream();
      while (System.nanoTime() < deadline && !out.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
        socket.setSoTimeout((int) Math.max(1, Duration.ofNanos(deadline - System.nanoTime()).toMillis()));
        int b = in.read();
        if (b < 0) {
          break;
        }
        out.write(b);
      }
    } catch (IOException e) {
      // closed or reset: what arrived is the answer
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  /** The status code of the first response line in {@code response}, or -1 if there is none. */
  static int status(String response) {
    if (!response.startsWith("HTTP/1.1 ")) {
      return -1;
    }
    return Integer.parseInt(response.substring(9, 12));
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing a test socket
    }
  }
}
