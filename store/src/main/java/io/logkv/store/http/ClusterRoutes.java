package io.logkv.store.http;

import io.logkv.store.log.Reader;
import io.logkv.store.shard.Member;
import io.logkv.store.shard.Membership;
import io.logkv.store.shard.Peers;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * What is cluster-wide in sharded mode: {@code GET /cluster} (the member list, R, the partition
 * and owner functions, each partition's owners in order and which members answer ready: for smart
 * clients, nginx and the status page), and a key listing that spans every partition (one owner of
 * each partition is asked for its keys, the pages are merged in key order).
 */
final class ClusterRoutes {
  private final Membership membership;
  private final Peers peers;
  private final Reader reader;
  private final HttpClient http;
  private final Duration timeout;

  ClusterRoutes(Membership membership, Peers peers, Reader reader, HttpClient http, Duration timeout) {
    this.membership = membership;
    this.peers = peers;
    this.reader = reader;
    this.http = http;
    this.timeout = timeout;
  }

  /** The /cluster document; 404 without a member list. */
  void cluster(HttpServerExchange ex) {
    if (membership.self().isEmpty()) {
      throw ApiException.notFound("this node runs without --members: a full copy on its own, no cluster table");
    }
    Responses.json(ex, 200, document(membership, peers));
  }

