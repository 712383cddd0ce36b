package io.logkv.store.shard;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The other members as this node sees them: whether each answered ready at the last look (polled
 * every interval, without blocking), and which refused a connection or kept silent a moment ago
 * (tried last by the forwarder for a while, as nginx does). At start, {@link #checkAgreement}
 * makes sure every member that answers was started with the same member list, R and partition
 * count.
 */
public final class Peers {
  private static final Logger LOG = LoggerFactory.getLogger(Peers.class);
  /** How long a member that refused a connection or kept silent is tried last. */
  private static final long UNREACHABLE_FOR_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final Membership membership;
  private final HttpClient http;
  private final LongSupplier nanos;
  private final Map<String, Boolean> ready = new ConcurrentHashMap<>();
  private final Map<String, Long> unreachableAt = new ConcurrentHashMap<>();

  public Peers(Membership membership, HttpClient http, LongSupplier nanos) {
    this.membership = membership;
    this.http = http;
    this.nanos = nanos;
  }

  /** The other members, in member-list order. */
  public List<Member> others() {
    List<Member> others = new ArrayList<>(membership.members());
    membership.self().ifPresent(others::remove);
    return others;
  }

  /** Polls every other member's /health/ready every {@code interval} on {@code scheduler}. */
  public void start(ScheduledExecutorService scheduler, Duration interval) {
    long every = interval.toMillis();
    scheduler.scheduleWithFixedDelay(this::poll, 0, every, TimeUnit.MILLISECONDS);
  }

  private void poll() {
    for (Member m : others()) {
      HttpRequest request = HttpRequest.newBuilder(m.url().resolve("/health/ready")).timeout(Duration.ofSeconds(1))
          .GET().build();
      http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, failure) -> {
        ready.put(m.id(), failure == null && r.statusCode() == 200);
        if (failure != null && rootCause(failure) instanceof ConnectException) {
          unreachable(m);
        }
      });
    }
  }

  /** Whether {@code m} answered ready at the last look (this node: not asked, true). */
  public boolean ready(Member m) {
    return membership.self().map(m::equals).orElse(false) || ready.getOrDefault(m.id(), false);
  }

  /** {@code m} refused a connection or did not answer in time just now: try it last for a while. */
  public void unreachable(Member m) {
    unreachableAt.put(m.id(), nanos.getAsLong());
  }

  /** Whether {@code m} refused a connection or kept silent within the last 2 s. */
  public boolean recentlyUnreachable(Member m) {
    Long at = unreachableAt.get(m.id());
    return at != null && nanos.getAsLong() - at < UNREACHABLE_FOR_NANOS;
  }

  /**
   * {@code owners} in the order to try them: ready ones that were not just unreachable first, in
   * rank order, then the rest; this node never (it would not forward to itself).
   */
  public List<Member> tryOrder(List<Member> owners) {
    List<Member> first = new ArrayList<>();
    List<Member> last = new ArrayList<>();
    for (Member m : owners) {
      if (membership.self().map(m::equals).orElse(false)) {
        continue;
      }
      (ready(m) && !recentlyUnreachable(m) ? first : last).add(m);
    }
    first.addAll(last);
    return first;
  }

  /**
   * Asks every other member for its {@code GET /cluster/fingerprint} (open, so it works when the
   * nodes ask for tokens); throws, naming the member, if one answers with another fingerprint: its
   * member list, R or partition count differ. Members that do not answer (not started yet) are
   * skipped: they check against this node when they start.
   *
   * @param mine this node's member list, R and partition count, in words, for the message
   * @param myFingerprint their SHA-256, as the route serves it
   * @param parse reads the fingerprint out of a member's answer
   */
  public void checkAgreement(String mine, String myFingerprint, Function<String, String> parse) {
    for (Member m : others()) {
      HttpRequest request = HttpRequest.newBuilder(m.url().resolve("/cluster/fingerprint"))
          .timeout(Duration.ofSeconds(2)).GET().build();
      String theirs;
      try {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 404) {
          throw new IllegalStateException("member " + m.id() + " at " + m.url() + " runs without --members (full copy"
              + " on its own); start every node with the same --members and --replicas");
        }
        if (r.statusCode() != 200) {
          LOG.warn("member {} answered GET /cluster/fingerprint with {}; not compared", m.id(), r.statusCode());
          continue;
        }
        theirs = parse.apply(r.body());
      } catch (IOException e) {
        LOG.info("member {} at {} does not answer yet ({}); it compares its member list with this node's when it"
            + " starts", m.id(), m.url(), e.toString());
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while comparing member lists", e);
      }
      if (!myFingerprint.equals(theirs)) {
        throw new IllegalStateException("member " + m.id() + " at " + m.url() + " runs with another cluster: its"
            + " member list, --replicas or partition count differ from this node's (" + mine + "; compare GET /cluster"
            + " on both); start every node with the same --members, --replicas and partitions");
      }
    }
  }

  private static Throwable rootCause(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

}
