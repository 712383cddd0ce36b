package io.logkv.toxiproxy;

import static eu.rekawek.toxiproxy.model.ToxicDirection.DOWNSTREAM;
import static eu.rekawek.toxiproxy.model.ToxicDirection.UPSTREAM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.toxic.Bandwidth;
import eu.rekawek.toxiproxy.model.toxic.Timeout;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each toxic on real connections through an echo upstream. Timing is asserted only as a lower
 * bound (the toxic delayed at least this much); "nothing arrives" checks use short windows.
 */
@org.junit.jupiter.api.Timeout(value = 20, unit = TimeUnit.SECONDS)
class ToxicsTest {

  private static final Duration SILENCE = Duration.ofMillis(300);

  private Proxy proxy;

  @RegisterExtension final ToxiproxyFixture toxiproxy = new ToxiproxyFixture();

  @BeforeEach
  void createProxy() throws IOException {
    proxy = toxiproxy.client().createProxy("echo", "127.0.0.1:0", toxiproxy.upstream().address());
  }

  @Test
  void toxic_latency_delaysDownstreamBytes() throws IOException {
    proxy.toxics().latency("lag", DOWNSTREAM, 300);

    try (Socket socket = Wire.connect(proxy.getListen())) {
      long start = System.nanoTime();
      assertThat(Wire.roundTrip(socket, new byte[] {1, 2})).containsExactly(1, 2);
      assertThat(Wire.millisSince(start)).isGreaterThanOrEqualTo(300);
    }
  }

  @Test
  void toxic_latency_addedToAnOpenConnection_delaysIt() throws IOException {
    try (Socket socket = Wire.connect(proxy.getListen())) {
      Wire.roundTrip(socket, new byte[] {1});

      proxy.toxics().latency("lag", UPSTREAM, 300);

      long start = System.nanoTime();
      assertThat(Wire.roundTrip(socket, new byte[] {2})).containsExactly(2);
      assertThat(Wire.millisSince(start)).isGreaterThanOrEqualTo(300);
    }
  }

  @Test
  void toxic_latency_updatedLive_delaysByTheNewLatency() throws IOException {
    try (Socket socket = Wire.connect(proxy.getListen())) {
      proxy.toxics().latency("lag", DOWNSTREAM, 10).setLatency(300);

      long start = System.nanoTime();
      assertThat(Wire.roundTrip(socket, new byte[] {3})).containsExactly(3);
      assertThat(Wire.millisSince(start)).isGreaterThanOrEqualTo(300);
    }
  }

  @Test
  void toxic_timeoutZero_holdsData_andItsRemovalClosesTheConnection() throws IOException {
    try (Socket socket = Wire.connect(proxy.getListen())) {
      Timeout timeout = proxy.toxics().timeout("cut", DOWNSTREAM, 0);
      socket.getOutputStream().write(1);
      assertThat(Wire.isSilentFor(socket, SILENCE)).isTrue();

      timeout.remove();

      // As in Toxiproxy: the connection lost bytes, so it ends rather than resumes.
      assertThat(Wire.isClosedByPeer(socket)).isTrue();
    }
  }

  @Test
  void toxic_timeoutRemoved_newConnectionsCarryDataAgain() throws IOException {
    Timeout timeout = proxy.toxics().timeout("cut", UPSTREAM, 0);
    try (Socket socket = Wire.connect(proxy.getListen())) {
      socket.getOutputStream().write(1);
      assertThat(Wire.isSilentFor(socket, SILENCE)).isTrue();
    }

    timeout.remove();

    try (Socket socket = Wire.connect(proxy.getListen())) {
      assertThat(Wire.roundTrip(socket, new byte[] {4})).containsExactly(4);
    }
  }

  @Test
  void toxic_timeout_closesTheConnectionAfterTheTimeout() throws IOException {
    proxy.toxics().timeout("cut", DOWNSTREAM, 200);

    try (Socket socket = Wire.connect(proxy.getListen())) {
      long start = System.nanoTime();
      socket.getOutputStream().write(1);

      assertThat(Wire.isClosedByPeer(socket)).isTrue();
      assertThat(Wire.millisSince(start)).isGreaterThanOrEqualTo(200);
    }
  }

  @Test
  void toxic_timeout_addedToAnIdleConnection_closesItWithoutData() throws IOException {
    try (Socket socket = Wire.connect(proxy.getListen())) {
      Wire.roundTrip(socket, new byte[] {1});

      proxy.toxics().timeout("cut", UPSTREAM, 100);

      assertThat(Wire.isClosedByPeer(socket)).isTrue();
    }
  }

