package io.logkv.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Raw HTTP/1.1 on a socket, for requests no well-behaved client would send. */
final class RawHttp implements AutoCloseable {
  private final Socket socket;

  RawHttp(int port) {
    try {
      socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(15_000);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  RawHttp send(String text) {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  RawHttp send(byte[] bytes) {
    try {
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
    } catch (IOException e) {
      // The server may close early (that is often what is being tested); reading tells.
    }
    return this;
  }

  /** Everything the server sends until it closes the connection or {@code within} passes. */
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

  /**
   * One whole response (head and a Content-Length body) on a connection that may stay open;
   * fails if it has not arrived within {@code within}.
   */
  String readResponse(Duration within) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long deadline = System.nanoTime() + within.toNanos();
    try {
      InputStream in = socket.getInputStream();
      while (System.nanoTime() < deadline) {
        socket.setSoTimeout((int) Math.max(1, Duration.ofNanos(deadline - System.nanoTime()).toMillis()));
        int b = in.read();
        if (b < 0) {
          break;
        }
        out.write(b);
        String text = out.toString(StandardCharsets.ISO_8859_1);
        int headEnd = text.indexOf("\r\n\r\n");
        if (headEnd >= 0) {
          java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(text);
          int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
          if (text.length() - headEnd - 4 >= length) {
            return text;
          }
        }
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
