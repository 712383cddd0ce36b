package io.logkv.toxiproxy;

import java.net.InetSocketAddress;

/**
 * A TCP address as the API writes it, {@code host:port} ({@code [v6]:port} for IPv6). The host is
 * resolved only when used, so a proxy may name an upstream that is not up yet.
 *
 * @param host a name or literal address, without brackets
 * @param port 0 to 65535; 0 on a listen address means "any free port"
 */
record HostPort(String host, int port) {

  HostPort {
    if (host.isEmpty()) {
      throw new IllegalArgumentException("address has no host");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /** Parses {@code host:port} or {@code [v6]:port}; an empty host means every interface, as in Go. */
  static HostPort parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("address has no port: " + text);
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException("IPv6 address needs brackets: " + text);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("address has a bad port: " + text, e);
    }
    return new HostPort(host.isEmpty() ? "0.0.0.0" : host, port);
  }

  static HostPort of(InetSocketAddress address) {
    return new HostPort(address.getAddress().getHostAddress(), address.getPort());
  }

  /** Resolves the host now; unresolvable names come back unresolved and fail when used. */
  InetSocketAddress resolve() {
    return new InetSocketAddress(host, port);
  }

  @Override
  public String toString() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }
}
