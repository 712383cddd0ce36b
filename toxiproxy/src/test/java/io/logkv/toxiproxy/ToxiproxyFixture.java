package io.logkv.toxiproxy;

import eu.rekawek.toxiproxy.ToxiproxyClient;
import java.io.IOException;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For each test: an echo upstream, a fresh Toxiproxy-API server on a free port and the unmodified
 * toxiproxy-java client pointed at it; both stopped after the test. Register it with
 * {@code @RegisterExtension final ToxiproxyFixture toxiproxy = new ToxiproxyFixture();}.
 */
final class ToxiproxyFixture implements BeforeEachCallback, AfterEachCallback {
  private TestUpstream upstream;
  private ToxiproxyServer server;
  private ToxiproxyClient client;

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    upstream = TestUpstream.echo();
    server = ToxiproxyServer.start(0);
    client = new ToxiproxyClient("127.0.0.1", server.port());
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    server.close();
    upstream.close();
  }

  /** An upstream that echoes every byte back. */
  TestUpstream upstream() {
    return upstream;
  }

  ToxiproxyServer server() {
    return server;
  }

  ToxiproxyClient client() {
    return client;
  }
}