  @Test
  void toxic_resetPeer_resetsTheConnection() throws IOException {
    proxy.toxics().resetPeer("rst", UPSTREAM, 0);

    try (Socket socket = Wire.connect(proxy.getListen())) {
      socket.getOutputStream().write(1);

      assertThatThrownBy(() -> socket.getInputStream().read())
          .isInstanceOf(SocketException.class)
          .hasMessageContaining("reset");
    }
  }

  @Test
  void toxic_resetPeer_waitsItsTimeoutFirst() throws IOException {
    proxy.toxics().resetPeer("rst", DOWNSTREAM, 200);

    try (Socket socket = Wire.connect(proxy.getListen())) {
      long start = System.nanoTime();
      socket.getOutputStream().write(1);

      assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketException.class);
      assertThat(Wire.millisSince(start)).isGreaterThanOrEqualTo(200);
    }
  }

  @Test
  void toxic_limitData_closesAfterThatManyBytes() throws IOException {
    proxy.toxics().limitData("limit", DOWNSTREAM, 10);

    try (Socket socket = Wire.connect(proxy.getListen())) {
      socket.getOutputStream().write(Wire.bytes(100, 2));

      byte[] received = Wire.readToEnd(socket);
      assertThat(received).isEqualTo(java.util.Arrays.copyOf(Wire.bytes(100, 2), 10));
    }
  }

  @Test
  void toxic_bandwidth_slowsATransfer() throws IOException {
    proxy.toxics().bandwidth("narrow", DOWNSTREAM, 50); // 50 KB/s: 25 000 bytes take 500 ms
    byte[] payload = Wire.bytes(25_000, 3);

    try (Socket socket = Wire.connect(proxy.getListen())) {
      long start = System.nanoTime();
      assertThat(Wire.roundTrip(socket, payload)).isEqualTo(payload);
      assertThat(Wire.millisSince(start)).isGreaterThanOrEqualTo(500);
    }
  }

  @Test
  void toxic_bandwidthZero_holdsDataUntilRemoved_andLosesNothing() throws IOException {
    try (Socket socket = Wire.connect(proxy.getListen())) {
      Wire.roundTrip(socket, new byte[] {1});
      Bandwidth cut = proxy.toxics().bandwidth("cut", DOWNSTREAM, 0);

      socket.getOutputStream().write(new byte[] {5, 6, 7});
      assertThat(Wire.isSilentFor(socket, SILENCE)).isTrue();
      cut.remove();

      assertThat(Wire.readExactly(socket, 3)).containsExactly(5, 6, 7);
    }
  }

  @Test
  void toxic_bandwidthZero_raisedLive_letsDataThrough() throws IOException {
    try (Socket socket = Wire.connect(proxy.getListen())) {
      Bandwidth cut = proxy.toxics().bandwidth("cut", UPSTREAM, 0);
      socket.getOutputStream().write(new byte[] {5, 6});
      assertThat(Wire.isSilentFor(socket, SILENCE)).isTrue();

      cut.setRate(1000);

      assertThat(Wire.readExactly(socket, 2)).containsExactly(5, 6);
    }
  }

  @Test
  void toxic_slowClose_delaysTheClose() throws IOException {
    try (TestUpstream greeter = TestUpstream.greetAndClose(new byte[] {1, 2, 3})) {
      proxy.setUpstream(greeter.address());
      proxy.toxics().slowClose("linger", DOWNSTREAM, 400);

      long start = System.nanoTime();
      try (Socket socket = Wire.connect(proxy.getListen())) {
        assertThat(Wire.readToEnd(socket)).containsExactly(1, 2, 3);
        assertThat(Wire.millisSince(start)).isGreaterThanOrEqualTo(400);
      }
    }
  }

  @Test
  void toxic_slicer_deliversEveryByteInOrder() throws IOException {
    proxy.toxics().slicer("slices", DOWNSTREAM, 100, 50).setSizeVariation(40);
    byte[] payload = Wire.bytes(20_000, 4);

    try (Socket socket = Wire.connect(proxy.getListen())) {
      assertThat(Wire.roundTrip(socket, payload)).isEqualTo(payload);
    }
  }

  @Test
  void toxic_withToxicityZero_leavesConnectionsAlone() throws IOException {
    proxy.toxics().timeout("never", DOWNSTREAM, 0).setToxicity(0f);

    try (Socket socket = Wire.connect(proxy.getListen())) {
      assertThat(Wire.roundTrip(socket, new byte[] {6})).containsExactly(6);
    }
  }

  @Test
  void reset_liftsToxicsFromOpenConnections() throws IOException {
    try (Socket socket = Wire.connect(proxy.getListen())) {
      proxy.toxics().bandwidth("cut", DOWNSTREAM, 0);
      socket.getOutputStream().write(8);
      assertThat(Wire.isSilentFor(socket, SILENCE)).isTrue();

      toxiproxy.client().reset();

      assertThat(Wire.readExactly(socket, 1)).containsExactly(8);
    }
  }
}
