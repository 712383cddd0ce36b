package io.logkv.cluster;

import io.logkv.cluster.tls.TlsFiles;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How nginx fronts the nodes ({@code nginx/logkv.conf.template}): how long it waits for a node,
 * how long a client may take, the largest body, HTTPS, and the per-client rate limit.
 *
 * @param readTimeout how long nginx waits for a node's answer before trying the next node; keep
 *     it above the nodes' --write-timeout and --read-wait-timeout
 * @param clientTimeout time a client has to send the request head, and between two reads of its
 *     body (nginx's client_header_timeout and client_body_timeout); like the node's
 *     --request-timeout
 * @param idleTimeout a keep-alive client connection with no request for this long is closed; like
 *     the node's --idle-timeout
 * @param maxBody the largest request body nginx buffers (nginx size syntax: {@code 8m}); the
 *     nodes' own --max-value-bytes applies below it
 * @param tls the certificate to serve HTTPS with; empty: plain HTTP
 */
public record NginxSettings(Duration readTimeout, Duration clientTimeout, Duration idleTimeout, String maxBody,
    Optional<TlsFiles> tls, RateLimit rateLimit) {
  public NginxSettings {
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(rateLimit, "rateLimit");
    for (Duration d : List.of(readTimeout, clientTimeout, idleTimeout)) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("nginx timeouts must be positive: " + d);
      }
    }
    if (!maxBody.matches("[0-9]+[kKmMgG]?")) {
      throw new IllegalArgumentException("maxBody is an nginx size such as 8m, not " + maxBody);
    }
  }

  /** 6 s for a node, 30 s for a client's head or body, 60 s idle, 8 MiB bodies, plain HTTP, {@link RateLimit#DEFAULT}. */
  public static NginxSettings defaults() {
    return new NginxSettings(Duration.ofSeconds(6), Duration.ofSeconds(30), Duration.ofSeconds(60), "8m",
        Optional.empty(), RateLimit.DEFAULT);
  }

  public NginxSettings withReadTimeout(Duration d) {
    return new NginxSettings(d, clientTimeout, idleTimeout, maxBody, tls, rateLimit);
  }

  public NginxSettings withClientTimeout(Duration d) {
    return new NginxSettings(readTimeout, d, idleTimeout, maxBody, tls, rateLimit);
  }

  public NginxSettings withIdleTimeout(Duration d) {
    return new NginxSettings(readTimeout, clientTimeout, d, maxBody, tls, rateLimit);
  }

  public NginxSettings withTls(TlsFiles files) {
    return new NginxSettings(readTimeout, clientTimeout, idleTimeout, maxBody, Optional.of(files), rateLimit);
  }

  public NginxSettings withRateLimit(RateLimit limit) {
    return new NginxSettings(readTimeout, clientTimeout, idleTimeout, maxBody, tls, limit);
  }

  /**
   * Requests per second each client address may send, with bursts of {@code burst} more answered
   * at once; beyond that nginx answers 429. Addresses in {@code exempt} (CIDR ranges or single
   * addresses) are never limited.
   */
  public record RateLimit(int perSecond, int burst, List<String> exempt) {
    /** Loopback clients: the machine itself (the launcher's own tools, bench, the chaos suite). */
    public static final List<String> LOOPBACK = List.of("127.0.0.0/8", "::1");
    /** 200 requests a second per client address, bursts of 400, loopback exempt. */
    public static final RateLimit DEFAULT = new RateLimit(200, 400, LOOPBACK);

    public RateLimit {
      exempt = List.copyOf(exempt);
      if (perSecond < 1 || burst < 0) {
        throw new IllegalArgumentException("a rate limit is at least 1 request a second, bursts 0 or more");
      }
      for (String a : exempt) {
        if (!a.matches("[0-9A-Fa-f.:]+(/[0-9]{1,3})?")) {
          throw new IllegalArgumentException("an exempt range is an address or a CIDR range, not '" + a + "'");
        }
      }
    }

    /** No client is limited. */
    public static RateLimit off() {
      return new RateLimit(DEFAULT.perSecond(), DEFAULT.burst(), List.of("0.0.0.0/0", "::/0"));
    }
  }
}
