package io.logkv.store.http;

import io.logkv.store.shard.Member;
import io.logkv.store.shard.Membership;
import io.logkv.store.shard.Peers;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;

/**
 * The HTTP side of sharded mode for the router: which keys this node serves itself, and the
 * forwarder for the others. In full-copy mode ({@link #membership()} not sharded) nothing is
 * forwarded.
 */
public final class Sharding {
  private final Membership membership;
  private final Peers peers;
  private final HttpClient http;
  private final Duration timeout;
  private final Forwarder forwarder;

  /**
   * @param http the client that talks to the other members
   * @param writeTimeout the members' {@code --write-timeout}, which bounds a forwarded write's answer
   * @param readWaitTimeout the members' {@code --read-wait-timeout}, which bounds a forwarded read's
   */
  public Sharding(Membership membership, Peers peers, HttpClient http, Duration writeTimeout,
      Duration readWaitTimeout) {
    this.membership = membership;
    this.peers = peers;
    this.http = http;
    // Listing routes ask every partition's owners: above both bounds.
    this.timeout = (writeTimeout.compareTo(readWaitTimeout) > 0 ? writeTimeout : readWaitTimeout).plusSeconds(1);
    this.forwarder = new Forwarder(membership.self().map(Member::id).orElse("?"), peers, http, writeTimeout,
        readWaitTimeout);
  }

  public Membership membership() {
    return membership;
  }

  /** Whether {@code partition}'s keys are served elsewhere. */
  boolean forwards(int partition) {
    return membership.sharded() && !membership.owns(partition);
  }

  List<Member> owners(int partition) {
    return membership.owners(partition);
  }

  Forwarder forwarder() {
    return forwarder;
  }

  ClusterRoutes routes(io.logkv.store.log.Reader reader) {
    return new ClusterRoutes(membership, peers, reader, http, timeout);
  }

  /**
   * Compares this node's member list, R and partition count with every other member that answers
   * {@code GET /cluster/fingerprint}; throws, naming the member and this node's view, on a
   * difference.
   */
  public void checkAgreement() {
    String mine = ClusterRoutes.agreement(membership);
    peers.checkAgreement(mine, ClusterRoutes.fingerprint(mine), body -> {
      try {
        return Responses.JSON.readTree(body).path("fingerprint").asText("");
      } catch (java.io.IOException e) {
        return "";
      }
    });
  }

  /** Requests this node forwarded to an owner, for /status and /metrics. */
  public long forwarded() {
    return forwarder.forwarded();
  }
}
