package io.logkv.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a node's {@code /status} says about what it holds, what it forwarded and its last replay;
 * read once at the edge, so the figures work on numbers, not on JSON.
 *
 * @param keys keys held (sharded: those of its partitions only)
 * @param bytes bytes held, as the node counts them against its cap (keys, values, per-entry overhead)
 * @param maxMemoryBytes the node's cap ({@code --max-memory-bytes})
 * @param ownedPartitions the partitions it holds; empty when it has no member list
 * @param forwardedRequests requests it forwarded to an owner since it started
 * @param replaySource where its last start began: "log" or "snapshot"
 * @param replayRecords records its last start replayed
 * @param replaySeconds how long that replay took
 */
record NodeStatus(String nodeId, boolean ready, long keys, long bytes, long maxMemoryBytes,
    List<Integer> ownedPartitions, long forwardedRequests, String replaySource, long replayRecords,
    double replaySeconds) {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

  static NodeStatus parse(String json) {
    Map<?, ?> s;
    try {
      s = Results.JSON.readValue(json, Map.class);
    } catch (IOException e) {
      throw new IllegalStateException("unreadable /status: " + json, e);
    }
    Map<?, ?> cluster = s.get("cluster") instanceof Map<?, ?> c ? c : Map.of();
    Map<?, ?> replay = s.get("replay") instanceof Map<?, ?> r ? r : Map.of();
    List<Integer> owned = cluster.get("owned_partitions") instanceof List<?> l
        ? l.stream().map(p -> ((Number) p).intValue()).toList()
        : List.of();
    return new NodeStatus(String.valueOf(s.get("node_id")), Boolean.TRUE.equals(s.get("ready")), number(s, "keys"),
        number(s, "bytes"), number(s, "max_memory_bytes"), owned, number(cluster, "forwarded_requests"),
        String.valueOf(replay.get("source")), number(replay, "records"),
        replay.get("seconds") instanceof Number n ? n.doubleValue() : Double.NaN);
  }

  /** {@code GET <nodeUrl>/status}, bounded by 5 s. */
  static NodeStatus fetch(String nodeUrl) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(nodeUrl + "/status"))
          .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(nodeUrl + "/status answered " + r.statusCode() + ": " + r.body());
      }
      return parse(r.body());
    } catch (IOException e) {
      throw new IllegalStateException(nodeUrl + "/status failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading " + nodeUrl + "/status", e);
    }
  }

  /**
   * The share of {@code requests} (sent through nginx between the two readings) that the nodes
   * forwarded to another node: the sum of their forwarded counters' growth, divided by the
   * requests. Nodes are matched by id; one that restarted in between (its counter went down)
   * makes the share unknowable, which is an error, not a figure.
   */
  static double forwardedShare(List<NodeStatus> before, List<NodeStatus> after, long requests) {
    if (requests <= 0) {
      throw new IllegalArgumentException("no requests were sent");
    }
    Map<String, Long> start = new HashMap<>();
    before.forEach(s -> start.put(s.nodeId(), s.forwardedRequests()));
    long forwarded = 0;
    for (NodeStatus s : after) {
      Long was = start.get(s.nodeId());
      if (was == null) {
        throw new IllegalArgumentException("no earlier reading of " + s.nodeId());
      }
      if (s.forwardedRequests() < was) {
        throw new IllegalArgumentException(s.nodeId() + "'s forwarded counter went down (" + was + " to "
            + s.forwardedRequests() + "): it restarted in between");
      }
      forwarded += s.forwardedRequests() - was;
    }
    return (double) forwarded / requests;
  }

  private static long number(Map<?, ?> m, String name) {
    return m.get(name) instanceof Number n ? n.longValue() : 0;
  }
}