  static Map<String, Object> document(Membership membership, Peers peers) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("self", membership.self().map(Member::id).orElse(null));
    d.put("sharded", membership.sharded());
    List<Map<String, Object>> members = new ArrayList<>();
    for (Member m : membership.members()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("id", m.id());
      entry.put("url", m.url().toString());
      entry.put("ready", peers.ready(m));
      members.add(entry);
    }
    d.put("members", members);
    d.put("replicas", membership.replicas());
    d.put("partitions", membership.partitions());
    d.put("partitioner", "murmur2");
    d.put("partition_function", "toPositive(murmur2(utf8(key))) % partitions");
    d.put("owner_function", Membership.OWNER_FUNCTION);
    List<List<String>> owners = new ArrayList<>();
    for (int p = 0; p < membership.partitions(); p++) {
      owners.add(membership.owners(p).stream().map(Member::id).toList());
    }
    d.put("owners", owners);
    return d;
  }

  /**
   * {@code GET /cluster/status}: every member's /status at once, for the status page: this node's
   * own, and each other member's asked now (in parallel, each bounded by 1.5 s; a member that does
   * not answer is listed as unreachable, with why). Without a member list, this node alone.
   */
  void status(HttpServerExchange ex, java.util.function.Supplier<Map<String, Object>> local) {
    List<CompletableFuture<Map<String, Object>>> entries = new ArrayList<>();
    String selfId = membership.self().map(Member::id).orElse(null);
    if (membership.self().isEmpty()) {
      entries.add(CompletableFuture.completedFuture(entry(null, null, local.get(), null)));
    }
    for (Member m : membership.members()) {
      if (m.id().equals(selfId)) {
        entries.add(CompletableFuture.completedFuture(entry(m.id(), m.url().toString(), local.get(), null)));
        continue;
      }
      HttpRequest.Builder b = HttpRequest.newBuilder(m.url().resolve("/status")).timeout(Duration.ofMillis(1500)).GET();
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      if (auth != null) {
        b.header("Authorization", auth);
      }
      entries.add(http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).handle((r, failure) -> {
        if (failure != null) {
          Throwable t = Responses.unwrap(failure);
          String why = t instanceof java.net.ConnectException ? "not answering (connection refused)"
              : t instanceof java.net.http.HttpTimeoutException ? "no answer within 1.5 s" : t.toString();
          return entry(m.id(), m.url().toString(), null, why);
        }
        if (r.statusCode() != 200) {
          return entry(m.id(), m.url().toString(), null, "answered " + r.statusCode());
        }
        try {
          @SuppressWarnings("unchecked")
          Map<String, Object> status = Responses.JSON.readValue(r.body(), Map.class);
          return entry(m.id(), m.url().toString(), status, null);
        } catch (IOException e) {
          return entry(m.id(), m.url().toString(), null, "its /status was not JSON");
        }
      }));
    }
    CompletableFuture<Map<String, Object>> all = CompletableFuture.allOf(entries.toArray(new CompletableFuture<?>[0]))
        .thenApply(ignored -> {
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("self", selfId != null ? selfId : local.get().get("node_id"));
          body.put("members", entries.stream().map(CompletableFuture::join).toList());
          body.put("cluster", membership.self().isPresent() ? document(membership, peers) : null);
          return body;
        });
    Async.whenDone(ex, all, (x, body) -> Responses.json(x, 200, body));
  }

  private static Map<String, Object> entry(String id, String url, Map<String, Object> status, String error) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("id", id != null ? id : status.get("node_id"));
    e.put("url", url);
    e.put("reachable", status != null);
    e.put("status", status);
    if (error != null) {
      e.put("error", error);
    }
    return e;
  }

  /**
   * What two members must agree on, in a comparable form: the member list (as a set), R and the
   * partition count; read from a /cluster document.
   */
  /**
   * {@code GET /cluster/fingerprint}: a SHA-256 of the member list, R and partition count, which
   * every member must share. Open (no token): it tells nothing of the cluster, so members compare
   * it with each other at start even when the nodes ask for tokens.
   */
  void fingerprint(HttpServerExchange ex) {
    if (membership.self().isEmpty()) {
      throw ApiException.notFound("this node runs without --members: a full copy on its own, no cluster table");
    }
    Responses.json(ex, 200, Map.of("fingerprint", fingerprint(agreement(membership))));
  }

  /** The member list, R and partition count every member must agree on, as words. */
  static String agreement(Membership membership) {
    TreeSet<String> members = new TreeSet<>();
    membership.members().forEach(m -> members.add(m.id() + "=" + m.url()));
    return "members " + members + ", replicas " + membership.replicas() + ", partitions " + membership.partitions();
  }

  static String fingerprint(String agreement) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(agreement.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * A page of keys over every partition: this node's own for the partitions it owns, one other
   * owner's for each of the rest (grouped per member, one request each), merged in key order.
   */
  void list(HttpServerExchange ex, String prefix, String after, int limit) {
    Map<Member, List<Integer>> plan = new LinkedHashMap<>();
    List<Integer> local = new ArrayList<>();
    for (int p = 0; p < membership.partitions(); p++) {
      if (membership.owns(p)) {
        local.add(p);
      } else {
        List<Member> order = peers.tryOrder(membership.owners(p));
        plan.computeIfAbsent(order.get(0), m -> new ArrayList<>()).add(p);
      }
    }
    List<CompletableFuture<List<String>>> pages = new ArrayList<>();
    boolean[] mine = new boolean[membership.partitions()];
    local.forEach(p -> mine[p] = true);
    pages.add(CompletableFuture.supplyAsync(() -> reader.keys(prefix, after, limit, p -> mine[p])));
    plan.forEach((member, partitions) -> pages.add(remotePage(ex, member, partitions, prefix, after, limit)));
    CompletableFuture<List<String>> merged = CompletableFuture.allOf(pages.toArray(new CompletableFuture<?>[0]))
        .thenApply(ignored -> {
          TreeSet<String> all = new TreeSet<>();
          pages.forEach(p -> all.addAll(p.join()));
          return all.stream().limit(limit).toList();
        });
    Async.whenDone(ex, merged, (x, keys) -> KeyRoutes.sendPage(x, keys, limit));
  }

  private CompletableFuture<List<String>> remotePage(HttpServerExchange ex, Member member, List<Integer> partitions,
      String prefix, String after, int limit) {
    StringBuilder q = new StringBuilder("/keys?limit=").append(limit)
        .append("&prefix=").append(URLEncoder.encode(prefix, StandardCharsets.UTF_8))
        .append("&partitions=").append(partitions.stream().map(String::valueOf).collect(Collectors.joining(",")));
    if (after != null) {
      q.append("&after=").append(URLEncoder.encode(after, StandardCharsets.UTF_8));
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(member.url() + q.toString())).timeout(timeout).GET()
        .header(Forwarder.HOP.toString(), membership.self().map(Member::id).orElse("?"));
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
      if (r.statusCode() != 200) {
        throw ApiException.unavailable("no_owner", "listing partitions " + partitions + " on " + member.id()
            + " answered " + r.statusCode() + ": " + r.body());
      }
      try {
        List<String> keys = new ArrayList<>();
        Responses.JSON.readTree(r.body()).path("keys").forEach(k -> keys.add(k.asText()));
        return keys;
      } catch (IOException e) {
        throw new IllegalStateException("listing from " + member.id() + " was not JSON", e);
      }
    });
  }

  /** Parses {@code ?partitions=0,3,5} of a hop listing into a membership test. */
  static java.util.function.IntPredicate partitions(String raw, int count) {
    if (raw == null) {
      return p -> true;
    }
    boolean[] in = new boolean[count];
    for (String part : raw.split(",")) {
      try {
        int p = Integer.parseInt(part.strip());
        if (p < 0 || p >= count) {
          throw new NumberFormatException();
        }
        in[p] = true;
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("bad_query", "partitions must be partition numbers 0.." + (count - 1)
            + ", comma separated, not '" + raw + "'");
      }
    }
    return p -> in[p];
  }

}
