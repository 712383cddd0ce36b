package io.logkv.toxiproxy;

import static java.util.Objects.requireNonNull;

/**
 * The settings of one proxy.
 *
 * @param listen where clients connect; port 0 until bound, then the bound address, kept across
 *     disable and enable
 * @param upstream the server each client connection is forwarded to
 * @param enabled whether the proxy listens and forwards
 */
record ProxyConfig(String name, HostPort listen, HostPort upstream, boolean enabled) {

  ProxyConfig {
    requireNonNull(name, "name");
    requireNonNull(listen, "listen");
    requireNonNull(upstream, "upstream");
  }

  ProxyConfig withListen(HostPort newListen) {
    return new ProxyConfig(name, newListen, upstream, enabled);
  }

  ProxyConfig withUpstream(HostPort newUpstream) {
    return new ProxyConfig(name, listen, newUpstream, enabled);
  }

  ProxyConfig withEnabled(boolean newEnabled) {
    return new ProxyConfig(name, listen, upstream, newEnabled);
  }

  /** Whether a proxy with {@code other}'s settings would listen and forward exactly as this one. */
  boolean sameRouteAs(ProxyConfig other) {
    return listen.equals(other.listen) && upstream.equals(other.upstream);
  }
}
