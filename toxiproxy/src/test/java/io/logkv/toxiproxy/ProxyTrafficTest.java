package io.logkv.toxiproxy;

import static org.assertj.core.api.Assertions.assertThat;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/** Bytes through a proxy with no toxics, and what enable, disable and delete do to them. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ProxyTrafficTest {

  private Proxy proxy;

  @RegisterExtension final ToxiproxyFixture toxiproxy = new ToxiproxyFixture();

  @BeforeEach
  void createProxy() throws IOException {
    proxy = toxiproxy.client().createProxy("echo", "127.0.0.1:0", toxiproxy.upstream().address());
  }

  @Test
  void proxy_carriesBytesBothWaysUnchanged() throws Exception {
    byte[] payload = Wire.bytes(1 << 20, 1);
    try (Socket socket = Wire.connect(proxy.getListen())) {
      // Written from another thread: a megabyte does not fit in the socket buffers both ways.
      Thread writer = new Thread(() -> writeQuietly(socket, payload));
      writer.start();
      assertThat(Wire.readExactly(socket, payload.length)).isEqualTo(payload);
      writer.join();
    }
  }

  @Test
  void proxy_servesManyConnectionsAtOnce() throws IOException {
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        sockets.add(Wire.connect(proxy.getListen()));
      }
      for (int i = 0; i < sockets.size(); i++) {
        assertThat(Wire.roundTrip(sockets.get(i), new byte[] {(byte) i})).containsExactly(i);
      }
    } finally {
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }

  @Test
  void disable_refusesNewConnectionsAndCutsOpenOnes() throws IOException {
    try (Socket open = Wire.connect(proxy.getListen())) {
      Wire.roundTrip(open, new byte[] {1});

      proxy.disable();

      assertThat(proxy.isEnabled()).isFalse();
      assertThat(Wire.isClosedByPeer(open)).isTrue();
      assertThat(Wire.refusesConnections(proxy.getListen())).isTrue();
    }
  }

  @Test
  void enable_listensAgainOnTheSameAddress() throws IOException {
    String listen = proxy.getListen();
    proxy.disable();

    proxy.enable();

    assertThat(proxy.getListen()).isEqualTo(listen);
    try (Socket socket = Wire.connect(listen)) {
      assertThat(Wire.roundTrip(socket, new byte[] {2})).containsExactly(2);
    }
  }

  @Test
  void disableThenEnable_manyTimesInARow_rebindsAndRefusesEveryTime() throws IOException {
    String listen = proxy.getListen();
    for (int i = 0; i < 25; i++) {
      try (Socket open = Wire.connect(listen)) {
        Wire.roundTrip(open, new byte[] {(byte) i});

        proxy.disable();

        assertThat(Wire.refusesConnections(listen)).isTrue();
        proxy.enable();
        assertThat(proxy.getListen()).isEqualTo(listen);
      }
    }
  }

  @Test
  void delete_cutsOpenConnections() throws IOException {
    try (Socket open = Wire.connect(proxy.getListen())) {
      Wire.roundTrip(open, new byte[] {1});

      proxy.delete();

      assertThat(Wire.isClosedByPeer(open)).isTrue();
    }
  }

  @Test
  void setUpstream_cutsOpenConnectionsAndForwardsToTheNewUpstream() throws IOException {
    try (TestUpstream other = TestUpstream.greetAndClose(new byte[] {42});
        Socket open = Wire.connect(proxy.getListen())) {
      Wire.roundTrip(open, new byte[] {1});

      proxy.setUpstream(other.address());

      assertThat(Wire.isClosedByPeer(open)).isTrue();
      try (Socket socket = Wire.connect(proxy.getListen())) {
        assertThat(Wire.readToEnd(socket)).containsExactly(42);
      }
    }
  }

  @Test
  void upstreamDown_closesTheClient() throws IOException {
    int nothingThere;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      nothingThere = probe.getLocalPort();
    }
    proxy.setUpstream("127.0.0.1:" + nothingThere);

    try (Socket socket = Wire.connect(proxy.getListen())) {
      assertThat(Wire.isClosedByPeer(socket)).isTrue();
    }
  }

  @Test
  void upstreamClosing_closesTheClientAfterItsLastBytes() throws IOException {
    try (TestUpstream greeter = TestUpstream.greetAndClose(new byte[] {9, 8, 7})) {
      proxy.setUpstream(greeter.address());
      try (Socket socket = Wire.connect(proxy.getListen())) {
        assertThat(Wire.readToEnd(socket)).containsExactly(9, 8, 7);
      }
    }
  }

  @Test
  void close_isIdempotentAndStopsTheProxies() throws IOException {
    try (Socket open = Wire.connect(proxy.getListen())) {
      toxiproxy.server().close();
      toxiproxy.server().close();

      assertThat(Wire.isClosedByPeer(open)).isTrue();
      assertThat(Wire.refusesConnections(proxy.getListen())).isTrue();
    }
  }

  private static void writeQuietly(Socket socket, byte[] payload) {
    try {
      socket.getOutputStream().write(payload);
    } catch (IOException e) {
      throw new IllegalStateException("writing the payload failed", e);
    }
  }
}
