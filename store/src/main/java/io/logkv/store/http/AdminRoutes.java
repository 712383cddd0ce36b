package io.logkv.store.http;

import io.logkv.store.cache.Digest;
import io.logkv.store.log.Reader;
import io.logkv.store.metrics.NodeMetrics;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Health, status, metrics and the digest: routes about the node, served whether it is ready or not. */
final class AdminRoutes {
  private final String nodeId;
  private final NodeState state;
  private final Supplier<Map<String, Object>> status;
  private final NodeMetrics metrics;
  private final Reader reader;
  private final java.util.function.IntPredicate held;

  /** @param held the partitions this node holds: the digest reports each of them */
  AdminRoutes(String nodeId, NodeState state, Supplier<Map<String, Object>> status, NodeMetrics metrics, Reader reader,
      java.util.function.IntPredicate held) {
    this.nodeId = nodeId;
    this.state = state;
    this.status = status;
    this.metrics = metrics;
    this.reader = reader;
    this.held = held;
  }

  void live(HttpServerExchange ex) {
    boolean live = state.live();
    Responses.json(ex, live ? 200 : 503, Map.of("status", live ? "live" : "failed"));
  }

  void ready(HttpServerExchange ex) {
    boolean ready = state.ready();
    if (!ready) {
      ex.getResponseHeaders().put(Responses.RETRY_AFTER, "1");
    }
    Responses.json(ex, ready ? 200 : 503, Map.of("status", ready ? "ready" : "not_ready"));
  }

  void status(HttpServerExchange ex) {
    Responses.json(ex, 200, status.get());
  }

  void metrics(HttpServerExchange ex) {
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, metrics.contentType());
    ex.getResponseSender().send(ByteBuffer.wrap(metrics.scrape()));
  }

  void digest(HttpServerExchange ex) {
    // Hashes every entry: off the I/O thread.
    ex.dispatch(() -> {
      try {
        Digest d = reader.digest();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("node_id", nodeId);
        body.put("keys", d.keys());
        body.put("digest", d.hex());
        body.put("applied", reader.applied());
        // Per held partition, so that the owners of one partition can be compared (sharded mode).
        Map<String, Object> partitions = new LinkedHashMap<>();
        java.util.List<Digest> byPartition = reader.digestByPartition();
        for (int p = 0; p < byPartition.size(); p++) {
          if (held.test(p)) {
            // Ordered, so that two nodes' documents for the same state are the same bytes.
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("keys", byPartition.get(p).keys());
            one.put("digest", byPartition.get(p).hex());
            partitions.put(Integer.toString(p), one);
          }
        }
        body.put("partitions", partitions);
        Responses.json(ex, 200, body);
      } catch (RuntimeException e) {
        Responses.error(ex, e);
      }
    });
  }
}
