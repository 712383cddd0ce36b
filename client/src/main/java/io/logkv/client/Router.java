package io.logkv.client;

import io.logkv.client.Json.JsonException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Chooses the node for each attempt. Thread-safe; shared by every operation of a client.
 *
 * <p><b>Topology.</b> Before the first operation the router asks the base URLs for {@code GET
 * /cluster}. A 404 means the cluster is not sharded: every node holds every key, and operations
 * go round robin over the base URLs. A {@link ClusterTable} means it is: an operation on a key
 * goes to the first available owner of the key's partition, then the other members, then the base
 * URLs (any node forwards what it does not own). The table is fetched again when a node says it
 * is stale (header {@code X-Cluster-Stale: true}, or status 421), when a member refuses
 * connections, and when it is older than the configured age. Refreshes are single-flight; those
 * in the background start at most once per {@link #MIN_REFRESH_GAP_NANOS}, and a 421 fetches
 * again only a table older than the refused request. A failed refresh keeps the table it had.
 *
 * <p><b>Health.</b> Like nginx's {@code fail_timeout}, a node that failed an attempt is left out
 * for a while: for its {@code Retry-After} when it sent one, else for a backoff that doubles with
 * each consecutive failure (100 ms to 2 s). Failures are counted apart for requests answered from
 * memory (plain reads) and requests that need the log (writes, token and strong reads), so that
 * while the broker is away, refused writes do not keep plain reads from a node that serves them. A
 * connection refused or cut counts against both. When every candidate is out, the attempt waits for the
 * first to come back (within the operation's budget).
 */
final class Router {
  private static final System.Logger LOG = System.getLogger(LogkvClient.class.getName());
  static final String STALE_HEADER = "X-Cluster-Stale";
  static final long MIN_REFRESH_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  /** After a failed discovery, how soon to try again. */
  static final long RETRY_DISCOVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
  static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(2);

  /** Requests answered from memory, and requests that need the log: their failures are counted apart. */
  enum Group {
    MEMORY,
    LOG
  }

  /** The endpoint for an attempt, and how long to wait before using it (0: now). */
  record Pick(URI url, long waitNanos) {}

  /**
   * What the router knows of the cluster. {@code table} null: not sharded (or not known yet).
   * {@code confirmed}: a node answered; else discovery failed and is retried soon.
   */
  private record State(ClusterTable table, boolean confirmed, long checkedAtNanos) {}

  private final List<URI> baseUrls;
  private final boolean routeToOwners;
  private final HttpClient http;
  private final Credentials credentials;
  private final Duration requestTimeout;
  private final Scheduler scheduler;
  private final long maxAgeNanos;
  private final AtomicInteger rotation = new AtomicInteger();
  private final ConcurrentHashMap<URI, Health> health = new ConcurrentHashMap<>();
  private final AtomicReference<CompletableFuture<Void>> refreshing = new AtomicReference<>();
  private volatile State state;

  Router(List<URI> baseUrls, boolean routeToOwners, HttpClient http, Credentials credentials, Duration requestTimeout,
      Scheduler scheduler, Duration maxAge) {
    this.credentials = credentials;
    this.baseUrls = List.copyOf(baseUrls);
    this.routeToOwners = routeToOwners;
    this.http = http;
    this.requestTimeout = requestTimeout;
    this.scheduler = scheduler;
    this.maxAgeNanos = maxAge.toNanos();
    this.state = routeToOwners ? null : new State(null, true, scheduler.nanoTime());
  }

  // ---- topology

  /**
   * Completes when attempts can be routed: at once, except before the first discovery, which it
   * waits for (at most the request timeout; the base URLs are used round robin until it ends).
   */
  CompletableFuture<Void> ready() {
    State s = state;
    if (s == null) {
      return refresh(true).copy().completeOnTimeout(null, requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }
    long age = scheduler.nanoTime() - s.checkedAtNanos();
    if (routeToOwners && age > (s.confirmed() ? maxAgeNanos : RETRY_DISCOVERY_NANOS)) {
      refresh(false);
    }
    return CompletableFuture.completedFuture(null);
  }

  /** Fetches the table again in the background, unless a fetch is under way or just ended. */
  void refreshSoon() {
    if (routeToOwners) {
      refresh(false);
    }
  }

  /**
   * Makes sure the table is newer than {@code sentAtNanos}, when a node refused a request sent
   * then as not its own: fetches it again unless a fetch ended since (or joins the one under way).
   * Completes when that is done, never exceptionally.
   */
  CompletableFuture<Void> refreshIfOlderThan(long sentAtNanos) {
    State s = state;
    if (!routeToOwners || (s != null && s.confirmed() && s.checkedAtNanos() - sentAtNanos >= 0)) {
      return CompletableFuture.completedFuture(null);
    }
    return refresh(true);
  }

  /** Whether the last discovery found a sharded cluster. */
  boolean sharded() {
    State s = state;
    return s != null && s.table() != null;
  }

  /** The table in use, or null. For tests and diagnostics. */
  ClusterTable table() {
    State s = state;
    return s == null ? null : s.table();
  }

  /** Starts a fetch of the table, or joins the one under way; {@code evenIfRecent}: even if one just ended. */
  private CompletableFuture<Void> refresh(boolean evenIfRecent) {
    CompletableFuture<Void> running = refreshing.get();
    if (running != null) {
      return running;
    }
    State s = state;
    if (!evenIfRecent && s != null && scheduler.nanoTime() - s.checkedAtNanos() < MIN_REFRESH_GAP_NANOS) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> mine = new CompletableFuture<>();
    if (!refreshing.compareAndSet(null, mine)) {
      CompletableFuture<Void> other = refreshing.get();
      return other != null ? other : CompletableFuture.completedFuture(null);
    }
    discover(discoveryOrder(s), 0)
        .whenComplete(
            (found, failure) -> {
              long now = scheduler.nanoTime();
              State before = state;
              if (found != null) {
                if (before == null || before.table() != found.table()) {
                  LOG.log(Level.DEBUG, () -> "logkv cluster: " + (found.table() == null ? "not sharded" : found.table()));
                }
                state = found;
              } else {
                // Nobody answered: keep what we had, and try again soon.
                state = new State(before == null ? null : before.table(), false, now);
              }
              refreshing.set(null);
              mine.complete(null);
            });
    return mine;
  }

  private List<URI> discoveryOrder(State s) {
    Set<URI> order = new LinkedHashSet<>();
    if (s != null && s.table() != null) {
      order.addAll(s.table().memberUrls());
    }
    order.addAll(rotate(baseUrls, rotation.get()));
    return new ArrayList<>(order);
  }

  /** Asks {@code urls[i..]} in turn; null when none answered 200 or 404. */
  private CompletableFuture<State> discover(List<URI> urls, int i) {
    if (i >= urls.size()) {
      return CompletableFuture.completedFuture(null);
    }
    URI url = urls.get(i);
    HttpRequest request = credentials.addTo(HttpRequest.newBuilder(Endpoints.resolve(url, ClusterTable.PATH))
        .timeout(requestTimeout)
        .header("Accept", "application/json")
        .GET())
        .build();
    CompletableFuture<State> answer;
    try {
      answer = http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
          .handle((r, failure) -> failure == null ? read(url, r) : null);
    } catch (RuntimeException e) {
      answer = CompletableFuture.completedFuture(null);
    }
    return answer.thenCompose(s -> s != null ? CompletableFuture.completedFuture(s) : discover(urls, i + 1));
  }

  private State read(URI url, HttpResponse<String> r) {
    long now = scheduler.nanoTime();
    if (r.statusCode() == 404) {
      return new State(null, true, now);
    }
    if (r.statusCode() != 200) {
      return null;
    }
    try {
      if (ClusterTable.fullCopy(r.body())) {
        return new State(null, true, now); // every node holds every key: the base URLs balance best
      }
      return new State(ClusterTable.parse(r.body()), true, now);
    } catch (JsonException e) {
      // Nodes forward what they do not own, so the base URLs still serve every key.
      LOG.log(Level.WARNING, "logkv: " + url + ClusterTable.PATH + " answered a table this client cannot use ("
          + e.getMessage() + "); requests go to the base URLs");
      return new State(null, true, now);
    }
  }

  // ---- choosing a node

  /** The rotation of the base URLs an operation starts from: operations take turns. */
  int nextRotation() {
    return rotation.getAndIncrement();
  }

  /**
   * The node for an attempt: the first candidate that is not left out; if all are, the one back
   * soonest, with the wait.
   *
   * @param keyUtf8 the key, to find its owners in a sharded cluster; null for requests on no key
   */
  Pick pick(byte[] keyUtf8, Group group, int rotation, long now) {
    List<URI> candidates = candidates(keyUtf8, rotation);
    URI soonest = null;
    long soonestAt = Long.MAX_VALUE;
    for (URI url : candidates) {
      long upAt = health(url).upAt(group);
      if (upAt - now <= 0) {
        return new Pick(url, 0);
      }
      if (soonest == null || upAt - soonestAt < 0) {
        soonest = url;
        soonestAt = upAt;
      }
    }
    return new Pick(soonest, soonestAt - now);
  }

  /** Candidates in the order to try them. */
  List<URI> candidates(byte[] keyUtf8, int rotation) {
    State s = state;
    ClusterTable table = s == null ? null : s.table();
    if (table == null) {
      return rotate(baseUrls, rotation);
    }
    Set<URI> order = new LinkedHashSet<>();
    if (keyUtf8 != null) {
      order.addAll(table.owners(table.partitionOf(keyUtf8)));
      order.addAll(table.memberUrls());
    } else {
      order.addAll(rotate(new ArrayList<>(table.memberUrls()), rotation));
    }
    order.addAll(rotate(baseUrls, rotation));
    return new ArrayList<>(order);
  }

  /** Leaves {@code url} out of {@code group} (null: both) for {@code nanos}, or for its backoff when negative. */
  void failed(URI url, Group group, long nanos) {
    health(url).failed(group, nanos, scheduler.nanoTime());
  }

  void succeeded(URI url, Group group) {
    Health h = health.get(url);
    if (h != null) {
      h.succeeded(group);
    }
  }

  private Health health(URI url) {
    return health.computeIfAbsent(url, u -> new Health(scheduler.nanoTime()));
  }

  private static List<URI> rotate(List<URI> urls, int by) {
    int n = urls.size();
    int start = Math.floorMod(by, n);
    List<URI> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(urls.get((start + i) % n));
    }
    return out;
  }

  /** One node's standing in each group: when it is back, and how many attempts in a row failed. */
  private static final class Health {
    private final long[] upAt = new long[Group.values().length];
    private final int[] failures = new int[Group.values().length];

    Health(long now) {
      upAt[0] = now;
      upAt[1] = now;
    }

    synchronized long upAt(Group g) {
      return upAt[g.ordinal()];
    }

    synchronized void failed(Group g, long nanos, long now) {
      for (Group each : Group.values()) {
        if (g == null || g == each) {
          int i = each.ordinal();
          failures[i] = Math.min(failures[i] + 1, 30);
          long wait = nanos >= 0 ? nanos : Math.min(MAX_BACKOFF_NANOS, MIN_BACKOFF_NANOS << (failures[i] - 1));
          upAt[i] = now + wait;
        }
      }
    }

    synchronized void succeeded(Group g) {
      failures[g.ordinal()] = 0;
    }
  }
}
