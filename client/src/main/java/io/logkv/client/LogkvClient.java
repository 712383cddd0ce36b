package io.logkv.client;

import io.logkv.client.Caller.Op;
import io.logkv.client.RetryPolicy.ErrorBody;
import io.logkv.client.Router.Group;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A client of a logkv cluster, over HTTP, through nginx or straight to the nodes. Thread-safe: make
 * one per application and share it.
 *
 * <pre>{@code
 * try (LogkvClient kv = LogkvClient.builder()
 *     .baseUrls(List.of(URI.create("http://127.0.0.1:8081"), URI.create("http://127.0.0.1:8082")))
 *     .build()) {
 *   Session session = Session.readYourWrites();
 *   Written w = kv.put("greeting", "hello", PutOptions.session(session));
 *   Optional<Value> v = kv.get("greeting", ReadOptions.session(session));   // sees "hello", on any node
 *   kv.put("token", "abc", PutOptions.ttl(Duration.ofMinutes(30)));
 *   kv.getAsync("greeting").thenAccept(r -> r.ifPresent(x -> System.out.println(x.asString())));
 *   KeyPage page = kv.list("user:", null, 100);
 *   kv.delete("greeting");
 * } catch (WriteOutcomeUnknownException e) {
 *   // the write may or may not be in the log: the client never repeats it by itself
 * }
 * }</pre>
 *
 * <p><b>Results.</b> Writes return a {@link Written} (the log position: pass it to a {@link
 * Session}). Reads return {@code Optional.empty()} for an absent (or expired) key, else a {@link
 * Value} with the bytes, the version and the expiry. Every method has an {@code ...Async} twin
 * returning a {@link CompletableFuture} that completes with the same result or fails with the
 * same {@link LogkvException}; its callbacks run on the client's threads, so keep them short or
 * use the {@code ...Async} stages of the future with an executor of your own.
 *
 * <p><b>Failures and retries.</b> Each attempt is bounded by the request timeout. A failed attempt
 * is tried again, on the next base URL first, only when that is safe: reads on any failure another
 * node might cure; writes only when they were certainly not applied (no connection, or 503 {@code
 * not_ready} / {@code not_applied}). {@code Retry-After} is honoured; retries stop after {@code
 * maxRetries} or once the retry budget is spent, with an {@link UnavailableException}. A write
 * whose outcome is unknown (the node said so, or the connection broke after the request may have
 * reached it) throws {@link WriteOutcomeUnknownException} and is never repeated. See {@link
 * LogkvException} for the whole family.
 *
 * <p><b>Sharded clusters.</b> On its first operation the client asks for {@code GET /cluster}. A
 * sharded cluster answers with its owner table, and each key then goes straight to an owner of its
 * partition (one hop fewer than through any node); the table is fetched again when a node says it
 * is stale. A cluster that is not sharded answers 404 and the base URLs are used round robin.
 *
 * <p><b>Keys</b> are 1 to 1024 bytes of UTF-8, any characters (they are percent-encoded in the
 * URL, so {@code "a/b"} is one key); a key outside that is an {@link IllegalArgumentException}
 * before anything is sent.
 */
public final class LogkvClient implements AutoCloseable {
  static final String MIN_POSITION = "X-Min-Position";
  static final String LOG_POSITION = "X-Log-Position";
  static final String EXPIRES_AT = "X-Expires-At";

  private final List<URI> baseUrls;
  private final ExecutorService executor;
  private final Router router;
  private final Caller caller;
  private final AtomicInteger running = new AtomicInteger();
  private volatile boolean closed;

