package io.logkv.client;

import io.logkv.client.ScriptedServer.Answer;
import io.logkv.client.ScriptedServer.Received;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@link ScriptedServer}s standing in for nodes, and clients that wait on a {@link FakeScheduler},
 * all closed after each test (clients first, then the servers they talk to). Register it with
 * {@code @RegisterExtension}.
 */
final class ScriptedNodes implements AfterEachCallback {
  /** Every client's waits: a test sees each one and none takes time. */
  final FakeScheduler time = new FakeScheduler();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  /** A node that answers each request as {@code script} says. */
  ScriptedServer server(Function<Received, Answer> script) {
    ScriptedServer s = ScriptedServer.start(script);
    toClose.add(s);
    return s;
  }

  /** A client on the fake scheduler, with {@code settings} applied to its builder. */
  LogkvClient client(UnaryOperator<LogkvClient.Builder> settings) {
    return closedAfterTheTest(settings.apply(LogkvClient.builder().scheduler(time)).build());
  }

  /** A client made elsewhere (on the real clock, say), closed after the test like the others. */
  LogkvClient closedAfterTheTest(LogkvClient client) {
    toClose.add(0, client);
    return client;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    toClose.clear();
  }
}
