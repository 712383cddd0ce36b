package io.logkv.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A real HTTP server (the JDK's) on 127.0.0.1 that answers as a test scripts it and records every
 * request. For the client's unit tests only: the answers a real node gives only under faults
 * (503 with each outcome, Retry-After, a cut connection) and the {@code GET /cluster} of sharded
 * nodes, which do not exist yet. {@code GET /cluster} has a script of its own ({@link #onCluster});
 * by default it answers 404, as a node that is not sharded does.
 */
final class ScriptedServer implements AutoCloseable {

  /** A request as received: path and query raw (still percent-encoded), header names in lower case. */
  record Received(String method, String rawPath, String rawQuery, Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
  }

  /** What to answer: a status, headers and body; or a cut connection; or a stall until the test ends. */
  record Answer(int status, Map<String, String> headers, byte[] body, boolean cut, boolean stalls, boolean stallsBody) {
    static Answer status(int status) {
      return new Answer(status, Map.of(), new byte[0], false, false, false);
    }

    static Answer json(int status, String json) {
      return new Answer(status, Map.of("Content-Type", "application/json"), json.getBytes(StandardCharsets.UTF_8),
          false, false, false);
    }

    static Answer text(int status, String text) {
      return new Answer(status, Map.of(), text.getBytes(StandardCharsets.UTF_8), false, false, false);
    }

    /** Closes the connection without a word, after reading the request. */
    static Answer hangUp() {
      return new Answer(0, Map.of(), new byte[0], true, false, false);
    }

    /** Never answers (until the server is closed). */
    static Answer stall() {
      return new Answer(0, Map.of(), new byte[0], false, true, false);
    }

    /** Sends 200 and the first byte of a 10-byte body, then nothing more (until the server is closed). */
    static Answer stallBody() {
      return new Answer(200, Map.of(), new byte[0], false, false, true);
    }

    Answer header(String name, String value) {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put(name, value);
      return new Answer(status, h, body, cut, stalls, stallsBody);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile Function<Received, Answer> script;
  private volatile Function<Received, Answer> clusterScript = r -> Answer.json(404, "{\"error\":\"not_found\"}");

  private ScriptedServer(Function<Received, Answer> script) throws IOException {
    this.script = script;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  static ScriptedServer start(Function<Received, Answer> script) {
    try {
      return new ScriptedServer(script);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A URL on which nothing listens: connections are refused. */
  static URI refusingUrl() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + s.getLocalPort());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  void script(Function<Received, Answer> script) {
    this.script = script;
  }

  /** How {@code GET /cluster} is answered from now on. */
  ScriptedServer onCluster(Function<Received, Answer> script) {
    this.clusterScript = script;
    return this;
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  /** Requests received other than {@code GET /cluster}. */
  List<Received> dataRequests() {
    return received.stream().filter(r -> !r.rawPath().equals("/cluster")).toList();
  }

  long clusterRequests() {
    return received.stream().filter(r -> r.rawPath().equals("/cluster")).count();
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    Map<String, String> headers = new LinkedHashMap<>();
    ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
    Received r = new Received(ex.getRequestMethod(), ex.getRequestURI().getRawPath(), ex.getRequestURI().getRawQuery(),
        headers, body);
    received.add(r);
    Answer a = (r.rawPath().equals("/cluster") ? clusterScript : script).apply(r);
    if (a == null) {
      a = Answer.status(500);
    }
    if (a.stalls()) {
      try {
        closing.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ex.close();
      return;
    }
    if (a.stallsBody()) {
      ex.sendResponseHeaders(200, 10);
      ex.getResponseBody().write('x');
      ex.getResponseBody().flush();
      try {
        closing.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ex.close();
      return;
    }
    if (a.cut()) {
      ex.close(); // no response headers sent: the server drops the connection
      return;
    }
    a.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    ex.sendResponseHeaders(a.status(), a.body().length == 0 ? -1 : a.body().length);
    if (a.body().length > 0) {
      ex.getResponseBody().write(a.body());
    }
    ex.close();
  }

  /** Stops listening and drops every connection: afterwards, connections are refused. */
  void stop() {
    closing.countDown();
    server.stop(0);
  }

  @Override
  public void close() {
    stop();
    executor.shutdownNow();
  }
}