  private LogkvClient(Builder b) {
    this.baseUrls = List.copyOf(b.baseUrls);
    this.executor = Executors.newCachedThreadPool(daemonThreads());
    HttpClient.Builder hb = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(b.connectTimeout)
        .executor(executor);
    if (b.sslContext != null) {
      hb.sslContext(b.sslContext);
    }
    HttpClient http = hb.build();
    Scheduler scheduler = b.scheduler != null ? b.scheduler : Scheduler.system(executor);
    this.router = new Router(baseUrls, b.routeToOwners, http, b.credentials, b.requestTimeout, scheduler, b.tableMaxAge);
    this.caller = new Caller(http, b.credentials, router, scheduler, b.requestTimeout, b.maxRetries, b.retryBudget);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The base URLs this client was built with, normalized. */
  public List<URI> baseUrls() {
    return baseUrls;
  }

  // ---- put

  /** Writes {@code value} under {@code key}, without expiry. */
  public Written put(String key, byte[] value) {
    return await(putAsync(key, value, PutOptions.defaults()), true);
  }

  /** Writes {@code value} as UTF-8 under {@code key}, without expiry. */
  public Written put(String key, String value) {
    return await(putAsync(key, value, PutOptions.defaults()), true);
  }

  /** Writes {@code value} under {@code key}, with the TTL and session of {@code options}. */
  public Written put(String key, byte[] value, PutOptions options) {
    return await(putAsync(key, value, options), true);
  }

  /** Writes {@code value} as UTF-8 under {@code key}, with the TTL and session of {@code options}. */
  public Written put(String key, String value, PutOptions options) {
    return await(putAsync(key, value, options), true);
  }

  public CompletableFuture<Written> putAsync(String key, byte[] value) {
    return putAsync(key, value, PutOptions.defaults());
  }

  public CompletableFuture<Written> putAsync(String key, String value) {
    return putAsync(key, value, PutOptions.defaults());
  }

  public CompletableFuture<Written> putAsync(String key, String value, PutOptions options) {
    Objects.requireNonNull(value, "value");
    return putAsync(key, value.getBytes(StandardCharsets.UTF_8), options);
  }

  /**
   * Writes {@code value} under {@code key}. Completes once the broker acknowledged the write and
   * (usually) the node applied it; see {@link Written#applied()}.
   */
  public CompletableFuture<Written> putAsync(String key, byte[] value, PutOptions options) {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(options, "options");
    byte[] utf8 = Keys.utf8(key);
    String query = options.ttlOption().map(t -> "?ttl=" + t.toMillis() + "ms").orElse("");
    Session session = options.sessionOption().orElse(null);
    return call(new Op<>("put", key, utf8, true, Group.LOG, "PUT", keyPath(utf8) + query,
        List.of("Content-Type", "application/octet-stream"), value.clone(),
        (r, error) -> remember(session, written("put", key, r, error, 200))));
  }

  // ---- get

  /** Reads {@code key} from a node's copy; empty when the key is absent or expired. */
  public Optional<Value> get(String key) {
    return await(getAsync(key, ReadOptions.defaults()), false);
  }

  /** Reads {@code key} with the consistency and session of {@code options}; empty when absent. */
  public Optional<Value> get(String key, ReadOptions options) {
    return await(getAsync(key, options), false);
  }

  public CompletableFuture<Optional<Value>> getAsync(String key) {
    return getAsync(key, ReadOptions.defaults());
  }

  public CompletableFuture<Optional<Value>> getAsync(String key, ReadOptions options) {
    Objects.requireNonNull(options, "options");
    byte[] utf8 = Keys.utf8(key);
    Session session = options.sessionOption().orElse(null);
    Optional<String> token = session == null ? Optional.empty() : session.token();
    boolean strong = options.consistency() == Consistency.STRONG;
    Group group = strong || token.isPresent() ? Group.LOG : Group.MEMORY;
    return call(new Op<>("get", key, utf8, false, group, "GET",
        keyPath(utf8) + (strong ? "?consistency=strong" : ""),
        token.map(t -> List.of(MIN_POSITION, t)).orElse(List.of()), null,
        (r, error) -> {
          if (r.statusCode() == 404) {
            return Optional.<Value>empty();
          }
          expect("get", key, r, error, 200);
          Value v = new Value(r.body(), position("get", key, r, null),
              r.headers().firstValue(EXPIRES_AT).map(ms -> Instant.ofEpochMilli(number("get", key, EXPIRES_AT, ms))));
          if (session != null && session.includesReads()) {
            session.observe(v.version());
          }
          return Optional.of(v);
        }));
  }

  // ---- delete

  /** Deletes {@code key}; succeeds also when it is absent (the delete is logged all the same). */
  public Written delete(String key) {
    return await(deleteAsync(key, null), true);
  }

  /** Deletes {@code key}; {@code session} remembers the delete, so its reads see the key gone. */
  public Written delete(String key, Session session) {
    return await(deleteAsync(key, Objects.requireNonNull(session, "session")), true);
  }

  public CompletableFuture<Written> deleteAsync(String key) {
    return deleteAsync(key, null);
  }

  /** As {@link #delete(String, Session)}; {@code session} may be null. */
  public CompletableFuture<Written> deleteAsync(String key, Session session) {
    byte[] utf8 = Keys.utf8(key);
    return call(new Op<>("delete", key, utf8, true, Group.LOG, "DELETE", keyPath(utf8), List.of(), null,
        (r, error) -> remember(session, written("delete", key, r, error, 204))));
  }

  // ---- change ttl

  /**
   * Gives {@code key} a new time to live, counted from now on the node that takes the request: the
   * node reads the current value (a strong read) and writes it again, whole, with the new deadline.
   * Empty when the key is absent. A write of the key racing this call may be overwritten by it.
   *
   * @param ttl 1 ms to {@link PutOptions#MAX_TTL}
   */
  public Optional<TtlChanged> changeTtl(String key, Duration ttl) {
    return await(changeTtlAsync(key, ttl, null), true);
  }

  /** As {@link #changeTtl(String, Duration)}; the node first sees {@code session}'s writes, and the session remembers this one. */
  public Optional<TtlChanged> changeTtl(String key, Duration ttl, Session session) {
    return await(changeTtlAsync(key, ttl, Objects.requireNonNull(session, "session")), true);
  }

  public CompletableFuture<Optional<TtlChanged>> changeTtlAsync(String key, Duration ttl) {
    return changeTtlAsync(key, ttl, null);
  }

  /** As {@link #changeTtl(String, Duration, Session)}; {@code session} may be null. */
  public CompletableFuture<Optional<TtlChanged>> changeTtlAsync(String key, Duration ttl, Session session) {
    byte[] utf8 = Keys.utf8(key);
    long millis = PutOptions.ttl(ttl).ttlOption().orElseThrow().toMillis(); // checks the range
    Optional<String> token = session == null ? Optional.empty() : session.token();
    return call(new Op<>("changeTtl", key, utf8, true, Group.LOG, "POST",
        keyPath(utf8) + "/ttl?ttl=" + millis + "ms",
        token.map(t -> List.of(MIN_POSITION, t)).orElse(List.of()), null,
        (r, error) -> {
          if (r.statusCode() == 404) {
            return Optional.<TtlChanged>empty();
          }
          expect("changeTtl", key, r, error, 200, 202);
          Map<String, Object> body = json("changeTtl", key, r);
          TtlChanged changed;
          try {
            changed = new TtlChanged(Position.parse(Json.string(body, "position")),
                Instant.ofEpochMilli(Json.integer(body, "expires_at")), Json.bool(body, "applied"));
          } catch (IllegalArgumentException e) {
            throw new LogkvException("changeTtl '" + key + "': unexpected answer: " + e.getMessage(), e);
          }
          if (session != null) {
            session.observe(changed.position());
          }
          return Optional.of(changed);
        }));
  }

  // ---- list

  /**
   * One page of the live keys that start with {@code prefix}, in order.
   *
   * <pre>{@code
   * String after = null;
   * do {
   *   KeyPage page = kv.list("user:", after, 1000);
   *   page.keys().forEach(System.out::println);
   *   after = page.next().orElse(null);
   * } while (after != null);
   * }</pre>
   *
   * @param prefix "" for every key
   * @param after the cursor from the previous page ({@link KeyPage#next()}); null for the first
   * @param limit 1 to 1000 keys per page
   */
  public KeyPage list(String prefix, String after, int limit) {
    return await(listAsync(prefix, after, limit), false);
  }

  public CompletableFuture<KeyPage> listAsync(String prefix, String after, int limit) {
    Objects.requireNonNull(prefix, "prefix");
    if (limit < 1 || limit > 1000) {
      throw new IllegalArgumentException("limit is 1 to 1000 keys per page, not " + limit);
    }
    String query = "/keys?prefix=" + Keys.percentEncode(Keys.strictUtf8(prefix, "prefix")) + "&limit=" + limit
        + (after == null ? "" : "&after=" + Keys.percentEncode(Keys.strictUtf8(after, "cursor")));
    return call(new Op<>("list", null, null, false, Group.MEMORY, "GET", query, List.of(), null,
        (r, error) -> {
          expect("list", null, r, error, 200);
          Map<String, Object> body = json("list", null, r);
          try {
            List<String> keys = new ArrayList<>();
            for (Object k : Json.array(body, "keys")) {
              if (!(k instanceof String s)) {
                throw new Json.JsonException("keys must be strings, not " + Json.kind(k));
              }
              keys.add(s);
            }
            return new KeyPage(keys, Optional.ofNullable(Json.optionalString(body, "next")));
          } catch (IllegalArgumentException e) {
            throw new LogkvException("list: unexpected answer: " + e.getMessage(), e);
          }
        }));
  }

  /**
   * Refuses further operations; the client's threads end once the operations under way have
   * completed (each is bounded: see {@link Builder#retryBudget}). Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    if (running.get() == 0) {
      executor.shutdown();
    }
  }

  /** Whether the last look at {@code GET /cluster} found a sharded cluster. */
  public boolean routesToOwners() {
    return router.sharded();
  }

  Router router() {
    return router;
  }

  // ---- plumbing

  private <T> CompletableFuture<T> call(Op<T> op) {
    // Counted before the check, so that close() never stops the threads of an operation it let in.
    running.incrementAndGet();
    if (closed) {
      ended();
      throw new IllegalStateException("the client is closed");
    }
    CompletableFuture<T> f = caller.call(op);
    f.whenComplete((r, e) -> ended());
    return f;
  }

  private void ended() {
    if (running.decrementAndGet() == 0 && closed) {
      executor.shutdown();
    }
  }

  /** The synchronous API: waits for the operation (itself bounded) and rethrows its failure. */
  private static <T> T await(CompletableFuture<T> f, boolean write) {
    try {
      return f.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new LogkvException("operation failed: " + cause, cause);
    } catch (CancellationException e) {
      throw new LogkvException("operation cancelled", e);
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      if (write) {
        throw new WriteOutcomeUnknownException("interrupted while waiting for the write; it may still be applied", e);
      }
      throw new LogkvException("interrupted while waiting for the read", e);
    }
  }

  private static String keyPath(byte[] utf8) {
    return "/keys/" + Keys.percentEncode(utf8);
  }

  private static Written remember(Session session, Written w) {
    if (session != null) {
      session.observe(w.position());
    }
    return w;
  }

  /** A write's answer: 200 or 204 applied, 202 durable but not applied yet on that node. */
  private static Written written(String op, String key, HttpResponse<byte[]> r, ErrorBody error, int appliedStatus) {
    expect(op, key, r, error, appliedStatus, 200, 202);
    return new Written(position(op, key, r, r.body()), r.statusCode() != 202);
  }

  /** The position from {@code X-Log-Position}, else from the JSON body's "position" (when there is a body). */
  private static Position position(String op, String key, HttpResponse<byte[]> r, byte[] jsonBody) {
    Optional<String> header = r.headers().firstValue(LOG_POSITION);
    try {
      if (header.isPresent()) {
        return Position.parse(header.get());
      }
      if (jsonBody != null && jsonBody.length > 0) {
        return Position.parse(Json.string(Json.parseObject(new String(jsonBody, StandardCharsets.UTF_8)), "position"));
      }
    } catch (IllegalArgumentException e) {
      throw new LogkvException(subject(op, key) + ": unexpected answer, bad position: " + e.getMessage(), e);
    }
    throw new LogkvException(subject(op, key) + ": unexpected answer " + r.statusCode() + " without a position");
  }

  private static long number(String op, String key, String header, String value) {
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new LogkvException(subject(op, key) + ": unexpected answer, " + header + " is not a number: " + value, e);
    }
  }

