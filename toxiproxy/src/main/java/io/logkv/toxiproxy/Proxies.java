package io.logkv.toxiproxy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;

/**
 * Every proxy, by name. Changes to the set of proxies and to their settings are serialised by
 * this object's lock, so concurrent API calls see one order of events; toxics have their own lock
 * in each proxy's {@link ToxicSet}.
 */
final class Proxies implements AutoCloseable {

  private final Executor threads;
  private final Map<String, TcpProxy> byName = new TreeMap<>(); // guarded by this

  Proxies(Executor threads) {
    this.threads = threads;
  }

  synchronized ProxyView create(ProxyConfig config) {
    if (byName.containsKey(config.name())) {
      throw ApiException.conflict("proxy already exists: " + config.name());
    }
    TcpProxy proxy = TcpProxy.start(config, threads);
    byName.put(config.name(), proxy);
    return proxy.view();
  }

  /**
   * Creates each proxy, replacing one of the same name unless it has the same listen and upstream
   * addresses (then it is kept as it is, with its connections and toxics), as Toxiproxy does.
   */
  synchronized List<ProxyView> populate(List<ProxyConfig> configs) {
    List<ProxyView> views = new ArrayList<>();
    for (ProxyConfig config : configs) {
      TcpProxy existing = byName.get(config.name());
      if (existing != null && existing.config().sameRouteAs(config)) {
        views.add(existing.view());
        continue;
      }
      if (existing != null) {
        existing.close();
        byName.remove(config.name());
      }
      TcpProxy proxy = TcpProxy.start(config, threads);
      byName.put(config.name(), proxy);
      views.add(proxy.view());
    }
    return views;
  }

  synchronized Map<String, ProxyView> views() {
    Map<String, ProxyView> views = new LinkedHashMap<>();
    byName.forEach((name, proxy) -> views.put(name, proxy.view()));
    return views;
  }

  synchronized TcpProxy get(String name) {
    TcpProxy proxy = byName.get(name);
    if (proxy == null) {
      throw ApiException.notFound("proxy not found: " + name);
    }
    return proxy;
  }

  synchronized ProxyView update(String name, UnaryOperator<ProxyConfig> change) {
    TcpProxy proxy = get(name);
    proxy.reconfigure(change.apply(proxy.config()));
    return proxy.view();
  }

  synchronized void delete(String name) {
    get(name).close();
    byName.remove(name);
  }

  /** Removes every toxic and enables every proxy. */
  synchronized void reset() {
    for (TcpProxy proxy : byName.values()) {
      proxy.toxics().clear();
      proxy.reconfigure(proxy.config().withEnabled(true));
    }
  }

  @Override
  public synchronized void close() {
    byName.values().forEach(TcpProxy::close);
    byName.clear();
  }
}
