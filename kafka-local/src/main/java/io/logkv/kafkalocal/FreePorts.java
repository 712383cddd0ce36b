package io.logkv.kafkalocal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on the loopback interface, for servers a test or a cluster starts.
 *
 * <p>Why not {@code new ServerSocket(0)}: that port comes from the kernel's ephemeral range, the
 * same range every outgoing connection takes its local port from. A cluster picks its ports first
 * and binds some of them seconds later (nginx binds after the broker and the nodes are up), and
 * meanwhile the Kafka clients open many connections: one of them can take the port ("Address
 * already in use"). So ports are drawn at random below the ephemeral range (Linux's default starts
 * at 32768), checked bindable, and never handed out twice by this JVM.
 */
public final class FreePorts {
  private static final int LOW = 20_000;
  private static final int HIGH = 32_000;
  private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  /** A port outside the ephemeral range that was free a moment ago and was not given out before. */
  public static int next() {
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
      if (GIVEN.contains(port) || !bindable(port)) {
        continue;
      }
      if (GIVEN.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port on loopback between " + LOW + " and " + HIGH);
  }

  /** The first of {@code n} consecutive ports, each free a moment ago and not given out before. */
  public static int nextBlock(int n) {
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int first = ThreadLocalRandom.current().nextInt(LOW, HIGH - n);
      boolean free = true;
      for (int p = first; p < first + n && free; p++) {
        free = !GIVEN.contains(p) && bindable(p);
      }
      if (free) {
        boolean claimed = true;
        for (int p = first; p < first + n; p++) {
          claimed &= GIVEN.add(p);
        }
        if (claimed) {
          return first;
        }
      }
    }
    throw new IllegalStateException("no " + n + " consecutive free ports on loopback between " + LOW + " and " + HIGH);
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether something accepts connections on 127.0.0.1:{@code port}. */
  public static boolean isListening(int port) {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