  private static Map<String, Object> json(String op, String key, HttpResponse<byte[]> r) {
    try {
      return Json.parseObject(new String(r.body(), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new LogkvException(subject(op, key) + ": unexpected answer: " + e.getMessage(), e);
    }
  }

  /** Throws the exception for a final answer whose status is not one of {@code ok}. */
  private static void expect(String op, String key, HttpResponse<byte[]> r, ErrorBody error, int... ok) {
    int status = r.statusCode();
    for (int s : ok) {
      if (s == status) {
        return;
      }
    }
    String message = subject(op, key) + ": " + r.uri() + " answered " + status
        + (error.error().isEmpty() ? "" : " " + error.error()) + (error.detail().isEmpty() ? "" : ": " + error.detail());
    if (status >= 400 && status < 500) {
      throw new ClientErrorException(message, status, error.error(), error.detail());
    }
    if (status >= 500) {
      throw new ServerErrorException(message, status, error.error(), error.detail());
    }
    throw new LogkvException(message + " (unexpected status)");
  }

  private static String subject(String op, String key) {
    return key == null ? op : op + " '" + key + "'";
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "logkv-client-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Settings of a {@link LogkvClient}. Only the base URLs are required; the defaults suit a client
   * talking to the nodes directly. Through nginx, raise {@link #requestTimeout} above nginx's own
   * retry window (3 x its 6 s read timeout by default), so that nginx, not the client, decides
   * when a node failed.
   */
  public static final class Builder {
    private final List<URI> baseUrls = new ArrayList<>();
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Duration connectTimeout = Duration.ofSeconds(1);
    private int maxRetries = 5;
    private Duration retryBudget = Duration.ofSeconds(15);
    private boolean routeToOwners = true;
    private Duration tableMaxAge = Duration.ofSeconds(30);
    private Credentials credentials = Credentials.none();
    private SSLContext sslContext;
    private Scheduler scheduler;

    private Builder() {}

    /**
     * Where to send requests: nginx, or any of the nodes (at least one). Operations take turns
     * over them, and an attempt that fails moves to the next.
     */
    public Builder baseUrls(List<URI> urls) {
      baseUrls.clear();
      for (URI u : urls) {
        baseUrls.add(Endpoints.normalize(Objects.requireNonNull(u, "url")));
      }
      return this;
    }

    /** As {@link #baseUrls(List)}, from strings such as {@code "http://127.0.0.1:8080"}. */
    public Builder baseUrls(String... urls) {
      List<URI> list = new ArrayList<>();
      for (String u : urls) {
        list.add(URI.create(u));
      }
      return baseUrls(list);
    }

    /**
     * The bound on each attempt, from sending the request to the end of the answer's headers
     * (default 10 s). Keep it above the nodes' {@code --write-timeout} and {@code
     * --read-wait-timeout} (5 s by default): a write cut short by this timeout has an unknown
     * outcome.
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /** The bound on opening a connection (default 1 s); a node that does not accept in time is skipped. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** How many times an operation may be tried again after its first attempt, 0 to 100 (default 5). */
    public Builder maxRetries(int retries) {
      if (retries < 0 || retries > 100) {
        throw new IllegalArgumentException("maxRetries is 0 to 100, not " + retries);
      }
      this.maxRetries = retries;
      return this;
    }

    /**
     * How long after an operation started a new attempt may still begin (default 15 s). Waits
     * between attempts ({@code Retry-After}, backoff) are cut to fit in it. An operation takes at
     * most this plus one {@link #requestTimeout}.
     */
    public Builder retryBudget(Duration budget) {
      Objects.requireNonNull(budget, "retryBudget");
      if (budget.isNegative()) {
        throw new IllegalArgumentException("retryBudget must not be negative: " + budget);
      }
      this.retryBudget = budget;
      return this;
    }

    /**
     * Whether to ask for {@code GET /cluster} and send each key straight to its owners in a sharded
     * cluster (default true). Turn it off when the members' URLs in that table are not reachable
     * from the client (e.g. addresses inside a container network): every request then goes to the
     * base URLs, and the nodes forward.
     */
    public Builder routeToOwners(boolean route) {
      this.routeToOwners = route;
      return this;
    }

    /** How old the owner table may get before it is fetched again in the background (default 30 s). */
    public Builder tableMaxAge(Duration age) {
      this.tableMaxAge = positive(age, "tableMaxAge");
      return this;
    }

    /**
     * Sends {@code Authorization: Bearer <token>} with every request, for nodes started with an
     * {@code --auth-file}; the token needs the roles of what the client does ({@code read} for
     * gets and listings, {@code write} for puts, deletes and TTL changes). Without it a secured
     * cluster answers 401, which the client reports as a {@link ClientErrorException}. Send it
     * over HTTPS only (an {@code https://} base URL): on plain HTTP anyone on the path can read it.
     *
     * @throws IllegalArgumentException when the token is blank or has characters a bearer token cannot
     */
    public Builder bearerToken(String token) {
      this.credentials = Credentials.bearer(token);
      return this;
    }

    /**
     * The TLS context for {@code https://} base URLs, e.g. one that trusts the local CA that {@code
     * logkv-cluster.jar up --tls} made ({@code <data-dir>/tls/ca.crt}). Default: the JDK's, which
     * trusts the public CAs only.
     */
    public Builder sslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "sslContext");
      return this;
    }

    /** For tests: the clock and the delays between attempts. */
    Builder scheduler(Scheduler scheduler) {
      this.scheduler = scheduler;
      return this;
    }

    /** Builds the client; no request is sent until the first operation. */
    public LogkvClient build() {
      if (baseUrls.isEmpty()) {
        throw new IllegalStateException("at least one base URL is needed");
      }
      return new LogkvClient(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }
  }
}
