package io.logkv.toxiproxy;

import java.io.IOException;
import java.util.concurrent.Executor;

/**
 * One named proxy: its settings, its toxics, and while enabled the listener that accepts clients.
 * Thread-safe; the listener and the links never call back into it.
 */
final class TcpProxy {

  private final Executor threads;
  private final ToxicSet toxics = new ToxicSet();
  private ProxyConfig config; // guarded by this; listen is the bound address once bound
  private ProxyListener listener; // guarded by this; null exactly while disabled

  private TcpProxy(ProxyConfig config, Executor threads) {
    this.config = config;
    this.threads = threads;
  }

  /** A proxy with these settings, listening already if enabled. */
  static TcpProxy start(ProxyConfig config, Executor threads) {
    TcpProxy proxy = new TcpProxy(config.withEnabled(false), threads);
    proxy.reconfigure(config);
    return proxy;
  }

  synchronized ProxyConfig config() {
    return config;
  }

  ToxicSet toxics() {
    return toxics;
  }

  synchronized ProxyView view() {
    return new ProxyView(
        config.name(),
        config.listen().toString(),
        config.upstream().toString(),
        config.enabled(),
        toxics.specs());
  }

  /**
   * Applies new settings. A new listen or upstream address restarts the proxy (closing its
   * connections); disabling closes the listener and every connection; enabling binds the listen
   * address again, the one bound before if it was port 0.
   *
   * @throws ApiException 500 when the listen address cannot be bound; the proxy is then disabled
   */
  synchronized void reconfigure(ProxyConfig next) {
    if (listener != null && (!next.enabled() || !next.sameRouteAs(config))) {
      listener.close();
      listener = null;
    }
    config = next;
    if (next.enabled() && listener == null) {
      try {
        listener = ProxyListener.open(next, toxics, threads);
      } catch (IOException e) {
        config = next.withEnabled(false);
        throw ApiException.internal(
            "proxy " + next.name() + " cannot listen on " + next.listen() + ": " + e.getMessage(),
            e);
      }
      config = next.withListen(listener.address());
    }
  }

  /** Stops listening and closes every connection. Idempotent. */
  synchronized void close() {
    if (listener != null) {
      listener.close();
      listener = null;
    }
  }
}
